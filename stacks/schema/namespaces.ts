import { z } from "zod";
import { bytesQuantity, cpuQuantity, dnsLabel } from "./common";

export { CLUSTER_PLATFORMS } from "../../lib/environment";

const quota = z.strictObject({
  /** Sum of CPU requests allowed in the namespace. */
  cpu: cpuQuantity,
  /** Sum of memory requests allowed in the namespace. */
  memory: bytesQuantity,
  /** Number of pods allowed in the namespace. */
  pods: z.int32().min(1),
});

/** `app-platform:namespaces` */
export const namespacesSchema = z.strictObject({
  apps: dnsLabel(50).optional(),
  monitoring: dnsLabel(50).optional(),
  backup: dnsLabel(50).optional(),
  /**
   * Namespace of host-level agents (node-exporter: host network, PID and filesystem), the only
   * one at Pod Security "privileged", so that `monitoring` can enforce the environment's level.
   * @default "host-agents"
   */
  hostAgents: dnsLabel(50).optional(),
  /** Namespace of the ingress controller, admitted by service NetworkPolicies. */
  ingressController: dnsLabel(63).optional(),
  /** ResourceQuota of the apps namespace. */
  quota: quota.optional(),
  /** LimitRange defaults for containers that state no resources. */
  containerDefaults: z
    .strictObject({
      cpuRequest: cpuQuantity,
      memoryRequest: bytesQuantity,
      cpuLimit: cpuQuantity,
      memoryLimit: bytesQuantity,
    })
    .optional(),
});
