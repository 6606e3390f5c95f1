import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type ReportViolation, type ResourceValidation, type ResourceValidationArgs } from "@pulumi/policy";
import type * as pulumiInputs from "@pulumi/kubernetes/types/input";
import type { Unwrap } from "@pulumi/pulumi";

/** A pod spec as policies see it (inputs, unwrapped). */
export type PodSpec = Unwrap<pulumiInputs.core.v1.PodSpec>;
/** A container as policies see it. */
export type Container = Unwrap<pulumiInputs.core.v1.Container>;
/** Object metadata as policies see it. */
export type ObjectMeta = Unwrap<pulumiInputs.meta.v1.ObjectMeta>;

/** Kinds of workload whose pods this pack checks. */
export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "CronJob" | "Pod";

/** A workload's pod template, whichever kind carries it. */
export interface Workload {
  readonly kind: WorkloadKind;
  /** The workload's own metadata. */
  readonly metadata: ObjectMeta;
  /** The pod template's labels (what Services, PDBs and HPAs select). */
  readonly podLabels: Record<string, string>;
  readonly pod: PodSpec;
  /** The workload's spec.replicas as written (undefined when unset). */
  readonly replicas?: number;
}

/** Kinds whose pods run forever (probes, replicas and spreading apply to them, not to Jobs). */
export const LONG_RUNNING: readonly WorkloadKind[] = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod"];

type Check = (w: Workload, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;

/**
 * One typed validator per workload class (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * Job, CronJob, Pod), each extracting the pod template so that a policy checks pods once.
 * Returned as an array: the CLI runs each and treats the others as not applicable.
 */
export function validateWorkloads(check: Check, kinds: readonly WorkloadKind[] = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]): ResourceValidation[] {
  const out: ResourceValidation[] = [];
  // replicas is read lazily: a policy that does not need it must not fail when it is unknown.
  const templ = (kind: WorkloadKind, md: ObjectMeta | undefined, t: Unwrap<pulumiInputs.core.v1.PodTemplateSpec> | undefined, replicas?: () => number | undefined): Workload | undefined =>
    t?.spec
      ? {
          kind,
          metadata: md ?? {},
          podLabels: (t.metadata?.labels ?? {}) as Record<string, string>,
          pod: t.spec as PodSpec,
          get replicas() {
            return replicas?.();
          },
        }
      : undefined;
  const run = (w: Workload | undefined, args: ResourceValidationArgs, report: ReportViolation) => {
    if (w) check(w, args, report);
  };
  if (kinds.includes("Deployment"))
    out.push(validateResourceOfType(k8s.apps.v1.Deployment, (d, a, r) => run(templ("Deployment", d.metadata as ObjectMeta, d.spec?.template as never, () => d.spec?.replicas as number | undefined), a, r)));
  if (kinds.includes("StatefulSet"))
    out.push(validateResourceOfType(k8s.apps.v1.StatefulSet, (d, a, r) => run(templ("StatefulSet", d.metadata as ObjectMeta, d.spec?.template as never, () => d.spec?.replicas as number | undefined), a, r)));
  if (kinds.includes("DaemonSet"))
    out.push(validateResourceOfType(k8s.apps.v1.DaemonSet, (d, a, r) => run(templ("DaemonSet", d.metadata as ObjectMeta, d.spec?.template as never), a, r)));
  if (kinds.includes("ReplicaSet"))
    out.push(validateResourceOfType(k8s.apps.v1.ReplicaSet, (d, a, r) => run(templ("ReplicaSet", d.metadata as ObjectMeta, d.spec?.template as never, () => d.spec?.replicas as number | undefined), a, r)));
  if (kinds.includes("Job"))
    out.push(validateResourceOfType(k8s.batch.v1.Job, (d, a, r) => run(templ("Job", d.metadata as ObjectMeta, d.spec?.template as never), a, r)));
  if (kinds.includes("CronJob"))
    out.push(validateResourceOfType(k8s.batch.v1.CronJob, (d, a, r) => run(templ("CronJob", d.metadata as ObjectMeta, d.spec?.jobTemplate?.spec?.template as never), a, r)));
  if (kinds.includes("Pod"))
    out.push(
      validateResourceOfType(k8s.core.v1.Pod, (p, a, r) =>
        run(p.spec ? { kind: "Pod", metadata: (p.metadata ?? {}) as ObjectMeta, podLabels: (p.metadata?.labels ?? {}) as Record<string, string>, pod: p.spec as PodSpec } : undefined, a, r),
      ),
    );
  return out;
}

/** Every container of a pod: init containers first, then the main ones. */
export function allContainers(pod: PodSpec): { container: Container; init: boolean }[] {
  return [
    ...((pod.initContainers ?? []) as Container[]).map((container) => ({ container, init: true })),
    ...((pod.containers ?? []) as Container[]).map((container) => ({ container, init: false })),
  ];
}

/** How a message names a container: `init container "x"` or `container "x"`. */
export function containerLabel(c: { container: Container; init: boolean }): string {
  return `${c.init ? "init container" : "container"} "${c.container.name}"`;
}

/** Pulumi types of the workloads, for stack policies. */
export const WORKLOAD_TYPES: Record<string, WorkloadKind> = {
  "kubernetes:apps/v1:Deployment": "Deployment",
  "kubernetes:apps/v1:StatefulSet": "StatefulSet",
  "kubernetes:apps/v1:DaemonSet": "DaemonSet",
  "kubernetes:apps/v1:ReplicaSet": "ReplicaSet",
  "kubernetes:batch/v1:Job": "Job",
  "kubernetes:batch/v1:CronJob": "CronJob",
  "kubernetes:core/v1:Pod": "Pod",
};

/** Extracts the workload view of a stack resource's props (undefined for other types). */
export function workloadOf(type: string, props: Record<string, any>): Workload | undefined {
  const kind = WORKLOAD_TYPES[type];
  if (!kind) return undefined;
  if (kind === "Pod") return props.spec ? { kind, metadata: props.metadata ?? {}, podLabels: props.metadata?.labels ?? {}, pod: props.spec } : undefined;
  const t = kind === "CronJob" ? props.spec?.jobTemplate?.spec?.template : props.spec?.template;
  return t?.spec
    ? {
        kind,
        metadata: props.metadata ?? {},
        podLabels: t.metadata?.labels ?? {},
        pod: t.spec,
        get replicas() {
          return props.spec?.replicas;
        },
      }
    : undefined;
}
