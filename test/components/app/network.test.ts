import { describe, expect, it } from "vitest";
import { SERVICE_HTTP_PORT, ingressSpec, networkPolicySpec, serviceSpec } from "../../../components/app/network";
import { APP_LABELS, METRICS_PORT_NAME } from "../../../components/monitoring/contract";
import { resolved } from "./fixtures";

const sources = { ingressControllerNamespace: "ingress-nginx", monitoringNamespace: "monitoring" };

describe("serviceSpec", () => {
  it("active selects the active colour, preview the other", () => {
    const s = resolved("staging", (x) => (x.activeColor = "green"));
    expect((serviceSpec(s, "active") as any).selector).toEqual({ [APP_LABELS.name]: "web", [APP_LABELS.color]: "green" });
    expect((serviceSpec(s, "preview") as any).selector).toEqual({ [APP_LABELS.name]: "web", [APP_LABELS.color]: "blue" });
  });
  it("exposes http on 80 and metrics on metricsPort, both ClusterIP", () => {
    const spec = serviceSpec(resolved("staging", (x) => (x.metricsPort = 9090)), "active") as any;
    expect(spec.type).toBe("ClusterIP");
    expect(SERVICE_HTTP_PORT).toBe(80);
    expect(spec.ports).toEqual([
      { name: "http", port: 80, targetPort: 8080, protocol: "TCP" },
      { name: METRICS_PORT_NAME, port: 9090, targetPort: 9090, protocol: "TCP" },
    ]);
  });
  it("serves metrics from the http container port when metricsPort is unset", () => {
    const spec = serviceSpec(resolved("staging"), "preview") as any;
    expect(spec.ports[1]).toEqual({ name: "metrics", port: 8080, targetPort: 8080, protocol: "TCP" });
  });
});

describe("ingressSpec", () => {
  const withIngress = (ingress: object) => resolved("staging", (x) => (x.ingress = ingress));
  it("routes the host to the active Service and the preview host to the preview Service", () => {
    const s = withIngress({ className: "nginx", host: "web.example.com", previewHost: "web-preview.example.com", tlsSecretName: "web-tls" });
    expect(ingressSpec(s, "active")).toEqual({
      ingressClassName: "nginx",
      tls: [{ hosts: ["web.example.com"], secretName: "web-tls" }],
      rules: [{ host: "web.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } }] } }],
    });
    const preview = ingressSpec(s, "preview") as any;
    expect(preview.rules[0].host).toBe("web-preview.example.com");
    expect(preview.rules[0].http.paths[0].backend.service.name).toBe("web-preview");
  });
  it("is absent without ingress, and the preview one without previewHost", () => {
    expect(ingressSpec(resolved("staging"), "active")).toBeUndefined();
    const s = withIngress({ host: "web.example.com" });
    expect(ingressSpec(s, "active")).toBeDefined();
    expect(ingressSpec(s, "preview")).toBeUndefined();
    expect((ingressSpec(s, "active") as any).ingressClassName).toBeUndefined();
    expect((ingressSpec(s, "active") as any).tls).toBeUndefined();
  });
});

describe("networkPolicySpec", () => {
  it("admits the ingress controller to http and monitoring to metrics, nothing else", () => {
    const spec = networkPolicySpec(resolved("staging", (x) => (x.metricsPort = 9090)), sources) as any;
    expect(spec.podSelector).toEqual({ matchLabels: { [APP_LABELS.name]: "web" } });
    expect(spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }], ports: [{ protocol: "TCP", port: 8080 }] },
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 9090 }] },
    ]);
    expect(spec.egress).toEqual([]);
  });
  it("allows declared egress to CIDRs and namespaces on their ports", () => {
    const s = resolved("staging", (x) => (x.egress = [{ cidr: "10.20.0.0/16", ports: [5432, 6379] }, { namespace: "payments", ports: [8443] }]));
    expect((networkPolicySpec(s, sources) as any).egress).toEqual([
      { to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 5432 }, { protocol: "TCP", port: 6379 }] },
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "payments" } } }], ports: [{ protocol: "TCP", port: 8443 }] },
    ]);
  });
});
