import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";
import { validateWorkloads } from "../lib/workloads";

/** Config of {@link priorityClass}. */
export interface PriorityClassConfig {
  /**
   * PriorityClasses a workload may name: the platform's tiers (components/foundation/priority.ts).
   * @default ["app-platform-critical", "app-platform-apps"]
   */
  readonly classes: readonly string[];
}

/**
 * Every workload names one of the platform's PriorityClasses. Without one, pods get priority 0:
 * under node pressure the kubelet evicts Prometheus, Alertmanager, exporters and backups as
 * readily as anything else, and the scheduler cannot preempt for them.
 */
export function priorityClass(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<PriorityClassConfig> = {}): PlatformPolicy {
  return {
    name: "priority-class",
    description: "Workloads set a priorityClassName from the platform's PriorityClasses.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: 'Set spec.template.spec.priorityClassName to "app-platform-critical" (platform workloads) or "app-platform-apps" (applications).',
    configSchema: configSchema<PriorityClassConfig>(
      { classes: { type: "array", items: { type: "string" } } },
      { classes: ["app-platform-critical", "app-platform-apps"] },
      defaults,
    ),
    validateResource: validateWorkloads((w, args, report) => {
      const classes = args.getConfig<PriorityClassConfig>().classes ?? [];
      const name = w.pod.priorityClassName;
      const allowed = classes.map((c) => `"${c}"`).join(" or ");
      if (name === undefined || name === "") {
        report(`${w.kind} ${objectKey(w, args.name)} sets no priorityClassName: its pods get priority 0 and are evicted first under node pressure, platform and application alike; set priorityClassName to ${allowed}.`);
      } else if (!classes.includes(name)) {
        report(`${w.kind} ${objectKey(w, args.name)} uses priorityClassName "${name}", which is not one of the platform's PriorityClasses: set it to ${allowed}.`);
      }
    }),
  };
}
