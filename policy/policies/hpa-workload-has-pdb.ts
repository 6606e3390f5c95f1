import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, objectKey, selects, type PlatformPolicy } from "../lib/policy";
import { scaledWorkloads } from "../lib/stack";

/** Pulumi types of PodDisruptionBudgets. */
const PDB_TYPES = ["kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:policy/v1beta1:PodDisruptionBudget"];

/** Pods a PDB lets be evicted when `replicas` run (0 means a drain blocks). */
export function allowedDisruptions(spec: { minAvailable?: number | string; maxUnavailable?: number | string }, replicas: number): number {
  const scaled = (v: number | string, round: (n: number) => number) =>
    typeof v === "string" && v.endsWith("%") ? round((Number(v.slice(0, -1)) / 100) * replicas) : Number(v);
  if (spec.maxUnavailable !== undefined) return Math.max(0, scaled(spec.maxUnavailable, Math.ceil));
  if (spec.minAvailable !== undefined) return Math.max(0, replicas - scaled(spec.minAvailable, Math.ceil));
  return 0;
}

/**
 * Every HPA-scaled workload has a PodDisruptionBudget that still lets a node drain when the
 * workload runs at the HPA's minimum. Without a PDB a drain can evict every pod at once; with
 * a PDB that allows no disruption at minReplicas, node upgrades hang.
 */
export function hpaWorkloadHasPdb(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "hpa-workload-has-pdb",
    description: "Every HPA-scaled workload has a PodDisruptionBudget compatible with the HPA's minReplicas.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Add a PodDisruptionBudget selecting the workload's pods with maxUnavailable: 1 (or minAvailable below minReplicas).",
    validateStack: (args, report) => {
      const pdbs = args.resources.filter((r) => PDB_TYPES.includes(r.type));
      for (const s of scaledWorkloads(args)) {
        if (!s.target) continue;
        const ns = s.target.key.split("/")[0];
        const matching = pdbs.filter((p) => (p.props.metadata?.namespace ?? "default") === ns && selects(p.props.spec?.selector, s.target!.workload.podLabels));
        if (matching.length === 0) {
          report(
            `${s.target.workload.kind} ${s.target.key} is scaled by HorizontalPodAutoscaler ${s.hpaKey} but no PodDisruptionBudget selects its pods: a node drain may evict all of them at once; add a PodDisruptionBudget with maxUnavailable: 1 selecting its pod labels.`,
            s.target.resource.urn,
          );
          continue;
        }
        for (const p of matching) {
          const spec = p.props.spec ?? {};
          if (allowedDisruptions(spec, s.minReplicas) < 1) {
            const rule = spec.maxUnavailable !== undefined ? `maxUnavailable ${spec.maxUnavailable}` : spec.minAvailable !== undefined ? `minAvailable ${spec.minAvailable}` : "neither minAvailable nor maxUnavailable";
            report(
              `PodDisruptionBudget ${objectKey(p.props, p.name)} (${rule}) allows no eviction when ${s.target.workload.kind} ${s.target.key} runs at the HPA minimum of ${s.minReplicas}: node drains and upgrades would hang; use maxUnavailable: 1 or a minAvailable below ${s.minReplicas}.`,
              p.urn,
            );
          }
        }
      }
    },
  };
}
