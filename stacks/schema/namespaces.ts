import { z } from "zod";
import { bytesQuantity, cpuQuantity, dnsLabel } from "./common";
import "./meta";

export { CLUSTER_PLATFORMS } from "../../lib/environment";

const quota = z.strictObject({
  cpu: cpuQuantity.meta({ description: "Sum of CPU requests allowed in the apps namespace; both colours of every service count.", examples: ["32"] }),
  memory: bytesQuantity.meta({ description: "Sum of memory requests allowed in the apps namespace.", examples: ["64Gi"] }),
  pods: z.int32().min(1).meta({ description: "Number of pods allowed in the apps namespace, jobs included.", examples: [200] }),
});

/** A namespace name; `what` says what runs there. */
const namespace = (what: string, example: string) =>
  dnsLabel(50)
    .optional()
    .meta({ description: `Namespace of ${what}; created by the program with the environment's Pod Security level.`, examples: [example] });

/** `app-platform:namespaces` */
export const namespacesSchema = z.strictObject({
  apps: namespace("the application services, their datastores (dev) and secrets", "shop"),
  monitoring: namespace("Prometheus, Alertmanager, Grafana and the exporters", "observability"),
  backup: namespace("the backup and restore-drill jobs", "backups"),
  hostAgents: dnsLabel(50)
    .optional()
    .meta({
      description:
        'Namespace of host-level agents (node-exporter: host network, PID and filesystem), the only one at Pod Security "privileged", so that `monitoring` can enforce the environment\'s level.',
      examples: ["node-agents"],
    }),
  ingressController: dnsLabel(63)
    .optional()
    .meta({
      description: "Namespace of the ingress controller (not created by the program); the services' NetworkPolicies admit traffic from it.",
      examples: ["ingress"],
    }),
  quota: quota.optional().meta({ description: "ResourceQuota of the apps namespace: caps what all services together may request." }),
  containerDefaults: z
    .strictObject({
      cpuRequest: cpuQuantity.meta({ description: "CPU request given to a container that states none.", examples: ["100m"] }),
      memoryRequest: bytesQuantity.meta({ description: "Memory request given to a container that states none.", examples: ["128Mi"] }),
      cpuLimit: cpuQuantity.meta({ description: "CPU limit given to a container that states none.", examples: ["1"] }),
      memoryLimit: bytesQuantity.meta({ description: "Memory limit given to a container that states none.", examples: ["512Mi"] }),
    })
    .optional()
    .meta({ description: "LimitRange of the apps namespace: requests and limits of containers that state none (the quota needs every container to have them)." }),
});
