/**
 * The analysis gate of a blue-green promotion (Argo Rollouts' AnalysisRun, reduced to what a
 * release decision needs): over a window, the error ratio and a latency quantile of one colour
 * of one service, read from Prometheus, compared with thresholds. Too little traffic is not a
 * pass: a gate that saw nothing cannot vouch for anything.
 *
 * Series are selected by the labels the ServiceMonitor of each service puts on every series
 * (components/monitoring/contract.ts): `service`, `role` (active|preview), `color` (blue|green).
 * Like the SLIs and alerts, the gate counts user requests only: the request-duration histogram
 * without the service's probe and metrics paths ({@link userRequests}). podinfo's plain
 * `http_requests_total` counts kubelet probes and scrapes too (about 0.4 per second per pod),
 * which would dilute the error ratio and meet the traffic minimum with no user at all.
 */
import { z } from "zod";
import { APP_METRICS, userRequests, type NonUserPaths } from "../../components/monitoring/contract";

/**
 * Config key of the thresholds, in the `delivery` namespace of `Pulumi.<stack>.yaml` (read by
 * the promotion tools only; the program ignores namespaces other than `app-platform`, so it
 * needs no change to the services schema):
 *
 * ```yaml
 * config:
 *   delivery:analysis:
 *     maxErrorRatio: 0.005
 *     services: { orders-api: { maxLatencySeconds: 0.3 } }
 * ```
 */
export const ANALYSIS_CONFIG_KEY = "delivery:analysis";

/** Thresholds and timing of one analysis. */
export interface AnalysisSettings {
  /** Highest acceptable fraction of responses with a 5xx status over the window. @default 0.01 */
  readonly maxErrorRatio: number;
  /** Highest acceptable latency at {@link AnalysisSettings.latencyQuantile}, in seconds. @default 0.5 */
  readonly maxLatencySeconds: number;
  /** Latency quantile compared with maxLatencySeconds. @default 0.99 */
  readonly latencyQuantile: number;
  /** Range of each query, a Prometheus duration. @default "5m" */
  readonly window: string;
  /** Fewest requests in the window for a verdict; fewer fails as inconclusive. @default 100 */
  readonly minRequests: number;
  /** Seconds the new active colour is watched after the switch. @default 600 */
  readonly watchSeconds: number;
  /** Seconds between two analyses while watching. @default 60 */
  readonly watchIntervalSeconds: number;
  /** Seconds to wait for the idle colour's pods to be ready. @default 600 */
  readonly readyTimeoutSeconds: number;
}

/** The defaults of every {@link AnalysisSettings} field (pinned by test/delivery/analysis.test.ts). */
export const DEFAULT_ANALYSIS: AnalysisSettings = {
  maxErrorRatio: 0.01,
  maxLatencySeconds: 0.5,
  latencyQuantile: 0.99,
  window: "5m",
  minRequests: 100,
  watchSeconds: 600,
  watchIntervalSeconds: 60,
  readyTimeoutSeconds: 600,
};

const duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, { error: "must be a Prometheus duration such as 5m" });
const settingsShape = {
  maxErrorRatio: z.number().min(0).max(1).optional(),
  maxLatencySeconds: z.number().gt(0).optional(),
  latencyQuantile: z.number().gt(0).lt(1).optional(),
  window: duration.optional(),
  minRequests: z.number().int().min(1).optional(),
  watchSeconds: z.number().int().min(0).optional(),
  watchIntervalSeconds: z.number().int().min(1).optional(),
  readyTimeoutSeconds: z.number().int().min(1).optional(),
};
/** Schema of the `delivery:analysis` value: settings for all services, overridable per service. */
export const analysisConfigSchema = z.strictObject({
  ...settingsShape,
  services: z.record(z.string(), z.strictObject(settingsShape)).optional(),
});

/** Thrown for an invalid `delivery:analysis` value; the message names the field, the value and the rule. */
export class AnalysisConfigError extends Error {
  override name = "AnalysisConfigError";
}

/**
 * The settings for one service: defaults, then the stack-wide values, then the service's own.
 *
 * @param raw the decoded `delivery:analysis` value (undefined when absent)
 */
export function analysisSettings(raw: unknown, service: string): AnalysisSettings {
  if (raw === undefined) return DEFAULT_ANALYSIS;
  const parsed = analysisConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const msgs = parsed.error.issues.map((i) => {
      const p = i.path.map((s) => (typeof s === "number" ? `[${s}]` : `.${String(s)}`)).join("");
      let value: unknown = raw;
      for (const s of i.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[s as string];
      return `${ANALYSIS_CONFIG_KEY}${p} (${JSON.stringify(value)}) ${i.message}`;
    });
    throw new AnalysisConfigError(msgs.join("; "));
  }
  const { services, ...common } = parsed.data;
  return { ...DEFAULT_ANALYSIS, ...strip(common), ...strip(services?.[service] ?? {}) };
}

function strip<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Which series an analysis reads. */
export interface AnalysisTarget {
  /** Service name from config (the `service` label). */
  readonly service: string;
  /** `preview` before the switch, `active` after it. */
  readonly role: "active" | "preview";
  readonly color: "blue" | "green";
  /** The service's probe and metrics paths (resolved config), left out of every query. */
  readonly nonUserPaths: NonUserPaths;
}

