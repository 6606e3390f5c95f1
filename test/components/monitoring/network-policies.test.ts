import { describe, expect, it } from "vitest";
import { monitoringNetworkPolicies, prometheusHostPorts } from "../../../components/monitoring/network-policies";
import { edited, load } from "../../stacks/fixtures";
import { stackConfig } from "./fixtures";

const byName = (stack: "dev" | "production") => Object.fromEntries(monitoringNetworkPolicies(stackConfig(stack)).map((p) => [p.name, p.spec as any]));

describe("NetworkPolicies of the monitoring stack under default-deny", () => {
  it("the same set in every stack without a Grafana host", () => {
    expect(Object.keys(byName("dev"))).toEqual(["allow-intra-namespace", "allow-api-server-egress", "allow-prometheus-scrape", "allow-alertmanager-receivers"]);
    expect(Object.keys(byName("production"))).toEqual(Object.keys(byName("dev")));
  });
  it("pods of the namespace reach each other (Grafana -> Prometheus/Alertmanager, Prometheus -> Alertmanager and exporters, gossip)", () => {
    expect(byName("dev")["allow-intra-namespace"]).toEqual({
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
  });
  it("the API server on 443 and 6443", () => {
    expect(byName("dev")["allow-api-server-egress"].egress).toEqual([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 6443 }] }]);
  });
  it("Prometheus scrapes pods in every namespace and the node ports", () => {
    const p = byName("production")["allow-prometheus-scrape"];
    expect(p.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "prometheus" } });
    expect(p.egress[0]).toEqual({ to: [{ namespaceSelector: {} }] });
    expect(p.egress[1].ports.map((x: any) => x.port)).toEqual([443, 6443, 10250, 9100]);
  });
  it("control-plane ports only where the control plane is scraped", () => {
    expect(prometheusHostPorts("eks")).toEqual([443, 6443, 10250, 9100]);
    expect(prometheusHostPorts("generic")).toEqual([443, 6443, 10250, 9100, 2379, 10257, 10259, 10249]);
  });
  it("Alertmanager reaches receivers over HTTPS and SMTP", () => {
    const p = byName("production")["allow-alertmanager-receivers"];
    expect(p.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "alertmanager" } });
    expect(p.egress[0].ports.map((x: any) => x.port)).toEqual([443, 25, 465, 587]);
  });
  it("Grafana accepts the ingress controller only when it has a host", () => {
    const c = load(edited("dev", (v) => (v.monitoring = { grafana: { host: "grafana.example.com" } })));
    const g = monitoringNetworkPolicies(c).find((p) => p.name === "allow-grafana-ingress")!.spec as any;
    expect(g.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "grafana" } });
    expect(g.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }], ports: [{ protocol: "TCP", port: 3000 }] }]);
  });
});
