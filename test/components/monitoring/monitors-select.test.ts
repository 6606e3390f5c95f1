import { describe, expect, it } from "vitest";
import { monitorTargets, selectorMatches } from "../../../tools/check/monitors";
import type { RenderedResource } from "../../../tools/render/mock-runtime";

const k8s = (kind: string, apiVersion: string, metadata: object, spec: object): RenderedResource => ({
  type: `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`,
  name: `r-${kind}-${(metadata as { name: string }).name}`,
  urn: `urn:${kind}:${(metadata as { name: string }).name}`,
  dependsOn: [],
  custom: true,
  options: {},
  inputs: { apiVersion, kind, metadata, spec },
});
const svc = (name: string, ns: string, labels: Record<string, string>, port = "metrics") => k8s("Service", "v1", { name, namespace: ns, labels }, { ports: [{ name: port, port: 9100 }] });
const sm = (name: string, selector: object, namespaceSelector: object, port = "metrics") =>
  k8s("ServiceMonitor", "monitoring.coreos.com/v1", { name, namespace: "monitoring" }, { selector, namespaceSelector, endpoints: [{ port }] });

describe("selectorMatches", () => {
  it("matchLabels and every expression operator", () => {
    const l = { a: "1", b: "2" };
    expect(selectorMatches({}, l)).toBe(true);
    expect(selectorMatches(undefined, l)).toBe(false);
    expect(selectorMatches({ matchLabels: { a: "1" } }, l)).toBe(true);
    expect(selectorMatches({ matchLabels: { a: "2" } }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "b", operator: "In", values: ["2", "3"] }] }, l)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "b", operator: "NotIn", values: ["2"] }] }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "c", operator: "Exists" }] }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "c", operator: "DoesNotExist" }] }, l)).toBe(true);
  });
});

describe("monitorTargets", () => {
  it("finds the Services a ServiceMonitor reaches and flags one that reaches none", () => {
    const rs = [
      svc("web", "apps", { app: "web", role: "active" }),
      svc("web-preview", "apps", { app: "web", role: "preview" }),
      svc("other", "apps", { app: "other" }, "http"),
      sm("good", { matchLabels: { app: "web" } }, { matchNames: ["apps"] }),
      sm("wrong-namespace", { matchLabels: { app: "web" } }, {}),
      sm("wrong-port", { matchLabels: { app: "other" } }, { matchNames: ["apps"] }),
    ];
    const t = Object.fromEntries(monitorTargets(rs).map((x) => [x.name, x]));
    expect(t.good.services).toEqual(["apps/web", "apps/web-preview"]);
    expect(t.good.problem).toBeUndefined();
    expect(t["wrong-namespace"].services).toEqual([]);
    expect(t["wrong-namespace"].problem).toContain("selects no Service with port(s) metrics");
    expect(t["wrong-port"].problem).toContain("selects no Service");
  });
  it("checks a Probe's prober URL against the stack's Services", () => {
    const probe = (name: string, url: string, targets = ["https://x.example.com"]) =>
      k8s("Probe", "monitoring.coreos.com/v1", { name, namespace: "monitoring" }, { prober: { url }, targets: { staticConfig: { static: targets } } });
    const rs = [
      k8s("Service", "v1", { name: "blackbox-exporter", namespace: "monitoring", labels: {} }, { ports: [{ name: "metrics", port: 9115 }] }),
      probe("ok", "blackbox-exporter.monitoring.svc:9115"),
      probe("bad-port", "blackbox-exporter.monitoring.svc:9999"),
      probe("no-targets", "blackbox-exporter.monitoring.svc:9115", []),
    ];
    const t = Object.fromEntries(monitorTargets(rs).map((x) => [x.name, x]));
    expect(t.ok.problem).toBeUndefined();
    expect(t["bad-port"].problem).toBe("prober blackbox-exporter.monitoring.svc:9999 is not a Service of this stack with that port");
    expect(t["no-targets"].problem).toBe("has no static targets");
  });
});
