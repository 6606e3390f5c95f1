import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";
import { EXEMPTIONS_SCHEMA, exemptionFor, type WorkloadExemption } from "../lib/exemptions";

/** Config of {@link noHostPorts}. */
export interface NoHostPortsConfig {
  /**
   * Reviewed exemptions ({@link WorkloadExemption}: `Kind/namespace/name`, optionally the parent
   * helm.v4.Chart, and a reason) allowed to bind node ports, e.g. a node exporter on the host network. @default []
   */
  readonly allowedWorkloads: readonly WorkloadExemption[];
}

/** Containers do not bind ports on the node. */
export function noHostPorts(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<NoHostPortsConfig> = {}): PlatformPolicy {
  return {
    name: "no-host-ports",
    description: "Containers do not use hostPort.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Remove ports[].hostPort and expose the port through a Service, or allow-list the workload in the policy config.",
    configSchema: configSchema<NoHostPortsConfig>({ allowedWorkloads: EXEMPTIONS_SCHEMA }, { allowedWorkloads: [] }, defaults),
    validateResource: validateWorkloads((w, args, report) => {
      if (exemptionFor(args.getConfig<NoHostPortsConfig>().allowedWorkloads, w, args)) return;
      for (const c of allContainers(w.pod)) {
        for (const p of c.container.ports ?? []) {
          if (p.hostPort !== undefined && p.hostPort !== 0) {
            report(`${containerLabel(c)} binds hostPort ${p.hostPort}: it bypasses NetworkPolicies and limits the pod to one per node; remove hostPort and use a Service.`);
          }
        }
      }
    }),
  };
}
