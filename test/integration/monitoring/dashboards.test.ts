// The platform's dashboards as the dev render ships them, read by a real Prometheus 2.42 that
// scrapes two podinfo-like pods (tools/harness/app-service.ts: kubelet probes 0.4/s, every
// scrape a request too, podinfo's metric names and path labels). The request and error panels
// must count user requests only: with probes and scrapes alone they read 0 requests / s and
// no error ratio, where the panels of old (podinfo's plain http_requests_total) read the
// probes and scrapes as traffic; with users, they agree with numbers worked out by hand from
// the load sent. Every query of every platform dashboard runs on the real Prometheus.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboards } from "../../../components/monitoring/dashboards";
import { InstrumentedService } from "../../../tools/harness/app-service";
import { dashboardQueries, dashboardVariables, expandQuery, resolveVariables } from "../../../tools/harness/dashboards";
import { renderMonitoring, type RenderedMonitoring } from "../../../tools/harness/monitoring";
import { PROGRAMS, ProcessGroup, requireProgram } from "../../../tools/harness/processes";
import { startPrometheus, type PrometheusServer } from "../../../tools/harness/prometheus";
import { waitUntil } from "../../../tools/harness/scenarios";
import * as fs from "node:fs";

/** Seconds between scrapes: each scrape of a pod is one request podinfo counts. */
const SCRAPE_SECONDS = 1;
/** Kubelet probes per second and pod (the emulator's default: /readyz and /healthz in turn). */
const PROBES_PER_SECOND = 0.4;
/**
 * Grafana's variables for a 15 s panel step: `$__rate_interval` = max(15 + 1, 4 x 1) = 16 s,
 * long enough that a steady load reads steadily.
 */
const INTERVALS = { interval: 15, range: 300, scrape: SCRAPE_SECONDS };
const DEADLINE_MS = 90_000;

/**
 * Two panels as they were before they counted user requests (components/monitoring/dashboards
 * at 32a6be0^): podinfo's plain counter, which has no path label and counts every request.
 */
const OLD_PANELS = {
  requests: 'sum(rate(http_requests_total{service="$service",role="active"}[$__rate_interval]))',
  errorRatio:
    'sum(rate(http_requests_total{service="$service",role="active",status=~"5.."}[$__rate_interval])) / sum(rate(http_requests_total{service="$service",role="active"}[$__rate_interval]))',
};

/** Values of one panel by legend as Grafana draws them; {} is "no data". */
type Reading = Record<string, number>;

let group: ProcessGroup;
let rendered: RenderedMonitoring;
let prometheus: PrometheusServer;
let blue: InstrumentedService;
let green: InstrumentedService;
let service = "";

beforeAll(async () => {
  requireProgram(PROGRAMS.prometheus);
  group = new ProcessGroup();
  rendered = await renderMonitoring({ stack: "dev" });
  // dev's one service; its probes (/readyz, /healthz) and metrics path (/metrics) are the emulator's.
  service = rendered.config.services[0]!.name;
  blue = new InstrumentedService({ requestsPerSecond: 0, probesPerSecond: PROBES_PER_SECOND });
  green = new InstrumentedService({ requestsPerSecond: 0, probesPerSecond: PROBES_PER_SECOND });
  await blue.start();
  await green.start();
  // The labels the ServiceMonitors' relabelings put on every series (blue active, green preview).
  const targets = [
    { address: blue.target, labels: { namespace: rendered.config.namespaces.apps, service, role: "active", color: "blue" } },
    { address: green.target, labels: { namespace: rendered.config.namespaces.apps, service, role: "preview", color: "green" } },
  ];
  prometheus = await startPrometheus(group, {
    scrapeIntervalSeconds: SCRAPE_SECONDS,
    evaluationIntervalSeconds: SCRAPE_SECONDS,
    ruleFiles: [],
    alertmanagers: [],
    jobs: [{ job: "app", targets }],
  });
  await prometheus.waitForTargets(targets.length, 30_000);
}, 120_000);

afterAll(async () => {
  await blue?.close();
  await green?.close();
  await group?.stopAll();
  if (rendered) fs.rmSync(rendered.dir, { recursive: true, force: true });
});

/** The platform's own dashboards of the render (the chart's read cluster components). */
function platformDashboards(): [string, any][] {
  const ours = buildDashboards(rendered.config).map((d) => `${d.slug}.json`);
  for (const f of ours) if (!(f in rendered.dashboards)) throw new Error(`${f} is not among the rendered dashboards`);
  return Object.entries(rendered.dashboards).filter(([f]) => ours.includes(f));
}

/** Grafana's legend of a series: `{{label}}` replaced by the series' label values. */
function legendOf(format: string | undefined, labels: Record<string, string>, refId: string): string {
  if (!format || format === "__auto") return refId;
  return format.replace(/\{\{\s*([a-zA-Z_]\w*)\s*\}\}/g, (_, l: string) => labels[l] ?? "");
}

