import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";

/** CronJobs never run two jobs at once: two backups or drills at once corrupt or double-count. */
export function cronjobForbidConcurrency(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "cronjob-forbid-concurrency",
    description: "CronJobs set concurrencyPolicy: Forbid.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Set spec.concurrencyPolicy: Forbid.",
    validateResource: validateResourceOfType(k8s.batch.v1.CronJob, (cj, args, report) => {
      const policy = cj.spec?.concurrencyPolicy;
      if (policy !== "Forbid") {
        report(`CronJob ${objectKey(cj as never, args.name)} has concurrencyPolicy ${policy ?? "Allow (the default)"}: a slow run overlaps the next one, which then competes for the same data; set spec.concurrencyPolicy: Forbid.`);
      }
    }),
  };
}
