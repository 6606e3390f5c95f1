import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { LONG_RUNNING, validateWorkloads } from "../lib/workloads";

/** Long-running containers declare a readiness and a liveness probe. */
export function containerProbes(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "container-probes",
    description: "Long-running containers have a readiness probe and a liveness probe.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Add readinessProbe (may this pod receive traffic?) and livenessProbe (should it be restarted?) to every container.",
    validateResource: validateWorkloads(
      (w, _args, report) => {
        for (const c of w.pod.containers ?? []) {
          const missing = [c.readinessProbe ? undefined : "readinessProbe", c.livenessProbe ? undefined : "livenessProbe"].filter((m) => m !== undefined);
          if (missing.length > 0) {
            report(
              `container "${c.name}" has no ${missing.join(" or ")}: without readiness a starting or overloaded pod gets traffic, without liveness a hung pod is never restarted; add ${missing.join(" and ")}.`,
            );
          }
        }
      },
      LONG_RUNNING,
    ),
  };
}
