// The platform's own monitoring content, end to end with the real programs: the dev stack
// (plus one service per scenario and production-like receivers, tools/harness/e2e-stack.ts) is
// rendered at time scale 0.01 by the real program, and its rule files, Alertmanager config,
// blackbox modules and dashboards run in Prometheus 2.42, Alertmanager 0.25 and the exporters.
// Scenarios run concurrently against one chain; each breaks its own service or datastore.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERTMANAGER_SECRETS_DIR } from "../../../components/monitoring/contract";
import { buildDashboards } from "../../../components/monitoring/dashboards";
import { dashboardQueries, dashboardVariables, expandQuery, resolveVariables } from "../../../tools/harness/dashboards";
import { E2E_SERVICES, E2E_TIME_SCALE, renderE2eStacks } from "../../../tools/harness/e2e-stack";
import { latencyModel } from "../../../tools/harness/latency-model";
import { startMonitoringChain, type MonitoringChain, type RenderedMonitoring } from "../../../tools/harness/monitoring";
import { PROGRAMS, requireProgram, sleep } from "../../../tools/harness/processes";
import { faultScenarios, matchRoutesFor, runScenario, SLOW_BURN_RATIO, waitUntil, type ScenarioRun } from "../../../tools/harness/scenarios";
import { resultSize } from "../../../tools/harness/prometheus";
import YAML from "yaml";
import * as fs from "node:fs";

/**
 * Dashboard panels allowed to return no data here (`<file>: <panel title>` -> why). Everything
 * else must return data: a panel that is empty in a healthy environment is a broken query.
 * It is empty because every panel has its data here: the backup panels read the Job and
 * CronJob series of the kube-state-metrics stand-in (tools/harness/static-exporter.ts, set by
 * setHealthyCronJob), the Postgres panels the configured database (created in the throwaway
 * cluster), the release panels a warm idle colour (the e2e stack sets `idleReplicas: 1`).
 */
const NO_DATA_ALLOWED: Readonly<Record<string, string>> = {};

const SCENARIO_TIMEOUT_MS = 90_000;

