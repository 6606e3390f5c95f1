import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { objectKey } from "./policy";
import { workloadOf, type Workload } from "./workloads";

/** Pulumi types of HorizontalPodAutoscalers. */
export const HPA_TYPES = ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kubernetes:autoscaling/v1:HorizontalPodAutoscaler"];

/** A workload in the stack with its resource. */
export interface StackWorkload {
  readonly resource: PolicyResource;
  readonly workload: Workload;
  /** `namespace/name`. */
  readonly key: string;
}

/** Every workload (Deployment, StatefulSet, ...) of the stack. */
export function stackWorkloads(args: StackValidationArgs): StackWorkload[] {
  const out: StackWorkload[] = [];
  for (const r of args.resources) {
    const w = workloadOf(r.type, r.props);
    if (w) out.push({ resource: r, workload: w, key: objectKey(r.props, r.name) });
  }
  return out;
}

/** An HPA and the workload it scales (undefined when the target is not in the stack). */
export interface ScaledWorkload {
  readonly hpa: PolicyResource;
  readonly hpaKey: string;
  readonly minReplicas: number;
  readonly target?: StackWorkload;
  /** `Kind namespace/name` of the target as the HPA names it. */
  readonly targetRef: string;
}

/** Pairs every HPA of the stack with the workload its scaleTargetRef names. */
export function scaledWorkloads(args: StackValidationArgs): ScaledWorkload[] {
  const workloads = stackWorkloads(args);
  const out: ScaledWorkload[] = [];
  for (const hpa of args.resources.filter((r) => HPA_TYPES.includes(r.type))) {
    const ns = hpa.props.metadata?.namespace ?? "default";
    const ref = hpa.props.spec?.scaleTargetRef ?? {};
    const target = workloads.find((w) => w.workload.kind === ref.kind && w.key === `${ns}/${ref.name}`);
    out.push({ hpa, hpaKey: objectKey(hpa.props, hpa.name), minReplicas: hpa.props.spec?.minReplicas ?? 1, target, targetRef: `${ref.kind} ${ns}/${ref.name}` });
  }
  return out;
}
