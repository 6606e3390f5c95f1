import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/**
 * Containers drop every Linux capability and add back at most NET_BIND_SERVICE, which is
 * what the Pod Security "restricted" profile allows.
 */
export function dropAllCapabilities(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "drop-all-capabilities",
    description: "Containers drop all Linux capabilities (adding back at most NET_BIND_SERVICE).",
    severity: "high",
    enforcementLevel,
    remediationSteps: 'Set securityContext.capabilities.drop: ["ALL"] and remove capabilities.add.',
    validateResource: validateWorkloads((w, _args, report) => {
      for (const c of allContainers(w.pod)) {
        const caps = c.container.securityContext?.capabilities ?? {};
        if (!(caps.drop ?? []).includes("ALL")) {
          report(`${containerLabel(c)} does not drop all capabilities: the runtime's defaults (e.g. NET_RAW) stay available to an attacker; set securityContext.capabilities.drop: ["ALL"].`);
        }
        const added = (caps.add ?? []).filter((a) => a !== "NET_BIND_SERVICE");
        if (added.length > 0) {
          report(`${containerLabel(c)} adds capabilities ${added.join(", ")}: only NET_BIND_SERVICE is allowed; remove them from securityContext.capabilities.add.`);
        }
      }
    }),
  };
}
