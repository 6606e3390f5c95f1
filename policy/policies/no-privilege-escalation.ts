import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/** Containers are not privileged and cannot gain privileges (setuid binaries, file capabilities). */
export function noPrivilegeEscalation(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "no-privilege-escalation",
    description: "Containers are not privileged and set allowPrivilegeEscalation: false.",
    severity: "critical",
    enforcementLevel,
    remediationSteps: "Set securityContext.allowPrivilegeEscalation: false and remove securityContext.privileged.",
    validateResource: validateWorkloads((w, _args, report) => {
      for (const c of allContainers(w.pod)) {
        const sc = c.container.securityContext ?? {};
        if (sc.privileged === true) {
          report(`${containerLabel(c)} is privileged: it has every capability and access to the node's devices; remove securityContext.privileged.`);
        }
        if (sc.allowPrivilegeEscalation !== false) {
          report(`${containerLabel(c)} allows privilege escalation: a setuid binary could make the process root; set securityContext.allowPrivilegeEscalation: false.`);
        }
      }
    }),
  };
}