/** Runs one expression with the dashboard's variables; series by legend. */
async function read(expr: string, values: Record<string, string>, legend: string | undefined, refId: string): Promise<Reading> {
  const res = await prometheus.query(expandQuery(expr, values, INTERVALS));
  const out: Reading = {};
  for (const r of res.result as { metric: Record<string, string>; value: [number, string] }[]) out[legendOf(legend, r.metric, refId)] = Number(r.value[1]);
  return out;
}

/** Every panel of the service and release dashboards, read now: `<file>: <title>` -> legend -> value. */
async function readPanels(): Promise<Record<string, Reading>> {
  const out: Record<string, Reading> = {};
  for (const [file, dashboard] of platformDashboards().filter(([f]) => ["service-red.json", "release.json"].includes(f))) {
    const values = await resolveVariables(prometheus, dashboardVariables(dashboard), { service });
    const visit = async (panels: any[] | undefined) => {
      for (const p of panels ?? []) {
        for (const t of p.targets ?? [])
          out[`${file}: ${p.title}`] = { ...out[`${file}: ${p.title}`], ...(await read(t.expr, values, t.legendFormat, t.refId)) };
        await visit(p.panels);
      }
    };
    await visit(dashboard.panels);
  }
  return out;
}

/** A reading as text, NaN shown as NaN (JSON would print null). */
const show = (r: Reading) => JSON.stringify(r, (_, v: unknown) => (typeof v === "number" && Number.isNaN(v) ? "NaN" : v));

/** The differences between readings and hand-worked expectations, within a tolerance. */
function mismatches(actual: Record<string, Reading>, expected: Record<string, Reading>, tolerance: (panel: string, expected: number) => number): string[] {
  const out: string[] = [];
  for (const [panel, want] of Object.entries(expected)) {
    const got = actual[panel];
    if (!got) {
      out.push(`${panel}: not on any dashboard`);
      continue;
    }
    if (JSON.stringify(Object.keys(got).sort()) !== JSON.stringify(Object.keys(want).sort())) {
      out.push(`${panel}: series ${show(got)}, expected ${show(want)}`);
      continue;
    }
    for (const [k, v] of Object.entries(want)) {
      if (!(Math.abs(got[k]! - v) <= tolerance(panel, v))) out.push(`${panel} [${k}]: ${got[k]}, expected ${v}`);
    }
  }
  return out;
}

/** Polls until the panels read as expected (rates settle over one rate window); fails naming every difference. */
async function expectPanels(expected: Record<string, Reading>, tolerance: (panel: string, expected: number) => number): Promise<Record<string, Reading>> {
  let last: Record<string, Reading> = {};
  let diff: string[] = [];
  await waitUntil(
    "the panels read the hand-worked values",
    async () => {
      last = await readPanels();
      diff = mismatches(last, expected, tolerance);
      return diff.length === 0;
    },
    DEADLINE_MS,
  ).catch(() => undefined); // the assertion below names the differences
  expect(diff).toEqual([]);
  return last;
}

/** Rates within 10 % (a load generator's ticks and Prometheus' extrapolation), ratios within 0.02. */
const tolerance = (panel: string, v: number) => (/ratio/i.test(panel) ? 0.02 : Math.max(0.1 * Math.abs(v), 0.05));

