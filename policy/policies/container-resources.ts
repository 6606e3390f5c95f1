import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/**
 * Every container requests CPU and memory and has a memory limit. A CPU limit is not required:
 * it throttles a pod even when the node is idle, while memory has no such cost.
 */
export function containerResources(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "container-resources",
    description: "Containers request CPU and memory and set a memory limit.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container.",
    validateResource: validateWorkloads((w, _args, report) => {
      for (const c of allContainers(w.pod)) {
        const r = c.container.resources ?? {};
        const missing = [
          r.requests?.cpu === undefined ? "resources.requests.cpu" : undefined,
          r.requests?.memory === undefined ? "resources.requests.memory" : undefined,
          r.limits?.memory === undefined ? "resources.limits.memory" : undefined,
        ].filter((m): m is string => m !== undefined);
        if (missing.length > 0) {
          report(
            `${containerLabel(c)} has no ${missing.join(", ")}: without requests the scheduler cannot place the pod fairly and the HPA cannot compute utilization, and without a memory limit one pod can exhaust its node; set ${missing.join(" and ")}.`,
          );
        }
      }
    }),
  };
}
