import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AnalysisConfigError,
  DEFAULT_ANALYSIS,
  PrometheusQueryError,
  analysisQueries,
  analysisSettings,
  evaluateAnalysis,
  prometheusQuery,
  runAnalysis,
  type AnalysisSettings,
} from "../../tools/delivery/analysis";
import { PROGRAMS, ProcessGroup, freePort, httpOk, requireProgram } from "../../tools/harness/processes";

describe("analysis settings", () => {
  it("pins every default", () => {
    expect(DEFAULT_ANALYSIS).toEqual({
      maxErrorRatio: 0.01,
      maxLatencySeconds: 0.5,
      latencyQuantile: 0.99,
      window: "5m",
      minRequests: 100,
      watchSeconds: 600,
      watchIntervalSeconds: 60,
      readyTimeoutSeconds: 600,
    });
    expect(analysisSettings(undefined, "podinfo")).toBe(DEFAULT_ANALYSIS);
  });

  it("layers stack-wide values, then the service's own, over the defaults", () => {
    const s = analysisSettings({ maxErrorRatio: 0.005, window: "10m", services: { "orders-api": { maxLatencySeconds: 0.3 } } }, "orders-api");
    expect(s).toEqual({ ...DEFAULT_ANALYSIS, maxErrorRatio: 0.005, window: "10m", maxLatencySeconds: 0.3 });
    expect(analysisSettings({ services: { "orders-api": { maxLatencySeconds: 0.3 } } }, "podinfo").maxLatencySeconds).toBe(0.5);
  });

  it("names the field, the value and the rule of a bad value", () => {
    expect(() => analysisSettings({ maxErrorRatio: 2 }, "x")).toThrow(AnalysisConfigError);
    expect(() => analysisSettings({ maxErrorRatio: 2 }, "x")).toThrow(/^delivery:analysis\.maxErrorRatio \(2\) .*1/);
    expect(() => analysisSettings({ window: "five minutes" }, "x")).toThrow('delivery:analysis.window ("five minutes") must be a Prometheus duration such as 5m');
    expect(() => analysisSettings({ services: { a: { minRequests: 0 } } }, "a")).toThrow(/delivery:analysis\.services\.a\.minRequests \(0\)/);
    expect(() => analysisSettings({ maxErrorRatoi: 0.1 }, "x")).toThrow(/maxErrorRatoi/);
  });
});

describe("evaluateAnalysis", () => {
  const s: AnalysisSettings = { ...DEFAULT_ANALYSIS, minRequests: 100, maxErrorRatio: 0.01, maxLatencySeconds: 0.5 };

  it("passes at the thresholds and fails just beyond each", () => {
    expect(evaluateAnalysis({ requests: 100, errorRatio: 0.01, latencySeconds: 0.5 }, s).pass).toBe(true);
    const fails = [
      { requests: 99, errorRatio: 0.01, latencySeconds: 0.5 },
      { requests: 100, errorRatio: 0.0101, latencySeconds: 0.5 },
      { requests: 100, errorRatio: 0.01, latencySeconds: 0.501 },
    ];
    for (const m of fails) expect(evaluateAnalysis(m, s).pass).toBe(false);
  });

  it("fails, never passes, when data is missing or NaN", () => {
    const v = evaluateAnalysis({}, s);
    expect(v.pass).toBe(false);
    expect(v.checks.map((c) => c.ok)).toEqual([false, false, false]);
    expect(evaluateAnalysis({ requests: 500, errorRatio: NaN, latencySeconds: 0.1 }, s).pass).toBe(false);
  });
});

describe("analysisQueries", () => {
  it("selects the contract's labels and the user requests of the histogram", () => {
    const nonUserPaths = { metricsPath: "/metrics", probes: { liveness: { path: "/healthz" }, readiness: { path: "/readyz" } } };
    const q = analysisQueries({ service: "podinfo", role: "preview", color: "green", nonUserPaths }, { window: "5m", latencyQuantile: 0.99 });
    // podinfo labels `/healthz` as `healthz`; both spellings are left out.
    const sel = 'service="podinfo",role="preview",color="green",path!~"/healthz|/metrics|/readyz|healthz|metrics|readyz"';
    expect(q.requests).toBe(`sum(increase(http_request_duration_seconds_count{${sel}}[5m]))`);
    expect(q.errorRatio).toBe(`(sum(rate(http_request_duration_seconds_count{${sel},status=~"5.."}[5m])) or vector(0)) / sum(rate(http_request_duration_seconds_count{${sel}}[5m]))`);
    expect(q.latency).toBe(`histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`);
  });
});

