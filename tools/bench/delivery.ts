// `npm run bench -- delivery`: a canary whose new colour fails from 50 % of traffic, released
// through the harness (real HAProxy, Prometheus scraping every second, the real analysis gate
// with a 1 s interval). Reports the time from the bad step's start to the end of the rollback
// update, and the users' failed requests in that time against the step's share of them.
import { DeliveryHarness, HARNESS_ANALYSIS, rollbackFigures } from "../harness/delivery-driver";

/** Runs the scenario once and returns `name: value unit` lines. */
export async function run(): Promise<string[]> {
  const harness = await DeliveryHarness.start(["bench-canary"]);
  try {
    const r = await harness.release("bench-canary", { onWeight: (weight, svc) => svc.green.setFault({ errorRatio: weight >= 50 ? 0.5 : 0 }) });
    const f = rollbackFigures(r);
    if (!f) throw new Error(`the failing step was not rolled back: ${r.result.outcome} ${r.result.reason ?? ""}\n${r.log.join("\n")}`);
    const share = Math.ceil((f.total * f.weight) / 100);
    return [
      `delivery.rollback.time: ${f.rollbackMs} ms`,
      `delivery.rollback.analysis_interval: ${HARNESS_ANALYSIS.watchIntervalSeconds * 1000} ms`,
      `delivery.rollback.requests: ${f.total} requests`,
      `delivery.rollback.failed_requests: ${f.failed} requests`,
      `delivery.rollback.step_share: ${share} requests`,
      `delivery.rollback.failed_within_share: ${f.failed <= share ? "yes" : "no"} bool`,
    ];
  } finally {
    await harness.stop();
  }
}
