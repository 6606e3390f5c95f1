// A latency SLO reads the histogram bucket whose `le` is its threshold. A bucket the service
// does not export selects nothing, and the SLI, its burn-rate alerts and its dashboard panels
// are silently empty: refuse the threshold at load instead.
import type { ServiceConfig } from "../../components/app/service-spec";
import { problem, type ConfigProblem } from "./problem";

/** Problems of services whose latency SLO threshold is not one of their histogram buckets. */
export function checkSloBuckets(services: readonly ServiceConfig[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  services.forEach((s, i) => {
    const t = s.slo.latency.thresholdSeconds;
    if (!s.histogramBuckets.includes(t)) {
      out.push(
        problem(
          ["services", i, "slo", "latency", "thresholdSeconds"],
          t,
          `must be one of the service's histogram buckets (services[${i}].histogramBuckets: ${s.histogramBuckets.join(", ")}): the latency SLI reads the bucket le="${t}", which the service does not export, so the SLO and its alerts would stay empty; pick a bucket or declare the service's buckets in histogramBuckets`,
        ),
      );
    }
  });
  return out;
}