// ---- against a real Prometheus 2.42, with series backfilled by promtool -------------------

const BUCKETS = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"];
const STEP = 15;
const POINTS = 41; // 10 minutes of samples every 15 s

interface Traffic {
  readonly service: string;
  readonly role: "active" | "preview";
  readonly color: "blue" | "green";
  /** User requests per second (path `/`, podinfo's `root`). */
  readonly rps: number;
  /** Fraction of user requests answered with 500. */
  readonly errorRatio: number;
  /** Fraction of user requests in each bucket's own interval (same length as BUCKETS, sums to 1). */
  readonly latency: readonly number[];
}

/**
 * The service's probe and metrics paths, as the resolved config declares them (podinfo's
 * `/healthz` and `/readyz`, scraped at `/metrics`).
 */
const NON_USER = { metricsPath: "/metrics", probes: { liveness: { path: "/healthz" }, readiness: { path: "/readyz" } } } as const;

/**
 * What every pod also answers, per 15 s step, always 200 and fast: kubelet probes and scrapes,
 * 6 per step = 0.4 per second, as podinfo counts them in both metrics.
 */
const NON_USER_PER_STEP = { healthz: 3, readyz: 2, metrics: 1 } as const;

/**
 * OpenMetrics text of podinfo's metrics for each traffic pattern, ending at `end`:
 * `http_requests_total{status}` counting every request, and the
 * `http_request_duration_seconds{path,status}` histogram (buckets and count) by route.
 */
function openMetrics(traffic: readonly Traffic[], end: number): string {
  const times = Array.from({ length: POINTS }, (_, i) => end - (POINTS - 1 - i) * STEP);
  const FIRST = BUCKETS.map((_, b) => (b === 0 ? 1 : 0));
  // [labels, path, status, requests per step, latency shares]
  const routes = traffic.flatMap((t) => {
    const labels = `service="${t.service}",role="${t.role}",color="${t.color}"`;
    const user = ([["200", 1 - t.errorRatio], ["500", t.errorRatio]] as const)
      .filter(([, share]) => share > 0)
      .map(([status, share]) => ({ labels, path: "root", status, perStep: t.rps * share * STEP, latency: t.latency }));
    const other = Object.entries(NON_USER_PER_STEP).map(([path, n]) => ({ labels, path, status: "200", perStep: n, latency: FIRST }));
    return [...user, ...other];
  });
  const lines: string[] = ["# TYPE http_requests_total unknown"];
  for (const t of traffic) {
    const labels = `service="${t.service}",role="${t.role}",color="${t.color}"`;
    for (const status of ["200", "500"]) {
      const own = routes.filter((r) => r.labels === labels && r.status === status);
      if (own.length === 0) continue;
      times.forEach((ts, i) => lines.push(`http_requests_total{${labels},status="${status}"} ${own.reduce((n, r) => n + Math.round(r.perStep * i), 0)} ${ts}`));
    }
  }
  lines.push("# TYPE http_request_duration_seconds_bucket unknown");
  for (const r of routes) {
    BUCKETS.forEach((le, b) => {
      const cumulative = r.latency.slice(0, b + 1).reduce((x, y) => x + y, 0);
      times.forEach((ts, i) =>
        lines.push(`http_request_duration_seconds_bucket{${r.labels},method="GET",path="${r.path}",status="${r.status}",le="${le}"} ${Math.round(r.perStep * cumulative * i)} ${ts}`),
      );
    });
  }
  lines.push("# TYPE http_request_duration_seconds_count unknown");
  for (const r of routes) {
    times.forEach((ts, i) => lines.push(`http_request_duration_seconds_count{${r.labels},method="GET",path="${r.path}",status="${r.status}"} ${Math.round(r.perStep * i)} ${ts}`));
  }
  lines.push("# EOF");
  return lines.join("\n") + "\n";
}

