import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";

/**
 * CronJobs bound both when a missed run may still start (startingDeadlineSeconds) and how long a
 * run may take (activeDeadlineSeconds): without them, a controller outage replays up to 100
 * missed runs at once and a hung backup holds its lock forever.
 */
export function cronjobDeadlines(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "cronjob-deadlines",
    description: "CronJobs set startingDeadlineSeconds and jobTemplate.spec.activeDeadlineSeconds.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Set spec.startingDeadlineSeconds and spec.jobTemplate.spec.activeDeadlineSeconds.",
    validateResource: validateResourceOfType(k8s.batch.v1.CronJob, (cj, args, report) => {
      const missing = [
        cj.spec?.startingDeadlineSeconds === undefined ? "spec.startingDeadlineSeconds" : undefined,
        cj.spec?.jobTemplate?.spec?.activeDeadlineSeconds === undefined ? "spec.jobTemplate.spec.activeDeadlineSeconds" : undefined,
      ].filter((m) => m !== undefined);
      if (missing.length > 0) {
        report(`CronJob ${objectKey(cj as never, args.name)} has no ${missing.join(" or ")}: missed runs can pile up after an outage and a hung run never ends; set ${missing.join(" and ")}.`);
      }
    }),
  };
}
