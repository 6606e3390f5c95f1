import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { scaledWorkloads } from "../lib/stack";

/**
 * A workload that an HPA scales leaves spec.replicas unset. Under server-side apply, Pulumi
 * owns the field it sets, so every `pulumi up` would reset the replica count the HPA chose
 * (and fight it during a traffic peak).
 */
export function hpaTargetWithoutReplicas(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "hpa-target-without-replicas",
    description: "Workloads scaled by a HorizontalPodAutoscaler do not set spec.replicas.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Remove spec.replicas from the workload; the HPA's minReplicas sets the floor.",
    validateStack: (args, report) => {
      for (const s of scaledWorkloads(args)) {
        if (!s.target) continue;
        const replicas = s.target.workload.replicas;
        if (replicas !== undefined) {
          report(
            `${s.target.workload.kind} ${s.target.key} sets spec.replicas (${replicas}) but HorizontalPodAutoscaler ${s.hpaKey} scales it: each update would reset the replica count the HPA chose; remove spec.replicas and let minReplicas set the floor.`,
            s.target.resource.urn,
          );
        }
      }
    },
  };
}
