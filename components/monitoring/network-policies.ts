import type { NamespacesSpec } from "../foundation/namespaces-spec";
import type { MonitoringSpec } from "./monitoring-spec";
import type { ClusterPlatform } from "../../lib/environment";
import type * as k8s from "@pulumi/kubernetes";
import { STACK_NAMES, STACK_PORTS } from "./values";

/** A NetworkPolicy as plain data: its name and spec. */
export interface NetworkPolicySpec {
  readonly name: string;
  readonly spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

const ANYWHERE = [{ ipBlock: { cidr: "0.0.0.0/0" } }];
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const byName = (name: string) => ({ matchLabels: { "app.kubernetes.io/name": name } });

/**
 * Ports outside the pod network that Prometheus scrapes: the API server (443 on managed
 * clusters, 6443 self-managed), kubelets (10250), node-exporter on the host network (9100),
 * and, where the platform exposes them, etcd (2379), controller manager (10257),
 * scheduler (10259) and kube-proxy (10249). Remote write goes out on 443 as well.
 */
export function prometheusHostPorts(platform: ClusterPlatform): number[] {
  const base = [443, 6443, 10250, 9100];
  return platform === "generic" ? [...base, 2379, 10257, 10259, 10249] : base;
}

/**
 * The NetworkPolicies the monitoring stack needs under the foundation's default-deny.
 *
 * The API server, kubelets and host-network exporters are not pods, and their addresses
 * differ per cluster, so flows to them are allowed by port to any address; flows between
 * pods are allowed by label.
 */
/** The slice of stack config the monitoring NetworkPolicies depend on. */
export interface MonitoringNetworkConfig {
  readonly clusterPlatform: ClusterPlatform;
  readonly namespaces: Pick<NamespacesSpec, "ingressController">;
  readonly monitoring: Pick<MonitoringSpec, "grafana">;
}

export function monitoringNetworkPolicies(config: MonitoringNetworkConfig): NetworkPolicySpec[] {
  const policies: NetworkPolicySpec[] = [
    {
      // Grafana -> Prometheus/Alertmanager, Prometheus -> Alertmanager, exporters and
      // kube-state-metrics, Alertmanager gossip (9094 TCP and UDP) all stay inside the namespace.
      name: "allow-intra-namespace",
      spec: {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
    },
    {
      // Every chart workload that talks to the API server (operator, kube-state-metrics,
      // Grafana's sidecars, Prometheus' service discovery). Selecting them by chart-internal
      // labels would break silently when a chart upgrade renames one.
      name: "allow-api-server-egress",
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: ANYWHERE, ports: tcp(443, 6443) }],
      },
    },
    {
      // Scrapes reach pods in every namespace on their metrics ports, and the hosts.
      name: "allow-prometheus-scrape",
      spec: {
        podSelector: byName(STACK_NAMES.prometheusPodName),
        policyTypes: ["Egress"],
        egress: [
          { to: [{ namespaceSelector: {} }] },
          { to: ANYWHERE, ports: tcp(...prometheusHostPorts(config.clusterPlatform)) },
        ],
      },
    },
    {
      // Receivers: Slack, PagerDuty and webhooks over HTTPS; e-mail over SMTP.
      name: "allow-alertmanager-receivers",
      spec: {
        podSelector: byName(STACK_NAMES.alertmanagerPodName),
        policyTypes: ["Egress"],
        egress: [{ to: ANYWHERE, ports: tcp(443, 25, 465, 587) }],
      },
    },
  ];
  if (config.monitoring.grafana.host) {
    policies.push({
      name: "allow-grafana-ingress",
      spec: {
        podSelector: byName(STACK_NAMES.grafanaPodName),
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": config.namespaces.ingressController } } }],
            ports: tcp(STACK_PORTS.grafana),
          },
        ],
      },
    });
  }
  return policies;
}
