import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { scaledWorkloads, stackWorkloads } from "../lib/stack";

/** Config of {@link minReplicas}. */
export interface MinReplicasConfig {
  /** Fewest pods a serving Deployment or StatefulSet may run (the HPA's minReplicas when scaled). @default 2 */
  readonly minReplicas: number;
  /**
   * Whether a workload parked at spec.replicas 0 (an idle blue-green colour) is allowed: it
   * serves nothing, so it cannot be a single point of failure. @default true
   */
  readonly allowParked: boolean;
  /**
   * Namespaces whose workloads serve users and so must be redundant; empty means every
   * namespace. Exporters and jobs elsewhere may run a single pod. @default []
   */
  readonly namespaces: readonly string[];
}

/**
 * Serving workloads run at least `minReplicas` pods, so that one pod can fail or be evicted
 * without an outage. For a workload an HPA scales, the floor is the HPA's minReplicas.
 */
export function minReplicas(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<MinReplicasConfig> = {}): PlatformPolicy {
  return {
    name: "min-replicas",
    description: "Deployments and StatefulSets run at least the configured minimum of replicas.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Raise the HPA's minReplicas (or spec.replicas of an unscaled workload) to the configured minimum.",
    configSchema: configSchema<MinReplicasConfig>(
      { minReplicas: { type: "integer", minimum: 1 }, allowParked: { type: "boolean" }, namespaces: { type: "array", items: { type: "string" } } },
      { minReplicas: 2, allowParked: true, namespaces: [] },
      defaults,
    ),
    validateStack: (args, report) => {
      const cfg = args.getConfig<MinReplicasConfig>();
      const floor = cfg.minReplicas ?? 2;
      const inScope = (key: string) => (cfg.namespaces ?? []).length === 0 || cfg.namespaces.includes(key.split("/")[0]);
      const scaled = scaledWorkloads(args);
      for (const s of scaled) {
        if (inScope(s.hpaKey) && s.minReplicas < floor) {
          report(`HorizontalPodAutoscaler ${s.hpaKey} has minReplicas ${s.minReplicas}, below the minimum of ${floor}: one failed or evicted pod would take ${s.targetRef} down; set minReplicas to at least ${floor}.`, s.hpa.urn);
        }
      }
      const scaledUrns = new Set(scaled.map((s) => s.target?.resource.urn).filter((u) => u !== undefined));
      for (const w of stackWorkloads(args)) {
        if (!["Deployment", "StatefulSet"].includes(w.workload.kind) || scaledUrns.has(w.resource.urn) || !inScope(w.key)) continue;
        const replicas = w.workload.replicas ?? 1;
        if (replicas === 0 && (cfg.allowParked ?? true)) continue;
        if (replicas < floor) {
          report(`${w.workload.kind} ${w.key} runs ${replicas} replica${replicas === 1 ? "" : "s"}, below the minimum of ${floor}: one failed or evicted pod is an outage; set spec.replicas to at least ${floor} or scale it with an HPA.`, w.resource.urn);
        }
      }
    },
  };
}
