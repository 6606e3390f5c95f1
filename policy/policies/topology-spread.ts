import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";
import { validateWorkloads } from "../lib/workloads";

/** Config of {@link topologySpread}. */
export interface TopologySpreadConfig {
  /** Topology keys a constraint (or required pod anti-affinity) may spread over. @default ["topology.kubernetes.io/zone", "kubernetes.io/hostname"] */
  readonly topologyKeys: readonly string[];
}

/**
 * Replicated workloads spread their pods over zones or nodes. A Deployment without spec.replicas
 * counts as replicated: an HPA scales it.
 */
export function topologySpread(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<TopologySpreadConfig> = {}): PlatformPolicy {
  return {
    name: "topology-spread",
    description: "Replicated Deployments and StatefulSets spread their pods across zones or nodes.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Add spec.template.spec.topologySpreadConstraints over topology.kubernetes.io/zone or kubernetes.io/hostname.",
    configSchema: configSchema<TopologySpreadConfig>(
      { topologyKeys: { type: "array", items: { type: "string" } } },
      { topologyKeys: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"] },
      defaults,
    ),
    validateResource: validateWorkloads(
      (w, args, report) => {
        const replicas = w.replicas;
        if (replicas !== undefined && replicas <= 1) return;
        const keys = args.getConfig<TopologySpreadConfig>().topologyKeys ?? [];
        const spread = (w.pod.topologySpreadConstraints ?? []).some((t) => keys.includes(t.topologyKey));
        const anti = (w.pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some((t) => keys.includes(t.topologyKey));
        if (!spread && !anti) {
          report(`${w.kind} ${objectKey(w, args.name)} has no topologySpreadConstraints over ${keys.join(" or ")}: all replicas may land on one node or zone and fail together; add a topologySpreadConstraint with one of those topologyKeys.`);
        }
      },
      ["Deployment", "StatefulSet"],
    ),
  };
}
