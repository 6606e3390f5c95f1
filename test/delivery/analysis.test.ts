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
  it("selects the contract's labels and metrics", () => {
    const q = analysisQueries({ service: "podinfo", role: "preview", color: "green" }, { window: "5m", latencyQuantile: 0.99 });
    expect(q.requests).toBe('sum(increase(http_requests_total{service="podinfo",role="preview",color="green"}[5m]))');
    expect(q.errorRatio).toContain('status=~"5.."');
    expect(q.errorRatio).toContain("or vector(0)");
    expect(q.latency).toBe('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="podinfo",role="preview",color="green"}[5m])))');
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
  /** Requests per second. */
  readonly rps: number;
  /** Fraction answered with 500. */
  readonly errorRatio: number;
  /** Fraction of requests in each bucket's own interval (same length as BUCKETS, sums to 1). */
  readonly latency: readonly number[];
}

/** OpenMetrics text of counters and histogram buckets for each traffic pattern, ending at `end`. */
function openMetrics(traffic: readonly Traffic[], end: number): string {
  const lines: string[] = ["# TYPE http_requests_total unknown"];
  const times = Array.from({ length: POINTS }, (_, i) => end - (POINTS - 1 - i) * STEP);
  for (const t of traffic) {
    const labels = `service="${t.service}",role="${t.role}",color="${t.color}"`;
    for (const [status, share] of [["200", 1 - t.errorRatio], ["500", t.errorRatio]] as const) {
      if (share === 0) continue;
      times.forEach((ts, i) => lines.push(`http_requests_total{${labels},status="${status}"} ${Math.round(t.rps * share * STEP * i)} ${ts}`));
    }
  }
  lines.push("# TYPE http_request_duration_seconds_bucket unknown");
  for (const t of traffic) {
    const labels = `service="${t.service}",role="${t.role}",color="${t.color}"`;
    BUCKETS.forEach((le, b) => {
      const cumulative = t.latency.slice(0, b + 1).reduce((x, y) => x + y, 0);
      times.forEach((ts, i) => lines.push(`http_request_duration_seconds_bucket{${labels},le="${le}"} ${Math.round(t.rps * cumulative * STEP * i)} ${ts}`));
    });
  }
  lines.push("# EOF");
  return lines.join("\n") + "\n";
}

const FAST = [0.7, 0.3, 0, 0, 0, 0, 0];
const SLOW = [0.2, 0.2, 0.1, 0, 0.3, 0.2, 0];
const TRAFFIC: Traffic[] = [
  { service: "podinfo", role: "preview", color: "green", rps: 10, errorRatio: 0.002, latency: FAST },
  { service: "podinfo", role: "active", color: "blue", rps: 10, errorRatio: 0.2, latency: FAST },
  { service: "orders-api", role: "preview", color: "blue", rps: 10, errorRatio: 0.05, latency: FAST },
  { service: "slow-api", role: "preview", color: "green", rps: 10, errorRatio: 0, latency: SLOW },
  { service: "quiet-api", role: "preview", color: "green", rps: 0.02, errorRatio: 0, latency: FAST },
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
    const v = await runAnalysis(prometheusQuery(url), { service: "podinfo", role: "preview", color: "green" }, DEFAULT_ANALYSIS, at);
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.pass).toBe(true);
    expect(v.measurements.requests).toBeGreaterThan(2900); // 10 rps over 5 minutes
    expect(v.measurements.errorRatio).toBeCloseTo(0.002, 3);
    expect(v.measurements.latencySeconds).toBeLessThanOrEqual(0.1);
  });

  it("fails on the error ratio, reading only the selected colour and role", async () => {
    const v = await runAnalysis(prometheusQuery(url), { service: "orders-api", role: "preview", color: "blue" }, DEFAULT_ANALYSIS, at);
    expect(v.pass).toBe(false);
    expect(v.checks.find((c) => c.name === "error ratio")).toMatchObject({ ok: false });
    expect(v.measurements.errorRatio).toBeCloseTo(0.05, 2);
    expect(v.checks.find((c) => c.name === "latency")?.ok).toBe(true);
    // podinfo's active blue colour is failing, but its preview green is what the gate reads.
    const active = await runAnalysis(prometheusQuery(url), { service: "podinfo", role: "active", color: "blue" }, DEFAULT_ANALYSIS, at);
    expect(active.pass).toBe(false);
  });

  it("fails on p99 latency, and passes it again with a looser threshold from config", async () => {
    const target = { service: "slow-api", role: "preview", color: "green" } as const;
    const v = await runAnalysis(prometheusQuery(url), target, DEFAULT_ANALYSIS, at);
    expect(v.pass).toBe(false);
    expect(v.checks.find((c) => c.name === "latency")).toMatchObject({ ok: false });
    expect(v.measurements.latencySeconds).toBeGreaterThan(1);
    const loose = analysisSettings({ services: { "slow-api": { maxLatencySeconds: 3 } } }, "slow-api");
    expect((await runAnalysis(prometheusQuery(url), target, loose, at)).pass).toBe(true);
  });

  it("fails as inconclusive with too little traffic or none at all", async () => {
    const quiet = await runAnalysis(prometheusQuery(url), { service: "quiet-api", role: "preview", color: "green" }, DEFAULT_ANALYSIS, at);
    expect(quiet.pass).toBe(false);
    expect(quiet.checks.find((c) => c.name === "traffic")?.ok).toBe(false);
    const none = await runAnalysis(prometheusQuery(url), { service: "absent", role: "preview", color: "green" }, DEFAULT_ANALYSIS, at);
    expect(none.pass).toBe(false);
    expect(none.checks.map((c) => c.ok)).toEqual([false, false, false]);
  });

  it("raises, rather than passing, when Prometheus rejects a query or cannot be reached", async () => {
    await expect(prometheusQuery(url)("sum(rate(x[5m]")).rejects.toThrow(PrometheusQueryError);
    await expect(prometheusQuery(url)("http_requests_total")).rejects.toThrow(/series; the gate expects one/);
    const closed = `http://127.0.0.1:${await freePort()}`;
    await expect(prometheusQuery(closed, 2000)("vector(1)")).rejects.toThrow(/cannot query Prometheus/);
  });
});