describe(`monitoring end to end (rendered dev stack at time scale ${E2E_TIME_SCALE})`, () => {
  let chain: MonitoringChain;
  let maintenance: RenderedMonitoring;
  const renderDirs: string[] = [];
  let startedAt = 0;
  const runs: ScenarioRun[] = [];

  beforeAll(async () => {
    for (const p of [PROGRAMS.prometheus, PROGRAMS.alertmanager, PROGRAMS.nodeExporter, PROGRAMS.postgresExporter, PROGRAMS.redisExporter, PROGRAMS.blackboxExporter, PROGRAMS.redisServer, PROGRAMS.postgres, PROGRAMS.initdb]) {
      requireProgram(p);
    }
    const rendered = await renderE2eStacks();
    maintenance = rendered.maintenance;
    renderDirs.push(rendered.main.dir, rendered.maintenance.dir);
    startedAt = Date.now();
    chain = await startMonitoringChain({
      rendered: rendered.main,
      extraAlertmanagers: { maintenance: rendered.maintenance.alertmanager! },
      faults: { [E2E_SERVICES.slowBurn]: { errorRatio: SLOW_BURN_RATIO } },
    });
  }, 120_000);

  afterAll(async () => {
    await chain?.stop();
    for (const d of renderDirs) fs.rmSync(d, { recursive: true, force: true });
    if (runs.length > 0) {
      // The measured latencies beside the model, for the closing note of the issue.
      const lines = runs.flatMap((r) => r.notified.map((n) => `${r.scenario} ${n.alert.labels.alertname} -> ${n.receiver}: ${((n.at - r.faultAt) / 1000).toFixed(1)} s`));
      console.log(lines.join("\n"));
    }
  });

  for (const s of faultScenarios()) {
    it.concurrent(`${s.name}: ${s.summary} — notified, inhibitions hold, resolved`, async () => {
      const run = await runScenario(chain, s, { timeoutMs: SCENARIO_TIMEOUT_MS, alreadyInjected: s.presentAtStart, faultAt: s.presentAtStart ? startedAt : undefined });
      runs.push(run);
      expect(run.notified.length).toBe(s.expect.length);
      expect(run.resolvedAt.every((t) => t >= run.clearedAt)).toBe(true);
    }, 170_000);
  }

  it.concurrent("Watchdog reaches the heartbeat receiver steadily, and nothing else", async () => {
    const route = matchRoutesFor(chain, "main", { alertname: "Watchdog", severity: "info" });
    expect(route.map((r) => r.receiver)).toEqual(["heartbeat"]);
    const period = Math.max(route[0]!.repeatInterval, route[0]!.groupInterval);
    const since = Date.now();
    // Five beats after now: the heartbeat keeps coming, one per repeat interval. Polled with a
    // deadline of many periods rather than counted after a fixed sleep or measured as gaps
    // between arrivals, which a busy machine stretches (the dead man's switch on the other
    // end tolerates late beats; it pages on missing ones).
    const beats = () => chain.recorder.find({ alertmanager: "main", receiver: "heartbeat", kind: "slack", since });
    await waitUntil("five heartbeats", () => beats().length >= 5, Math.max(60, period * 25) * 1000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${chain.recorder.summary({ receiver: "heartbeat" })}`);
    });
    expect(JSON.stringify(beats()[0]!.body)).toContain("Watchdog");
    expect(chain.recorder.find({ labels: { alertname: "Watchdog" } }).every((n) => n.receiver === "heartbeat")).toBe(true);
  }, 170_000);

  it.concurrent("inside the maintenance window, warnings are not sent while critical alerts still page", async () => {
    // The maintenance copy differs only by the window covering now; both Alertmanagers get every alert.
    expect(maintenance.alertmanager!.time_intervals?.[0]?.name).toBe("maintenance");
    const warning = { alertname: "ErrorBudgetBurn1d", service: E2E_SERVICES.slowBurn };
    await chain.recorder.waitFor({ alertmanager: "main", receiver: "slack", kind: "shadow", status: "firing", labels: warning }, SCENARIO_TIMEOUT_MS);
    await chain.recorder.waitFor({ alertmanager: "maintenance", receiver: "pagerduty", kind: "pagerduty" }, SCENARIO_TIMEOUT_MS);
    const firing = await chain.prometheus.query(`ALERTS{alertname="ErrorBudgetBurn1d",service="${E2E_SERVICES.slowBurn}",alertstate="firing"}`);
    expect(firing.result.length).toBe(1);
    // A whole group_wait + group_interval in which a muted warning would have gone out.
    const route = matchRoutesFor(chain, "maintenance", { ...warning, severity: "warning" })[0]!;
    expect(route.muteTimeIntervals).toEqual(["maintenance"]);
    await sleep((route.groupWait + route.groupInterval) * 1000 + 1000);
    expect(chain.recorder.find({ alertmanager: "maintenance", labels: warning })).toEqual([]);
    expect(chain.recorder.find({ alertmanager: "maintenance", receiver: "slack" })).toEqual([]);
  }, 170_000);

  it.concurrent("Slack messages go to the configured channels and name the alert and service", async () => {
    const critical = await chain.recorder.waitFor({ alertmanager: "main", receiver: "slack-critical", kind: "slack" }, SCENARIO_TIMEOUT_MS);
    const warning = await chain.recorder.waitFor({ alertmanager: "main", receiver: "slack", kind: "slack" }, SCENARIO_TIMEOUT_MS);
    expect(critical.body.channel).toBe("#incidents");
    expect(warning.body.channel).toBe("#alerts");
    const slowBurn = await chain.recorder.waitFor({ alertmanager: "main", receiver: "slack", kind: "shadow", labels: { service: E2E_SERVICES.slowBurn } }, SCENARIO_TIMEOUT_MS);
    const sameFlush = chain.recorder.find({ alertmanager: "main", receiver: "slack", kind: "slack" }).find((n) => Math.abs(n.at - slowBurn.at) <= 2000 && JSON.stringify(n.body).includes(slowBurn.alerts[0]!.labels.alertname!));
    expect(JSON.stringify(sameFlush?.body ?? {})).toContain(`(${E2E_SERVICES.slowBurn})`);
  }, 170_000);

  it.concurrent("every alert and recording rule loads and evaluates without error", async () => {
    // Every rule evaluated at least once (health "unknown" until then), however busy the machine.
    const unevaluated = async () => (await chain.prometheus.rules()).flatMap((g) => g.rules.filter((r) => r.health === "unknown").map((r) => `${g.name}/${r.name} (interval ${(g as { interval?: number }).interval ?? "?"} s)`));
    await waitUntil("every rule evaluated", async () => (await unevaluated()).length === 0, SCENARIO_TIMEOUT_MS).catch(async (e) => {
      throw new Error(`${(e as Error).message}; not yet evaluated: ${(await unevaluated()).join(", ")}`);
    });
    const groups = await chain.prometheus.rules();
    const files = chain.rendered.ruleFiles.map((f) => YAML.parse(fs.readFileSync(f, "utf8")) as { groups: { name: string; rules: Record<string, any>[] }[] });
    const renderedCount = files.reduce((n, f) => n + f.groups.reduce((m, g) => m + g.rules.length, 0), 0);
    expect(groups.reduce((n, g) => n + g.rules.length, 0)).toBe(renderedCount);
    const unhealthy = groups.flatMap((g) => g.rules.filter((r) => r.health !== "ok").map((r) => `${g.name}/${r.name}: ${r.health} ${r.lastError ?? ""}`));
    expect(unhealthy).toEqual([]);
    // Through the query API too, as a human pasting the expression would run it.
    for (const f of files) for (const g of f.groups) for (const r of g.rules) await chain.prometheus.query(r.expr);
  }, 170_000);

  it.concurrent("every dashboard query runs, and panels return data for what this environment produces", async () => {
    // Panels over rates need a few scrapes first: poll until every panel has data (or the
    // deadline), instead of querying once after a fixed wait that a busy machine outlasts.
    let empty: string[] = [];
    let count = 0;
    await waitUntil(
      "every dashboard panel has data",
      async () => {
        ({ empty, count } = await emptyPanels());
        return empty.length === 0;
      },
      SCENARIO_TIMEOUT_MS,
    ).catch(() => undefined); // the assertion below names the empty panels
    expect(count).toBeGreaterThan(0);
    expect(empty).toEqual([]);
  }, 170_000);

  /** Runs every dashboard query over the last minute; returns the panels without data. */
  async function emptyPanels(): Promise<{ empty: string[]; count: number }> {
    const empty: string[] = [];
    let count = 0;
    // Grafana's datasource has one scrape interval setting: the longest of the jobs.
    const scrape = Math.max(chain.intervals.scrape, chain.scrapeIntervalOf(chain.jobs.postgres));
    // The platform's own dashboards. The chart's (apiserver, kubelet, nodes...) read cluster
    // components this harness does not run, so an empty panel there says nothing about a query.
    const ours = buildDashboards(chain.rendered.config).map((d) => `${d.slug}.json`);
    for (const file of ours) if (!(file in chain.rendered.dashboards)) throw new Error(`${file} is not among the rendered dashboards`);
    for (const [file, dashboard] of Object.entries(chain.rendered.dashboards).filter(([f]) => ours.includes(f))) {
      const values = await resolveVariables(chain.prometheus, dashboardVariables(dashboard), { service: "podinfo" });
      for (const q of dashboardQueries(file, dashboard)) {
        const expr = expandQuery(q.expr, values, { interval: 1, range: 60, scrape });
        const res = await chain.prometheus.queryRange(expr, 60, 1).catch((e: Error) => {
          throw new Error(`${file} "${q.panel}" ${q.refId}: ${e.message}\n${expr}`);
        });
        count++;
        const key = `${file}: ${q.panel}`;
        if (resultSize(res) === 0 && !(key in NO_DATA_ALLOWED)) empty.push(`${key} (${q.refId}): ${expr}`);
      }
    }
    return { empty, count };
  }

  it.concurrent("an idle service: ServiceNoTraffic fires though probes and scrapes go on, its SLIs read 0 (not NaN), nothing pages", async () => {
    const idle = E2E_SERVICES.idle;
    const since = Date.now();
    chain.apps[idle]!.setUserRate(0);
    const firing = `ALERTS{alertname="ServiceNoTraffic",service="${idle}",alertstate="firing"}`;
    const deadline = Date.now() + SCENARIO_TIMEOUT_MS;
    while ((await chain.prometheus.query(firing)).result.length === 0) {
      if (Date.now() > deadline) throw new Error(`ServiceNoTraffic did not fire for the idle ${idle}`);
      await sleep(500);
    }
    // Probes and scrapes still reach it: the plain counter moves, which the old rule read.
    const all = await chain.prometheus.query(`sum(rate(http_requests_total{service="${idle}",role="active"}[${Math.max(2, Math.ceil(4 * chain.intervals.scrape))}s]))`);
    expect(Number(all.result[0]?.value[1])).toBeGreaterThan(0);
    for (const w of ["5m", "1h"]) {
      const r = await chain.prometheus.query(`slo:sli_error:ratio_rate${w}{service="${idle}",slo="availability"}`);
      expect(r.result.map((x: any) => x.value[1]), w).toEqual(["0"]);
    }
    chain.apps[idle]!.setUserRate(20);
    // Idle is not an incident: no page, no chat message about the service.
    expect(chain.recorder.find({ labels: { service: idle }, since }).filter((n) => n.receiver !== "null")).toEqual([]);
  }, 170_000);

  it("every PagerDuty and Slack request so far met the vendor's documented contract", () => {
    expect(chain.recorder.find({ kind: "pagerduty" }).length + chain.recorder.find({ kind: "slack" }).length).toBeGreaterThan(0);
    expect(chain.recorder.rejected()).toEqual([]);
  });

  it("routes credentials through files mapped out of the receivers Secret", () => {
    expect(JSON.stringify(chain.alertmanagers.main!.config.config)).not.toContain(ALERTMANAGER_SECRETS_DIR);
    expect(chain.alertmanagers.main!.config.integrations).toMatchObject({ pagerduty: ["pagerduty"], slack: ["slack"], "slack-critical": ["slack"], heartbeat: ["slack"] });
  });

  it("states the fault-to-notification model for every scenario", () => {
    for (const s of faultScenarios()) {
      for (const a of s.expect) {
        const m = latencyModel({
          ruleFiles: chain.rendered.ruleFiles.map((f) => YAML.parse(fs.readFileSync(f, "utf8"))),
          alertmanager: chain.alertmanagers.main!.config.config,
          alert: a.labels.alertname!,
          labels: { ...a.labels, severity: a.severity },
          scrapeSeconds: chain.scrapeIntervalOf(s.job(chain)),
          evaluationSeconds: chain.intervals.evaluation,
        });
        expect(m.total).toBeGreaterThan(0);
        expect(m.total).toBeLessThan(60);
      }
    }
  });
});
