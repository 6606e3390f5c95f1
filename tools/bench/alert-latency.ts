// Bench section "alert-latency": per fault scenario of tools/harness/scenarios.ts, the median of
// three fault-to-notification latencies measured on the whole chain (the rendered dev stack at
// the end-to-end time scale, real Prometheus, Alertmanager and exporters), next to the model
// bound at that scale (scrape + evaluation + `for:` + group_wait) and the same bound with the
// production stack's own intervals, rules and routes.
import * as fs from "node:fs";
import YAML from "yaml";
import { renderE2eStacks } from "../harness/e2e-stack";
import { latencyModel, type LatencyModel, type RuleFile } from "../harness/latency-model";
import { renderMonitoring, startMonitoringChain, type MonitoringChain, type RenderedMonitoring } from "../harness/monitoring";
import { durationSeconds } from "../../lib/duration";
import { sleep } from "../harness/processes";
import { faultScenarios, matchRoutesFor, runScenario, selector, waitUntil, type Scenario } from "../harness/scenarios";

/** Measurements per scenario. */
export const REPETITIONS = 3;

const fmt = (seconds: number) => seconds.toFixed(1);

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function rulesOf(r: RenderedMonitoring): RuleFile[] {
  return r.ruleFiles.map((f) => YAML.parse(fs.readFileSync(f, "utf8")) as RuleFile);
}

/** The model of a scenario's first expected alert in a render, with the given scrape interval. */
function modelOf(r: RenderedMonitoring, s: Scenario, scrapeSeconds: number): LatencyModel {
  const a = s.expect[0]!;
  return latencyModel({
    ruleFiles: rulesOf(r),
    alertmanager: r.alertmanager!,
    alert: a.labels.alertname!,
    labels: { ...a.labels, severity: a.severity },
    scrapeSeconds,
    evaluationSeconds: durationSeconds(r.config.monitoring.evaluationInterval) * r.config.timeScale,
  });
}

/**
 * Runs one scenario REPETITIONS times on the chain and returns the latencies (seconds) from
 * the fault to the first notification of its first expected alert. Between runs it waits until
 * the alert is inactive in Prometheus and its Alertmanager group is gone (a group_interval
 * after the resolution), so that each run starts a fresh group and pays its group_wait.
 */
async function measure(chain: MonitoringChain, s: Scenario): Promise<number[]> {
  const lean: Scenario = { ...s, expect: [s.expect[0]!], inhibited: [] };
  const a = lean.expect[0]!;
  const route = matchRoutesFor(chain, "main", { ...a.labels, severity: a.severity })[0]!;
  const out: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const run = await runScenario(chain, lean, { timeoutMs: 180_000 });
    out.push((run.notified[0]!.at - run.faultAt) / 1000);
    await waitUntil(`${s.name}: alert inactive`, async () => (await chain.prometheus.query(`ALERTS{${selector(a.labels)}}`)).result.length === 0, 180_000);
    await sleep(route.groupInterval * 1000 + 1000);
  }
  return out;
}

/** Runs the section; returns `name: value unit` lines. */
export async function run(): Promise<string[]> {
  const [{ main, maintenance }, production] = await Promise.all([renderE2eStacks(), renderMonitoring({ stack: "production" })]);
  fs.rmSync(maintenance.dir, { recursive: true, force: true });
  const chain = await startMonitoringChain({ rendered: main });
  try {
    const scenarios = faultScenarios();
    const latencies = await Promise.all(scenarios.map((s) => measure(chain, s)));
    const productionScrape = durationSeconds(production.config.monitoring.scrapeInterval);
    const lines: string[] = [`alert-latency.time-scale: ${main.config.timeScale} x`];
    scenarios.forEach((s, i) => {
      const test = modelOf(main, s, chain.scrapeIntervalOf(s.job(chain)));
      const prod = modelOf(production, s, productionScrape);
      lines.push(
        `alert-latency.${s.name}.median: ${fmt(median(latencies[i]!))} s`,
        `alert-latency.${s.name}.model: ${fmt(test.total)} s`,
        `alert-latency.${s.name}.production-model: ${fmt(prod.total)} s`,
      );
    });
    return lines;
  } finally {
    await chain.stop();
    for (const d of [main.dir, production.dir]) fs.rmSync(d, { recursive: true, force: true });
  }
}
