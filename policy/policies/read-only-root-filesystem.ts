import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/** Containers mount their root filesystem read-only. */
export function readOnlyRootFilesystem(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "read-only-root-filesystem",
    description: "Containers have a read-only root filesystem.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process must write.",
    validateResource: validateWorkloads((w, _args, report) => {
      for (const c of allContainers(w.pod)) {
        if (c.container.securityContext?.readOnlyRootFilesystem !== true) {
          report(`${containerLabel(c)} can write to its root filesystem: an attacker can drop tools or alter binaries; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir for scratch space.`);
        }
      }
    }),
  };
}