/** The PromQL of one analysis. */
export interface AnalysisQueries {
  readonly requests: string;
  readonly errorRatio: string;
  readonly latency: string;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

/** Builds the queries for a target and settings. Pure. */
export function analysisQueries(t: AnalysisTarget, s: Pick<AnalysisSettings, "window" | "latencyQuantile">): AnalysisQueries {
  const sel = `service="${escapeLabel(t.service)}",role="${t.role}",color="${t.color}"`;
  const count = (...more: string[]) => userRequests("count", sel, [t.nonUserPaths], ...more);
  const total = `sum(rate(${count()}[${s.window}]))`;
  // `or vector(0)`: with no 5xx at all the error series does not exist, which means ratio 0.
  const errors = `(sum(rate(${count(`${APP_METRICS.statusLabel}=~"5.."`)}[${s.window}])) or vector(0))`;
  return {
    requests: `sum(increase(${count()}[${s.window}]))`,
    errorRatio: `${errors} / ${total}`,
    latency: `histogram_quantile(${s.latencyQuantile}, sum by (le) (rate(${userRequests("bucket", sel, [t.nonUserPaths])}[${s.window}])))`,
  };
}

/** What the queries returned (undefined: no data). */
export interface AnalysisMeasurements {
  readonly requests?: number;
  readonly errorRatio?: number;
  readonly latencySeconds?: number;
}

/** One check of a verdict. */
export interface AnalysisCheck {
  readonly name: "traffic" | "error ratio" | "latency";
  readonly ok: boolean;
  /** `0.0123 > 0.01` style explanation. */
  readonly detail: string;
}

/** The gate's verdict. */
export interface AnalysisVerdict {
  readonly pass: boolean;
  readonly checks: AnalysisCheck[];
  readonly measurements: AnalysisMeasurements;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(4).replace(/\.?0+$/, "");
}

/** Compares measurements with thresholds. Pure; missing or NaN data fails its check. */
export function evaluateAnalysis(m: AnalysisMeasurements, s: AnalysisSettings): AnalysisVerdict {
  const checks: AnalysisCheck[] = [];
  const req = m.requests;
  checks.push(
    req === undefined || !Number.isFinite(req)
      ? { name: "traffic", ok: false, detail: "no requests recorded in the window (inconclusive)" }
      : { name: "traffic", ok: req >= s.minRequests, detail: `${fmt(req)} requests ${req >= s.minRequests ? ">=" : "<"} ${s.minRequests} needed` },
  );
  const er = m.errorRatio;
  checks.push(
    er === undefined || !Number.isFinite(er)
      ? { name: "error ratio", ok: false, detail: "no error ratio (no traffic in the window)" }
      : { name: "error ratio", ok: er <= s.maxErrorRatio, detail: `${fmt(er)} ${er <= s.maxErrorRatio ? "<=" : ">"} ${s.maxErrorRatio}` },
  );
  const lat = m.latencySeconds;
  checks.push(
    lat === undefined || !Number.isFinite(lat)
      ? { name: "latency", ok: false, detail: `no p${fmt(s.latencyQuantile * 100)} latency (no histogram data in the window)` }
      : {
          name: "latency",
          ok: lat <= s.maxLatencySeconds,
          detail: `p${fmt(s.latencyQuantile * 100)} ${fmt(lat)}s ${lat <= s.maxLatencySeconds ? "<=" : ">"} ${s.maxLatencySeconds}s`,
        },
  );
  return { pass: checks.every((c) => c.ok), checks, measurements: m };
}

/** Evaluates a PromQL expression to one number at an instant (undefined when the result is empty). */
export type InstantQuery = (expr: string, at?: Date) => Promise<number | undefined>;

/** Thrown when Prometheus cannot be queried; a gate that cannot ask must not pass. */
export class PrometheusQueryError extends Error {
  override name = "PrometheusQueryError";
}

/** An {@link InstantQuery} against Prometheus' HTTP API (`/api/v1/query`). */
export function prometheusQuery(baseUrl: string, timeoutMs = 10_000): InstantQuery {
  const root = baseUrl.replace(/\/+$/, "");
  return async (expr, at) => {
    const params = new URLSearchParams({ query: expr });
    if (at) params.set("time", String(at.getTime() / 1000));
    let body: { status: string; error?: string; data?: { resultType: string; result: unknown } };
    try {
      const res = await fetch(`${root}/api/v1/query`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: params.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = (await res.json()) as typeof body;
    } catch (e) {
      throw new PrometheusQueryError(`cannot query Prometheus at ${root}: ${(e as Error).message}`);
    }
    if (body.status !== "success" || !body.data) throw new PrometheusQueryError(`Prometheus rejected \`${expr}\`: ${body.error ?? body.status}`);
    const { resultType, result } = body.data;
    if (resultType === "scalar") return Number((result as [number, string])[1]);
    if (resultType === "vector") {
      const v = result as { value: [number, string] }[];
      if (v.length === 0) return undefined;
      if (v.length > 1) throw new PrometheusQueryError(`\`${expr}\` returned ${v.length} series; the gate expects one`);
      return Number(v[0].value[1]);
    }
    throw new PrometheusQueryError(`\`${expr}\` returned a ${resultType}; the gate expects a number`);
  };
}

/** Runs the queries for a target and evaluates them (at `at`, default now). */
export async function runAnalysis(query: InstantQuery, target: AnalysisTarget, s: AnalysisSettings, at?: Date): Promise<AnalysisVerdict> {
  const q = analysisQueries(target, s);
  const [requests, errorRatio, latencySeconds] = await Promise.all([query(q.requests, at), query(q.errorRatio, at), query(q.latency, at)]);
  return evaluateAnalysis({ requests, errorRatio, latencySeconds }, s);
}

/** One line per verdict: `PASS traffic 600 requests >= 100 needed · error ratio 0.002 <= 0.01 · ...`. */
export function formatVerdict(v: AnalysisVerdict): string {
  return `${v.pass ? "PASS" : "FAIL"}: ${v.checks.map((c) => `${c.ok ? "ok" : "FAILED"} ${c.name} ${c.detail}`).join(" · ")}`;
}