describe("dashboards count user requests only (real Prometheus, podinfo-like pods)", () => {
  it("every query of every platform dashboard, and every variable, runs on Prometheus 2.42", async () => {
    let count = 0;
    for (const [file, dashboard] of platformDashboards()) {
      const values = await resolveVariables(prometheus, dashboardVariables(dashboard), { service });
      for (const q of dashboardQueries(file, dashboard)) {
        await prometheus.query(expandQuery(q.expr, values, INTERVALS)).catch((e: Error) => {
          throw new Error(`${file} "${q.panel}" ${q.refId}: ${e.message}\n${q.expr}`);
        });
        count++;
      }
    }
    expect(count).toBeGreaterThan(40);
  });

  it("with probes and scrapes only: 0 requests / s and no error ratio, where the old panels read them as traffic", async () => {
    // The service variable still lists the idle service: its probe series are in the histogram.
    const vars = await resolveVariables(prometheus, dashboardVariables(rendered.dashboards["service-red.json"]));
    expect(vars.service).toBe(service);
    // A whole rate window of scrapes first, else any rate reads ~0 for want of samples.
    const window = Number(/\[(\d+)ms\]/.exec(expandQuery("[$__rate_interval]", {}, INTERVALS))![1]) / 1000;
    await waitUntil(
      `${window + 2} s of scrapes`,
      async () =>
        Number((await prometheus.query(`min(count_over_time(up{service="${service}"}[${window + 2}s]))`)).result[0]?.value[1] ?? 0) >=
        (window + 2) / SCRAPE_SECONDS - 1,
      DEADLINE_MS,
    );
    // The old panels read probes (0.4/s) plus scrapes (1/s) of the active pod as traffic:
    // 1.4 requests / s, and an error ratio of 0 % for a service nobody uses.
    const oldRate = PROBES_PER_SECOND + 1 / SCRAPE_SECONDS;
    let old: Reading = {};
    await waitUntil(
      `the old panel reads ~${oldRate} requests / s`,
      async () => {
        old = await read(OLD_PANELS.requests, { service }, undefined, "A");
        return Math.abs(old.A! - oldRate) <= 0.2 * oldRate;
      },
      DEADLINE_MS,
    ).catch(() => undefined);
    expect(old.A).toBeGreaterThan(oldRate * 0.8);
    expect(old.A).toBeLessThan(oldRate * 1.2);
    expect(await read(OLD_PANELS.errorRatio, { service }, undefined, "A")).toEqual({ A: 0 });
    // By hand: no user request at all, so every user-request rate is 0 and no ratio exists;
    // both pods are up (blue active, green preview).
    const now = await expectPanels(
      {
        "service-red.json: Requests / s": { A: 0 },
        "service-red.json: Requests / s by colour": { blue: 0, green: 0 },
        "service-red.json: Responses / s by status": { "200": 0 },
        "service-red.json: Error ratio (active)": {},
        "service-red.json: Error ratio by colour (5xx / all)": {},
        "service-red.json: Pods up": { A: 2 },
        "release.json: User requests / s": { "blue (active)": 0, "green (preview)": 0 },
        "release.json: Error ratio": {},
        "release.json: Error ratio green - blue": {},
        "release.json: Active colour pods": { blue: 1 },
        "release.json: Preview colour pods": { green: 1 },
        // No user request, no latency: no data rather than histogram_quantile's NaN.
        "service-red.json: p99 latency (active)": {},
        "service-red.json: Latency quantiles by colour": {},
        "release.json: p99 latency": {},
      },
      tolerance,
    );
    // Exactly 0, not a small rate: no probe or scrape leaks into the user-request panels.
    expect(now["service-red.json: Requests / s"]).toEqual({ A: 0 });
  }, 150_000);

  it("with users: the panels agree with the load sent, worked out by hand", async () => {
    // Blue (active): 20 user requests / s, one in four answered 500 (spread evenly);
    // green (preview): 10 / s, none failing. Probes and scrapes go on beside them.
    blue.setFault({ errorRatio: 0.25 });
    blue.setUserRate(20);
    green.setUserRate(10);
    try {
      const now = await expectPanels(
        {
          // 20 / s on the active colour.
          "service-red.json: Requests / s": { A: 20 },
          "service-red.json: Requests / s by colour": { blue: 20, green: 10 },
          // 200: 20 x 0.75 = 15 of blue plus green's 10; 500: 20 x 0.25 = 5.
          "service-red.json: Responses / s by status": { "200": 25, "500": 5 },
          "service-red.json: Error ratio (active)": { A: 0.25 },
          "service-red.json: Error ratio by colour (5xx / all)": { blue: 0.25, green: 0 },
          "release.json: User requests / s": { "blue (active)": 20, "green (preview)": 10 },
          "release.json: Error ratio": { blue: 0.25, green: 0 },
          // 0 - 0.25: blue fails more often than green.
          "release.json: Error ratio green - blue": { A: -0.25 },
        },
        tolerance,
      );
      // Latency has data for each colour now, a duration within the histogram's buckets (the
      // emulator answers at once; how fast depends on the machine, so no exact value).
      const latency = (panel: string) => now[panel] ?? {};
      expect(Object.keys(latency("service-red.json: p99 latency (active)"))).toEqual(["A"]);
      expect(Object.keys(latency("service-red.json: Latency quantiles by colour")).sort()).toEqual([
        "p50 blue",
        "p50 green",
        "p95 blue",
        "p95 green",
        "p99 blue",
        "p99 green",
      ]);
      expect(Object.keys(latency("release.json: p99 latency")).sort()).toEqual(["blue", "green"]);
      for (const p of ["service-red.json: p99 latency (active)", "service-red.json: Latency quantiles by colour", "release.json: p99 latency"]) {
        for (const v of Object.values(latency(p))) expect(v > 0 && v <= 10, `${p}: ${v}`).toBe(true);
      }
      // The counts the pods served agree: a quarter of blue's user requests failed.
      const s = blue.stats();
      expect(s.failed / s.served).toBeCloseTo(0.25, 2);
    } finally {
      blue.setUserRate(0);
      green.setUserRate(0);
      blue.setFault({ errorRatio: 0 });
    }
  }, 150_000);
});
