import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/** Containers run as a non-root user (the container's securityContext overrides the pod's). */
export function runAsNonRoot(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "run-as-non-root",
    description: "Containers run as a non-root user.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser.",
    validateResource: validateWorkloads((w, _args, report) => {
      const pod = w.pod.securityContext ?? {};
      for (const c of allContainers(w.pod)) {
        const sc = c.container.securityContext ?? {};
        const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
        const user = sc.runAsUser ?? pod.runAsUser;
        if (user === 0) {
          report(`${containerLabel(c)} runs as user 0 (root): a container escape would be root on the node; set runAsUser to a non-zero id and runAsNonRoot: true.`);
        } else if (nonRoot !== true) {
          report(`${containerLabel(c)} does not set runAsNonRoot: true: an image that defaults to root would run as root; set securityContext.runAsNonRoot: true on the pod or the container.`);
        }
      }
    }),
  };
}