const FAST = [0.7, 0.3, 0, 0, 0, 0, 0];
const SLOW = [0.2, 0.2, 0.1, 0, 0.3, 0.2, 0];
/** Every user request between 0.25 s and 0.5 s. */
const MID = [0, 0, 0, 1, 0, 0, 0];
const TRAFFIC: Traffic[] = [
  { service: "podinfo", role: "preview", color: "green", rps: 10, errorRatio: 0.002, latency: FAST },
  { service: "podinfo", role: "active", color: "blue", rps: 10, errorRatio: 0.2, latency: FAST },
  { service: "orders-api", role: "preview", color: "blue", rps: 10, errorRatio: 0.05, latency: FAST },
  { service: "slow-api", role: "preview", color: "green", rps: 10, errorRatio: 0, latency: SLOW },
  { service: "quiet-api", role: "preview", color: "green", rps: 0.02, errorRatio: 0, latency: FAST },
  // Probes and scrapes only: no user at all.
  { service: "idle-api", role: "preview", color: "green", rps: 0, errorRatio: 0, latency: FAST },
  // 10 user requests per 15 s step, 1 of them a 500; plus 6 probes and scrapes per step.
  { service: "mixed-api", role: "preview", color: "green", rps: 10 / STEP, errorRatio: 0.1, latency: MID },
];

