import type { Environment } from "../../lib/environment";
import type { NamespacesSpec } from "./namespaces-spec";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "./labels";
import { PRIORITY_CLASSES, type PriorityTier } from "./priority";

/** The roles of the platform's namespaces. */
export type NamespaceRole = "apps" | "monitoring" | "backup" | "hostAgents";

/** Arguments of {@link Foundation}. */
export interface FoundationArgs {
  /** Environment; labels every namespace and picks the Pod Security level. */
  readonly environment: Environment;
  /** Namespace names, quota and container defaults. */
  readonly namespaces: NamespacesSpec;
}

/**
 * Pod Security Standard enforced per namespace role: the environment's level everywhere except
 * the host-agents namespace, which holds only node-exporter (it reads the node: host network,
 * PID namespace and filesystem) and so can only be "privileged"; it still warns and audits at
 * "restricted", and nothing else runs there.
 */
export function podSecurityLevel(role: NamespaceRole, level: "baseline" | "restricted"): string {
  return role === "hostAgents" ? "privileged" : level;
}

/**
 * The ground of every environment: the namespaces (with standard and Pod Security labels),
 * a ResourceQuota and LimitRange for workloads, and a default-deny NetworkPolicy per
 * namespace that still allows DNS, so every other flow must be declared by its owner.
 */
export class Foundation extends pulumi.ComponentResource {
  /** Namespace name by role. */
  readonly namespaceNames: Record<NamespaceRole, string>;
  /** PriorityClasses by tier (see {@link PRIORITY_CLASSES}). */
  readonly priorityClasses: Record<PriorityTier, k8s.scheduling.v1.PriorityClass>;
  /** Namespace resources by role, for `dependsOn`. */
  readonly namespaces: Record<NamespaceRole, k8s.core.v1.Namespace>;

  constructor(name: string, args: FoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:foundation:Foundation", name, {}, opts);
    const ns = args.namespaces;
    this.namespaceNames = { apps: ns.apps, monitoring: ns.monitoring, backup: ns.backup, hostAgents: ns.hostAgents };

    const roles: NamespaceRole[] = ["apps", "monitoring", "backup", "hostAgents"];
    const created = {} as Record<NamespaceRole, k8s.core.v1.Namespace>;
    for (const role of roles) {
      const level = podSecurityLevel(role, ns.podSecurity);
      const namespace = new k8s.core.v1.Namespace(
        `${name}-ns-${role}`,
        {
          metadata: {
            name: this.namespaceNames[role],
            labels: {
              ...standardLabels({ environment: args.environment, component: role }),
              "pod-security.kubernetes.io/enforce": level,
              "pod-security.kubernetes.io/warn": "restricted",
              "pod-security.kubernetes.io/audit": "restricted",
            },
          },
        },
        { parent: this },
      );
      created[role] = namespace;

      new k8s.networking.v1.NetworkPolicy(
        `${name}-default-deny-${role}`,
        {
          metadata: {
            name: "default-deny",
            namespace: namespace.metadata.name,
            labels: standardLabels({ environment: args.environment, component: role }),
          },
          spec: {
            // An empty selector matches every pod; with both policy types and no ingress
            // rules, all traffic is denied unless another policy allows it.
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            egress: [
              {
                to: [
                  {
                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                  },
                ],
                ports: [
                  { protocol: "UDP", port: 53 },
                  { protocol: "TCP", port: 53 },
                ],
              },
            ],
          },
        },
        { parent: namespace },
      );

      if (role === "apps" || role === "backup") {
        // The chart's workloads size themselves; quotas apply where our workloads run.
        new k8s.core.v1.LimitRange(
          `${name}-limits-${role}`,
          {
            metadata: {
              name: "container-defaults",
              namespace: namespace.metadata.name,
              labels: standardLabels({ environment: args.environment, component: role }),
            },
            spec: {
              limits: [
                {
                  type: "Container",
                  defaultRequest: { cpu: ns.containerDefaults.cpuRequest, memory: ns.containerDefaults.memoryRequest },
                  default: { cpu: ns.containerDefaults.cpuLimit, memory: ns.containerDefaults.memoryLimit },
                },
              ],
            },
          },
          { parent: namespace },
        );
      }
    }

    new k8s.core.v1.ResourceQuota(
      `${name}-quota-apps`,
      {
        metadata: {
          name: "workload-quota",
          namespace: created.apps.metadata.name,
          labels: standardLabels({ environment: args.environment, component: "apps" }),
        },
        spec: {
          hard: {
            "requests.cpu": ns.quota.cpu,
            "requests.memory": ns.quota.memory,
            pods: String(ns.quota.pods),
            "services.loadbalancers": "0",
            "services.nodeports": "0",
          },
        },
      },
      { parent: created.apps },
    );

    // Pods naming a PriorityClass that does not exist are refused at admission: every other
    // component depends on the foundation, so these exist before the first pod.
    this.priorityClasses = {} as Record<PriorityTier, k8s.scheduling.v1.PriorityClass>;
    for (const tier of Object.keys(PRIORITY_CLASSES) as PriorityTier[]) {
      const pc = PRIORITY_CLASSES[tier];
      this.priorityClasses[tier] = new k8s.scheduling.v1.PriorityClass(
        `${name}-priority-${tier}`,
        {
          metadata: { name: pc.name, labels: standardLabels({ environment: args.environment, component: "foundation", name: pc.name }) },
          value: pc.value,
          globalDefault: false,
          preemptionPolicy: "PreemptLowerPriority",
          description: tier === "platform" ? "app-platform's own workloads: monitoring, alerting, exporters, backups" : "app-platform's application services and their jobs",
        },
        { parent: this },
      );
    }

    this.namespaces = created;
    this.registerOutputs({ namespaceNames: this.namespaceNames });
  }
}
