// A latency SLO whose threshold is not a bucket the service exports selects nothing: refused at
// load. The default buckets are the Prometheus client libraries' (podinfo: prometheus.DefBuckets).
import { describe, expect, it } from "vitest";
import { edited, problemsOf } from "./fixtures";

describe("latency SLO thresholds against the service's histogram buckets", () => {
  it("refuses 0.3 s with podinfo's default buckets, naming the field, the value and the buckets", () => {
    const values = edited("dev", (v) => (v.services[0].slo = { availability: 0.999, latency: { thresholdSeconds: 0.3, objective: 0.99 } }));
    expect(problemsOf(values)).toEqual([
      'app-platform:services[0].slo.latency.thresholdSeconds (0.3) must be one of the service\'s histogram buckets (services[0].histogramBuckets: 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10): the latency SLI reads the bucket le="0.3", which the service does not export, so the SLO and its alerts would stay empty; pick a bucket or declare the service\'s buckets in histogramBuckets',
    ]);
  });

  it("accepts 0.3 s when the service declares that bucket, and 0.5 s with the defaults", () => {
    expect(problemsOf(edited("dev", (v) => {
      v.services[0].histogramBuckets = [0.1, 0.3, 1];
      v.services[0].slo = { availability: 0.999, latency: { thresholdSeconds: 0.3, objective: 0.99 } };
    }))).toEqual([]);
    expect(problemsOf(edited("dev", (v) => (v.services[0].slo = { availability: 0.999, latency: { thresholdSeconds: 0.5, objective: 0.99 } })))).toEqual([]);
  });
});