describe("analysis gate against Prometheus 2.42", () => {
  const group = new ProcessGroup();
  let url = "";
  let at = new Date();

  beforeAll(async () => {
    const promtool = requireProgram(PROGRAMS.promtool);
    const prometheus = requireProgram(PROGRAMS.prometheus);
    const dir = group.tempDir("analysis");
    const end = Math.floor(Date.now() / 1000) - 60;
    at = new Date(end * 1000);
    fs.writeFileSync(path.join(dir, "series.om"), openMetrics(TRAFFIC, end));
    execFileSync(promtool, ["tsdb", "create-blocks-from", "openmetrics", path.join(dir, "series.om"), path.join(dir, "data")], { stdio: "pipe" });
    fs.writeFileSync(path.join(dir, "prometheus.yml"), "global: {}\nscrape_configs: []\n");
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    await group.start(
      "prometheus",
      prometheus,
      [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`],
      { ready: () => httpOk(`${url}/-/ready`) },
    );
  });
  afterAll(() => group.stopAll());

  it("passes a healthy preview colour and reports what it measured", async () => {
    const v = await runAnalysis(prometheusQuery(url), { service: "podinfo", role: "preview", color: "green", nonUserPaths: NON_USER }, DEFAULT_ANALYSIS, at);
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.pass).toBe(true);
    expect(v.measurements.requests).toBeGreaterThan(2900); // 10 rps over 5 minutes
    expect(v.measurements.errorRatio).toBeCloseTo(0.002, 3);
    expect(v.measurements.latencySeconds).toBeLessThanOrEqual(0.1);
  });

  it("fails on the error ratio, reading only the selected colour and role", async () => {
    const v = await runAnalysis(prometheusQuery(url), { service: "orders-api", role: "preview", color: "blue", nonUserPaths: NON_USER }, DEFAULT_ANALYSIS, at);
    expect(v.pass).toBe(false);
    expect(v.checks.find((c) => c.name === "error ratio")).toMatchObject({ ok: false });
    expect(v.measurements.errorRatio).toBeCloseTo(0.05, 2);
    expect(v.checks.find((c) => c.name === "latency")?.ok).toBe(true);
    // podinfo's active blue colour is failing, but its preview green is what the gate reads.
    const active = await runAnalysis(prometheusQuery(url), { service: "podinfo", role: "active", color: "blue", nonUserPaths: NON_USER }, DEFAULT_ANALYSIS, at);
    expect(active.pass).toBe(false);
  });

  it("fails on p99 latency, and passes it again with a looser threshold from config", async () => {
    const target = { service: "slow-api", role: "preview", color: "green", nonUserPaths: NON_USER } as const;
    const v = await runAnalysis(prometheusQuery(url), target, DEFAULT_ANALYSIS, at);
    expect(v.pass).toBe(false);
    expect(v.checks.find((c) => c.name === "latency")).toMatchObject({ ok: false });
    expect(v.measurements.latencySeconds).toBeGreaterThan(1);
    const loose = analysisSettings({ services: { "slow-api": { maxLatencySeconds: 3 } } }, "slow-api");
    expect((await runAnalysis(prometheusQuery(url), target, loose, at)).pass).toBe(true);
  });

  it("fails as inconclusive with too little traffic or none at all", async () => {
    const quiet = await runAnalysis(prometheusQuery(url), { service: "quiet-api", role: "preview", color: "green", nonUserPaths: NON_USER }, DEFAULT_ANALYSIS, at);
    expect(quiet.pass).toBe(false);
    expect(quiet.checks.find((c) => c.name === "traffic")?.ok).toBe(false);
    const none = await runAnalysis(prometheusQuery(url), { service: "absent", role: "preview", color: "green", nonUserPaths: NON_USER }, DEFAULT_ANALYSIS, at);
    expect(none.pass).toBe(false);
    expect(none.checks.map((c) => c.ok)).toEqual([false, false, false]);
  });

  it("does not count probes and scrapes as traffic: with no user the gate is inconclusive", async () => {
    // idle-api answers 6 probes and scrapes per 15 s (0.4/s): 120 in 5 minutes, more than the
    // 100 the gate needs, but 0 user requests.
    const v = await runAnalysis(prometheusQuery(url), { service: "idle-api", role: "preview", color: "green", nonUserPaths: NON_USER }, DEFAULT_ANALYSIS, at);
    expect(v.pass).toBe(false);
    expect(v.measurements.requests).toBe(0);
    expect(v.checks.find((c) => c.name === "traffic")).toEqual({ name: "traffic", ok: false, detail: "0 requests < 100 needed" });
    // What podinfo's plain counter says over the same window: the probes alone.
    expect(await prometheusQuery(url)('sum(increase(http_requests_total{service="idle-api"}[5m]))', at)).toBeCloseTo(120, 0);
  });

  it("measures the error ratio and latency of user requests: K/N, not K/(N + probes)", async () => {
    // mixed-api per 15 s step: 10 user requests (1 a 500, all in 0.25-0.5 s) and 6 probes.
    // Over 5 minutes (20 steps): N = 200, K = 20, so 20/200 = 0.1; counting the 120 probes
    // would give 20/320 = 0.0625 and pass a 0.08 threshold. The median of the user requests,
    // interpolated in the (0.25, 0.5] bucket, is 0.25 + 0.25 * 0.5 = 0.375 s (with the fast
    // probes it would be 0.25 + 0.25 * (160 - 120) / 200 = 0.3 s).
    const s = { ...DEFAULT_ANALYSIS, maxErrorRatio: 0.08, latencyQuantile: 0.5, maxLatencySeconds: 0.35 };
    const v = await runAnalysis(prometheusQuery(url), { service: "mixed-api", role: "preview", color: "green", nonUserPaths: NON_USER }, s, at);
    expect(v.measurements.requests).toBeCloseTo(200, 0);
    expect(v.measurements.errorRatio).toBeCloseTo(0.1, 6);
    expect(v.measurements.latencySeconds).toBeCloseTo(0.375, 6);
    expect(v.checks.map((c) => [c.name, c.ok])).toEqual([["traffic", true], ["error ratio", false], ["latency", false]]);
    expect(v.pass).toBe(false);
  });

  it("raises, rather than passing, when Prometheus rejects a query or cannot be reached", async () => {
    await expect(prometheusQuery(url)("sum(rate(x[5m]")).rejects.toThrow(PrometheusQueryError);
    await expect(prometheusQuery(url)("http_requests_total")).rejects.toThrow(/series; the gate expects one/);
    const closed = `http://127.0.0.1:${await freePort()}`;
    await expect(prometheusQuery(closed, 2000)("vector(1)")).rejects.toThrow(/cannot query Prometheus/);
  });
});
