// TLS and rate limiting at the ingress. Expectations from outside the code: ingress-nginx's
// documented annotations (ssl-redirect / force-ssl-redirect, limit-rps with
// limit-burst-multiplier = burst / rps, default multiplier 5) and cert-manager's ingress-shim
// (the cert-manager.io/cluster-issuer annotation issues each spec.tls secretName).
import { describe, expect, it } from "vitest";
import { edited, problemsOf, load } from "./fixtures";
import { ingressAnnotations, ingressSpec } from "../../components/app/network";
import { canaryIngress } from "../../components/app/traffic-router";
import { renderInChild } from "../../tools/render/subprocess";
import { runPolicyPack } from "../../tools/policy";
import { ingressTls } from "../../policy/policies/ingress-tls";

const P = "app-platform:";
const ingress = (i: Record<string, unknown>) => (x: any) => (x.services[0].ingress = { host: "web.example.com", previewHost: "web-preview.example.com", ...i });

describe("config rules", () => {
  it.each(["staging", "production"] as const)("%s: refuses an ingress without TLS", (env) => {
    expect(problemsOf(edited(env, ingress({ className: "nginx" })))).toEqual([
      `${P}services[0].ingress ({"host":"web.example.com"}) must serve its hosts over TLS in ${env}: set ingress.clusterIssuer to a cert-manager ClusterIssuer (e.g. "letsencrypt-prod"), or ingress.tlsSecretName to an existing kubernetes.io/tls Secret covering host and previewHost`,
    ]);
  });

  it("dev may serve plain HTTP (a laptop cluster has no certificates)", () => {
    expect(problemsOf(edited("dev", ingress({ className: "nginx" })))).toEqual([]);
  });

  it("refuses both certificate sources, a rate limit without ingress-nginx, and a burst that is not a multiple of the rate", () => {
    expect(problemsOf(edited("staging", ingress({ clusterIssuer: "letsencrypt", tlsSecretName: "web-tls" })))).toEqual([
      `${P}services[0].ingress.clusterIssuer ("letsencrypt") conflicts with ingress.tlsSecretName ("web-tls"): the certificate comes either from cert-manager or from your Secret; remove one`,
    ]);
    expect(problemsOf(edited("staging", ingress({ className: "traefik", clusterIssuer: "le", rateLimit: { requestsPerSecond: 10 } })))).toEqual([
      `${P}services[0].ingress.rateLimit ({"requestsPerSecond":10}) needs ingress.className "nginx": the limit is set with ingress-nginx annotations, which other controllers ignore`,
    ]);
    expect(problemsOf(edited("staging", ingress({ className: "nginx", clusterIssuer: "le", rateLimit: { requestsPerSecond: 10, burst: 25 } })))).toEqual([
      `${P}services[0].ingress.rateLimit.burst (25) must be a whole multiple of rateLimit.requestsPerSecond (10), e.g. 50: ingress-nginx sets the burst as a multiplier of the rate`,
    ]);
  });
});

describe("the Ingresses", () => {
  const svc = (i: Record<string, unknown>) => load(edited("production", ingress(i))).services[0];

  it("cert-manager: each host gets its own Secret, issued from the ClusterIssuer; HTTP redirects to HTTPS; rate limit as ingress-nginx reads it", () => {
    const s = svc({ className: "nginx", clusterIssuer: "letsencrypt-prod", rateLimit: { requestsPerSecond: 20, burst: 60 } });
    expect((ingressSpec(s, "active") as any).tls).toEqual([{ hosts: ["web.example.com"], secretName: "web-tls" }]);
    expect((ingressSpec(s, "preview") as any).tls).toEqual([{ hosts: ["web-preview.example.com"], secretName: "web-preview-tls" }]);
    expect(ingressAnnotations(s, "active")).toEqual({
      "cert-manager.io/cluster-issuer": "letsencrypt-prod",
      "nginx.ingress.kubernetes.io/ssl-redirect": "true",
      "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
      "nginx.ingress.kubernetes.io/limit-rps": "20",
      "nginx.ingress.kubernetes.io/limit-burst-multiplier": "3",
    });
  });

  it("an existing Secret: no issuer annotation; the burst defaults to ingress-nginx's 5 x rate", () => {
    const s = svc({ className: "nginx", tlsSecretName: "wildcard-tls", rateLimit: { requestsPerSecond: 7 } });
    expect((ingressSpec(s, "preview") as any).tls).toEqual([{ hosts: ["web-preview.example.com"], secretName: "wildcard-tls" }]);
    expect(ingressAnnotations(s, "active")).toEqual({
      "nginx.ingress.kubernetes.io/ssl-redirect": "true",
      "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
      "nginx.ingress.kubernetes.io/limit-rps": "7",
      "nginx.ingress.kubernetes.io/limit-burst-multiplier": "5",
    });
  });

  it("the ingress-nginx canary Ingress carries the host's TLS but not a second issuer annotation", () => {
    const s = load(
      edited("production", (x) => {
        ingress({ className: "nginx", clusterIssuer: "letsencrypt-prod" })(x);
        x.services[0].strategy = { type: "canary", steps: [10, 100], router: { kind: "ingressNginx" } };
      }),
    ).services[0];
    const c = canaryIngress(s, "apps") as any;
    expect(c.spec.tls).toEqual([{ hosts: ["web.example.com"], secretName: "web-tls" }]);
    expect(c.metadata.annotations["cert-manager.io/cluster-issuer"]).toBeUndefined();
    expect(c.metadata.annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"]).toBe("true");
  });
});

describe.each(["staging", "production"])("%s render", (stack) => {
  it("every Ingress serves its hosts over TLS and redirects HTTP; the ingress-tls policy finds nothing", async () => {
    const r = await renderInChild({ stack });
    if (!r.ok) throw new Error(r.stderr);
    const ingresses = r.result.resources.filter((x) => x.type === "kubernetes:networking.k8s.io/v1:Ingress");
    expect(ingresses.length).toBeGreaterThan(0);
    for (const i of ingresses) {
      const inputs = i.inputs as any;
      expect(inputs.spec.tls?.length, i.name).toBeGreaterThan(0);
      expect(inputs.metadata.annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"], i.name).toBe("true");
    }
    const report = await runPolicyPack({ resources: r.result.resources, policies: [ingressTls()] });
    expect(report.violations).toEqual([]);
  }, 120_000);
});
