import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/** Containers do not bind ports on the node. */
export function noHostPorts(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "no-host-ports",
    description: "Containers do not use hostPort.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Remove ports[].hostPort and expose the port through a Service.",
    validateResource: validateWorkloads((w, _args, report) => {
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
