import { describe, expect, it } from "vitest";
import { ALERT_THRESHOLDS, resolveThresholds } from "../../../../stacks/schema/alerting";
import { ALERT_THRESHOLD_DEFAULTS } from "../../../../stacks/schema/defaults";
import { edited, load, problemsOf } from "../../../stacks/fixtures";

describe("alerting.thresholds", () => {
  it("defaults cover every threshold in every environment, and nothing else", () => {
    for (const env of ["dev", "staging", "production"] as const) {
      expect(Object.keys(ALERT_THRESHOLD_DEFAULTS[env]).sort()).toEqual(Object.keys(ALERT_THRESHOLDS).sort());
    }
  });

  it("pins the per-environment differences (production waits least)", () => {
    const d = ALERT_THRESHOLD_DEFAULTS;
    expect([d.dev.serviceDownFor, d.staging.serviceDownFor, d.production.serviceDownFor]).toEqual(["5m", "3m", "2m"]);
    expect([d.dev.postgresDownFor, d.staging.postgresDownFor, d.production.postgresDownFor]).toEqual(["5m", "2m", "1m"]);
    expect([d.dev.targetDownFor, d.staging.targetDownFor, d.production.targetDownFor]).toEqual(["10m", "10m", "5m"]);
    expect([d.dev.postgresReplicationLagSeconds, d.staging.postgresReplicationLagSeconds, d.production.postgresReplicationLagSeconds]).toEqual([300, 60, 30]);
    expect(d.production).toMatchObject({ errorRatioWarning: 0.02, errorRatioCritical: 0.05, errorRatioFor: "10m", latencyP95Seconds: 2, latencyFor: "5m", nodeMemoryWarning: 0.85, nodeMemoryCritical: 0.9, nodeCpuWarning: 0.8, tlsExpiryWarning: "14d", tlsExpiryCritical: "3d", sloMinFailures: 3, sloPageFastFor: "2m", sloPageSlowFor: "15m", sloTicketFastFor: "30m", sloTicketSlowFor: "1h" });
  });

  it("resolves overrides over the environment's defaults", () => {
    expect(resolveThresholds("staging", { latencyP95Seconds: 1 })).toEqual({ ...ALERT_THRESHOLD_DEFAULTS.staging, latencyP95Seconds: 1 });
    expect(load(edited("production", (v) => (v.alerting.thresholds = { crashLoopFor: "20m" }))).alerting.thresholds.crashLoopFor).toBe("20m");
  });

  it("rejects an unknown name with a did-you-mean", () => {
    expect(problemsOf(edited("staging", (v) => (v.alerting.thresholds = { errorRatioCritcal: 0.1 })))).toEqual([
      'app-platform:alerting.thresholds.errorRatioCritcal (0.1) is not a known alert threshold: did you mean "errorRatioCritical"? Rename it',
    ]);
  });

  it("rejects an unknown name far from every known one, listing them", () => {
    const [p] = problemsOf(edited("staging", (v) => (v.alerting.thresholds = { zzz: 1 })));
    expect(p).toMatch(/^app-platform:alerting\.thresholds\.zzz \(1\) is not a known alert threshold; known names: serviceDownFor, errorRatioWarning, /);
  });

  it("rejects a number where a duration belongs and the reverse", () => {
    expect(problemsOf(edited("staging", (v) => (v.alerting.thresholds = { serviceDownFor: 120, latencyP95Seconds: "2s" })))).toEqual([
      'app-platform:alerting.thresholds.serviceDownFor (120) must be a duration such as "5m" (how long no active pod of a service may be up before ServiceDown)',
      'app-platform:alerting.thresholds.latencyP95Seconds ("2s") must be a number, not a duration (p95 latency of a service that raises ServiceHighLatency)',
    ]);
  });

  it("rejects ratios outside (0, 1], non-positive seconds and fractional counts", () => {
    expect(problemsOf(edited("staging", (v) => (v.alerting.thresholds = { errorRatioCritical: 5, probeSlowSeconds: 0, sloMinFailures: 1.5 })))).toEqual([
      "app-platform:alerting.thresholds.errorRatioCritical (5) must be a fraction in (0, 1), e.g. 0.05 for 5%: at 0 or 1 the alert fires always or never (5xx ratio of a service that raises ServiceHighErrorRatio)",
      "app-platform:alerting.thresholds.probeSlowSeconds (0) must be a number of seconds > 0 (probe duration that raises EndpointSlow)",
      "app-platform:alerting.thresholds.sloMinFailures (1.5) must be a whole number >= 1 (minimum-traffic guard: a burn-rate alert needs a window with enough requests that this many failures are needed to reach the burn rate)",
    ]);
  });

  it("refuses a maintenance weekday range that wraps around Sunday (Alertmanager would refuse the file)", () => {
    expect(problemsOf(edited("staging", (v) => (v.alerting.maintenance = { weekdays: ["saturday:sunday"], startTime: "01:00", endTime: "03:00" })))).toEqual([
      'app-platform:alerting.maintenance.weekdays[0] ("saturday:sunday") must not wrap around Sunday (Alertmanager weeks start on Sunday): list ["saturday", "sunday"] instead of "saturday:sunday"',
    ]);
  });
});
