import { describe, expect, it } from "vitest";
import { routeAlert, type Route } from "../../policy/lib/alertmanager";
import { hasDigest, isVersionTag, parseImage, registryMatches } from "../../policy/lib/images";
import { selects } from "../../policy/lib/policy";
import { allowedDisruptions } from "../../policy/policies/hpa-workload-has-pdb";
import { isDefaultDeny } from "../../policy/policies/namespace-default-deny";
import { probeHandler } from "../../policy/policies/readiness-differs-from-liveness";

describe("image references", () => {
  it.each([
    ["nginx", { registry: "docker.io", repository: "nginx", tag: undefined, digest: undefined }],
    ["bitnami/redis:7.4", { registry: "docker.io", repository: "bitnami/redis", tag: "7.4", digest: undefined }],
    ["localhost:5001/tools:pg15", { registry: "localhost:5001", repository: "tools", tag: "pg15", digest: undefined }],
    ["ghcr.io/org/app@sha256:" + "a".repeat(64), { registry: "ghcr.io", repository: "org/app", tag: undefined, digest: "sha256:" + "a".repeat(64) }],
  ])("parses %s", (ref, expected) => expect(parseImage(ref)).toEqual(expected));

  it("recognises pins", () => {
    expect(["1.4", "1.4.2", "v2.3.0-rc.1"].map(isVersionTag)).toEqual([true, true, true]);
    expect(["latest", "stable", "main", undefined].map(isVersionTag)).toEqual([false, false, false, false]);
    expect(hasDigest(parseImage("a/b@sha256:" + "0".repeat(64)))).toBe(true);
    expect(hasDigest(parseImage("a/b@sha256:abc"))).toBe(false);
  });

  it("matches registry patterns by DNS label", () => {
    expect(registryMatches("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "*.dkr.ecr.*.amazonaws.com")).toBe(true);
    expect(registryMatches("evil.com.dkr.ecr.eu-west-1.amazonaws.com", "*.dkr.ecr.*.amazonaws.com")).toBe(false);
    expect(registryMatches("ghcr.io.evil.com", "ghcr.io")).toBe(false);
  });
});

describe("label selectors", () => {
  const labels = { app: "web", tier: "front" };
  it("applies matchLabels and every matchExpressions operator", () => {
    expect(selects({}, labels)).toBe(true);
    expect(selects({ matchLabels: { app: "web" } }, labels)).toBe(true);
    expect(selects({ matchLabels: { app: "api" } }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels)).toBe(true);
  });
});

describe("PodDisruptionBudget arithmetic", () => {
  it.each([
    [{ maxUnavailable: 1 }, 2, 1],
    [{ maxUnavailable: 0 }, 5, 0],
    [{ maxUnavailable: "25%" }, 2, 1],
    [{ minAvailable: 1 }, 2, 1],
    [{ minAvailable: 2 }, 2, 0],
    [{ minAvailable: "50%" }, 3, 1],
    [{ minAvailable: "100%" }, 3, 0],
    [{}, 3, 0],
  ])("%j at %i replicas allows %i evictions", (spec, replicas, allowed) => expect(allowedDisruptions(spec, replicas)).toBe(allowed));
});

describe("default-deny detection", () => {
  const base = { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{ ports: [{ port: 53, protocol: "UDP" }] }] };
  it("accepts deny-all with DNS egress and rejects anything wider", () => {
    expect(isDefaultDeny(base)).toBe(true);
    expect(isDefaultDeny({ ...base, egress: [] })).toBe(true);
    expect(isDefaultDeny({ ...base, podSelector: { matchLabels: { app: "x" } } })).toBe(false);
    expect(isDefaultDeny({ ...base, policyTypes: ["Ingress"] })).toBe(false);
    expect(isDefaultDeny({ ...base, egress: [{}] })).toBe(false);
    expect(isDefaultDeny({ ...base, egress: [{ ports: [{ port: 443 }] }] })).toBe(false);
  });
});

describe("probe handlers", () => {
  it("compare what is asked, not the timing", () => {
    expect(probeHandler({ httpGet: { path: "/healthz", port: 8080 } })).toBe("http 8080 /healthz");
    expect(probeHandler({ tcpSocket: { port: 6379 } })).toBe("tcp 6379");
    expect(probeHandler({ exec: { command: ["pg_isready"] } })).toBe('exec ["pg_isready"]');
  });
});

describe("Alertmanager routing", () => {
  const root: Route = {
    receiver: "default",
    routes: [
      { matchers: ['alertname="Watchdog"'], receiver: "heartbeat" },
      { matchers: ['severity="critical"'], receiver: "pager", continue: true },
      { match_re: { severity: "critical|warning" }, receiver: "chat", routes: [{ matchers: ["team=db"] }] },
    ],
  };
  it("follows first-match, continue and inherited receivers", () => {
    expect(routeAlert(root, { alertname: "Watchdog", severity: "none" })).toEqual(["heartbeat"]);
    expect(routeAlert(root, { alertname: "X", severity: "critical" })).toEqual(["pager", "chat"]);
    expect(routeAlert(root, { alertname: "X", severity: "warning", team: "db" })).toEqual(["chat"]);
    expect(routeAlert(root, { alertname: "X", severity: "info" })).toEqual(["default"]);
  });
});
