import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";
import { validateWorkloads } from "../lib/workloads";
import { EXEMPTIONS_SCHEMA, exemptionFor, type WorkloadExemption } from "../lib/exemptions";

/** Config of {@link noHostNamespaces}. */
export interface NoHostNamespacesConfig {
  /**
   * Reviewed exemptions ({@link WorkloadExemption}: `Kind/namespace/name`, optionally the parent
   * helm.v4.Chart, and a reason) allowed to share the node's namespaces, e.g. a node exporter. @default []
   */
  readonly allowedWorkloads: readonly WorkloadExemption[];
}

/** Pods do not share the node's network, PID or IPC namespace. */
export function noHostNamespaces(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<NoHostNamespacesConfig> = {}): PlatformPolicy {
  return {
    name: "no-host-namespaces",
    description: "Pods do not use the node's network, PID or IPC namespace.",
    severity: "critical",
    enforcementLevel,
    remediationSteps: "Remove hostNetwork, hostPID and hostIPC, or add the workload to allowedWorkloads in the policy config.",
    configSchema: configSchema<NoHostNamespacesConfig>({ allowedWorkloads: EXEMPTIONS_SCHEMA }, { allowedWorkloads: [] }, defaults),
    validateResource: validateWorkloads((w, args, report) => {
      const key = objectKey(w, args.name);
      if (exemptionFor(args.getConfig<NoHostNamespacesConfig>().allowedWorkloads, w, args)) return;
      const used = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((f) => w.pod[f] === true);
      if (used.length > 0) {
        report(`${w.kind} ${key} sets ${used.join(", ")}: the pod can see and reach the node's processes and network; remove ${used.join(", ")} or allow-list the workload in no-host-namespaces.allowedWorkloads.`);
      }
    }),
  };
}
