import type { ResourceValidationArgs } from "@pulumi/policy";
import { objectName } from "./policy";
import type { Workload } from "./workloads";

/**
 * One reviewed exemption of one workload from one policy: the `allowedWorkloads` entries of a
 * policy's config. Only policies whose rule a workload can be unable to meet by design take
 * them (host access for node-exporter, API tokens for controllers, probes a chart cannot
 * express); every other policy stays strict. Entries live in `policy/config/<stack>.json`, so
 * the CLI and the offline runner read the same list through `getConfig()`.
 */
export interface WorkloadExemption {
  /** `Kind/namespace/name` of the workload, e.g. `Deployment/monitoring/kube-prometheus-stack-operator`. */
  readonly workload: string;
  /**
   * Name of the `helm.v4.Chart` resource that must be the workload's parent (e.g.
   * `monitoring-chart`), so that the exemption covers the chart's object and not another
   * workload that happens to take the same name. Omit only for workloads the program creates.
   */
  readonly chart?: string;
  /** Containers the exemption covers, for policies that check containers; every container when omitted. */
  readonly containers?: readonly string[];
  /** Why the workload cannot comply, for the reviewer (required: an exemption without a reason is refused). */
  readonly reason: string;
}

/** Pulumi type token of the helm.v4.Chart component that parents chart objects. */
export const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

const KINDS = "Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob|Pod";

/**
 * JSON schema of an `allowedWorkloads` list. The CLI validates the pack config against it, and
 * so does the offline runner (tools/policy/config.ts), so a malformed or unexplained entry
 * fails both before any policy runs.
 */
export const EXEMPTIONS_SCHEMA: Record<string, unknown> = {
  type: "array",
  items: {
    type: "object",
    properties: {
      workload: { type: "string", pattern: `^(${KINDS})/[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$` },
      chart: { type: "string", minLength: 1 },
      containers: { type: "array", items: { type: "string", minLength: 1 } },
      reason: { type: "string", minLength: 20 },
    },
    required: ["workload", "reason"],
    additionalProperties: false,
  },
};

/** Type and name of a resource from its URN (`urn:pulumi:<stack>::<project>::<type chain>::<name>`). */
export function parseUrn(urn: string): { type: string; name: string } | undefined {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return undefined;
  const chain = parts[2].split("$");
  return { type: chain[chain.length - 1], name: parts.slice(3).join("::") };
}

/** `Kind/namespace/name` of a workload, the key exemptions name it by. */
export function workloadKey(w: Workload, fallbackName: string): string {
  return `${w.kind}/${w.metadata.namespace ?? "default"}/${objectName(w, fallbackName)}`;
}

/**
 * The exemption that covers workload `w` (and `container`, for per-container checks), if any.
 * A chart exemption needs the resource's parent to be a helm.v4.Chart of that name: the
 * parent URN is what the engine passes to policies, offline and under the CLI alike. An
 * exemption limited to some containers never covers a workload-wide check.
 */
export function exemptionFor(
  exemptions: readonly WorkloadExemption[] | undefined,
  w: Workload,
  args: Pick<ResourceValidationArgs, "name" | "opts">,
  container?: string,
): WorkloadExemption | undefined {
  const key = workloadKey(w, args.name);
  const parent = args.opts?.parent ? parseUrn(args.opts.parent) : undefined;
  return (exemptions ?? []).find((e) => {
    if (e.workload !== key) return false;
    if (e.chart !== undefined && !(parent?.type === CHART_TYPE && parent.name === e.chart)) return false;
    if (e.containers !== undefined) return container !== undefined && e.containers.includes(container);
    return true;
  });
}
