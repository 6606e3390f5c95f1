import type { EnforcementLevel } from "@pulumi/policy";
import { EXEMPTIONS_SCHEMA, exemptionFor, type WorkloadExemption } from "../lib/exemptions";
import { configSchema, DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { LONG_RUNNING, validateWorkloads } from "../lib/workloads";

/** Config of {@link containerProbes}. */
export interface ContainerProbesConfig {
  /**
   * Reviewed exemptions ({@link WorkloadExemption}), usually limited to `containers`: for
   * containers of a chart that offers no probe settings and serve no health endpoint. @default []
   */
  readonly allowedWorkloads: readonly WorkloadExemption[];
}

/** Long-running containers declare a readiness and a liveness probe. */
export function containerProbes(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<ContainerProbesConfig> = {}): PlatformPolicy {
  return {
    name: "container-probes",
    description: "Long-running containers have a readiness probe and a liveness probe.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Add readinessProbe (may this pod receive traffic?) and livenessProbe (should it be restarted?) to every container.",
    configSchema: configSchema<ContainerProbesConfig>({ allowedWorkloads: EXEMPTIONS_SCHEMA }, { allowedWorkloads: [] }, defaults),
    validateResource: validateWorkloads(
      (w, args, report) => {
        const exemptions = args.getConfig<ContainerProbesConfig>().allowedWorkloads;
        for (const c of w.pod.containers ?? []) {
          if (exemptionFor(exemptions, w, args, c.name)) continue;
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
