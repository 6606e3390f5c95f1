import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/** Containers run under the runtime's default seccomp profile (or a Localhost one), never Unconfined. */
export function seccompRuntimeDefault(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "seccomp-runtime-default",
    description: "Pods run under the RuntimeDefault (or a Localhost) seccomp profile.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Set securityContext.seccompProfile.type: RuntimeDefault on the pod.",
    validateResource: validateWorkloads((w, _args, report) => {
      const podType = w.pod.securityContext?.seccompProfile?.type;
      for (const c of allContainers(w.pod)) {
        const t = c.container.securityContext?.seccompProfile?.type ?? podType;
        if (t !== "RuntimeDefault" && t !== "Localhost") {
          report(
            `${containerLabel(c)} runs ${t === undefined ? "without a seccomp profile" : `with seccomp profile "${t}"`}: every system call is open to an exploit; set securityContext.seccompProfile.type: RuntimeDefault on the pod.`,
          );
        }
      }
    }),
  };
}
