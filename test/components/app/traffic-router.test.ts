// Canary routing and the migration Job: the objects, checked against the Gateway API CRD
// schema and the Kubernetes v1.33 schemas, the ingress-nginx canary annotations as its docs
// name them, and the components' registrations under Pulumi's mocks.
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { beforeAll, describe, expect, it } from "vitest";
import { MigrationJob, TrafficRouter, canaryIngress, colorServiceSpec, colorWeights, httpRoute, migrationJob, migrationJobName } from "../../../components/app";
import { loadCrdModels, validateObject } from "../../../tools/check/kubernetes-schema";
import { resolved } from "./fixtures";

const gatewayApi = { kind: "gatewayApi", gateway: { name: "public", namespace: "gateways", sectionName: "https" } };
const canary = (weight: number, router: unknown = gatewayApi) =>
  resolved("staging", (s) => {
    s.activeColor = "blue";
    s.image.green = "ghcr.io/org/web:1.5.0";
    s.ingress = { host: "web.example.com", className: "nginx" };
    s.strategy = { type: "canary", router };
    s.promotion = { canaryWeight: weight };
  });

beforeAll(() => loadCrdModels());

describe("weights", () => {
  it("give the idle colour the step's weight and the active colour the rest", () => {
    expect(colorWeights(canary(10))).toEqual({ blue: 90, green: 10 });
    expect(colorWeights(canary(100))).toEqual({ blue: 0, green: 100 });
    expect(colorWeights(canary(0))).toEqual({ blue: 100, green: 0 });
  });
  it("send everything to the active colour of a blue-green service", () => {
    expect(colorWeights(resolved("staging", (s) => (s.activeColor = "green")))).toEqual({ blue: 0, green: 100 });
  });
});

describe("HTTPRoute", () => {
  const route = httpRoute(canary(10), "apps");
  it("is valid against the Gateway API v1 CRD schema", () => {
    expect(validateObject(route)).toEqual([]);
  });
  it("attaches to the named Gateway's listener and matches the service's host", () => {
    expect((route.spec as any).parentRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "public", namespace: "gateways", sectionName: "https" }]);
    expect((route.spec as any).hostnames).toEqual(["web.example.com"]);
  });
  it("weighs the two colour Services: 90 to blue (active), 10 to green (new)", () => {
    expect((route.spec as any).rules[0].backendRefs).toEqual([
      { group: "", kind: "Service", name: "web-blue", port: 80, weight: 90 },
      { group: "", kind: "Service", name: "web-green", port: 80, weight: 10 },
    ]);
  });
  it("is refused by the schema with a negative weight (the check would catch a broken builder)", () => {
    const bad = structuredClone(route) as any;
    bad.spec.rules[0].backendRefs[1].weight = -1;
    expect(validateObject(bad).join("\n")).toContain("/spec/rules/0/backendRefs/1/weight must be >= 0");
  });
});

describe("ingress-nginx canary Ingress", () => {
  const ing = canaryIngress(canary(50, { kind: "ingressNginx" }), "apps");
  it("carries canary \"true\" and canary-weight as a string, per ingress-nginx's annotations", () => {
    expect((ing.metadata as any).annotations).toEqual({ "nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-weight": "50" });
  });
  it("serves the service's host from the idle colour's Service, and is a valid Ingress", () => {
    expect((ing.spec as any).rules[0].host).toBe("web.example.com");
    expect((ing.spec as any).rules[0].http.paths[0].backend.service.name).toBe("web-green");
    expect(validateObject(ing)).toEqual([]);
  });
  it("colour Services select one colour and are valid", () => {
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "web-green" }, spec: colorServiceSpec(canary(0), "green") };
    expect((svc.spec as any).selector).toEqual({ "app.kubernetes.io/name": "web", "app-platform/color": "green" });
    expect(validateObject(svc)).toEqual([]);
  });
});

describe("migration Job", () => {
  const s = resolved("staging", (x) => {
    x.migration = { name: "schema", command: ["./migrate", "up"], timeoutSeconds: 300 };
    x.settings = { LOG_LEVEL: "info" };
    x.secretSettings = { DATABASE_URL: { secretName: "web-db", key: "url" } };
  });
  const job = migrationJob(s, "ghcr.io/org/web:1.5.0", "apps", "staging");
  it("is a valid batch/v1 Job that never retries and stops at the timeout", () => {
    expect(validateObject(job)).toEqual([]);
    expect((job.spec as any).backoffLimit).toBe(0);
    expect((job.spec as any).activeDeadlineSeconds).toBe(300);
    expect((job.spec as any).template.spec.restartPolicy).toBe("Never");
  });
  it("runs the command with the service's settings and secret references, as non-root", () => {
    const c = (job.spec as any).template.spec.containers[0];
    expect(c.command).toEqual(["./migrate", "up"]);
    expect(c.envFrom).toEqual([{ configMapRef: { name: "web-settings" } }]);
    expect(c.env).toEqual([{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "web-db", key: "url" } } }]);
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect((job.spec as any).template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
  });
  it("is named after what it migrates, and a new release gets a new Job", () => {
    const a = migrationJobName("web", "schema", "ghcr.io/org/web:1.5.0", ["./migrate", "up"]);
    expect(a).toMatch(/^web-schema-[0-9a-f]{8}$/);
    expect(migrationJobName("web", "schema", "ghcr.io/org/web:1.5.0", ["./migrate", "up"])).toBe(a);
    expect(migrationJobName("web", "schema", "ghcr.io/org/web:1.6.0", ["./migrate", "up"])).not.toBe(a);
    // The longest names config allows (40 + 12) still fit a Kubernetes name (63).
    expect(migrationJobName("a".repeat(40), "b".repeat(12), "x:1", ["m"]).length).toBeLessThanOrEqual(63);
  });
});

describe("under Pulumi's mocks", () => {
  const regs: { type: string; name: string; inputs: any }[] = [];
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          regs.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "app-platform",
      "test",
    );
    new TrafficRouter("route", { environment: "staging", service: canary(10), namespace: "apps" });
    new TrafficRouter("nginx", { environment: "staging", service: canary(50, { kind: "ingressNginx" }), namespace: "apps" });
    const m = resolved("staging", (x) => (x.migration = { name: "schema", command: ["./migrate"] }));
    new MigrationJob("mig", { environment: "staging", service: m, namespace: "apps", newColorImage: pulumi.output("ghcr.io/org/web:1.5.0") });
    await settings.disconnect();
  });
  const find = (type: string, name: string) => regs.find((r) => r.type === type && r.name === name);

  it("registers a Service per colour and the HTTPRoute with the step's weights", () => {
    expect(find("kubernetes:core/v1:Service", "route-service-blue")?.inputs.metadata.name).toBe("web-blue");
    expect(find("kubernetes:core/v1:Service", "route-service-green")?.inputs.metadata.name).toBe("web-green");
    const r = find("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "route-httproute");
    expect(r?.inputs.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([["web-blue", 90], ["web-green", 10]]);
  });
  it("registers the canary Ingress for ingress-nginx", () => {
    expect(find("kubernetes:networking.k8s.io/v1:Ingress", "nginx-canary-ingress")?.inputs.metadata.annotations["nginx.ingress.kubernetes.io/canary-weight"]).toBe("50");
  });
  it("registers the migration Job with the new colour's image", () => {
    const j = find("kubernetes:batch/v1:Job", "mig-job");
    expect(j?.inputs.spec.template.spec.containers[0].image).toBe("ghcr.io/org/web:1.5.0");
    expect(j?.inputs.metadata.name).toBe(migrationJobName("web", "schema", "ghcr.io/org/web:1.5.0", ["./migrate"]));
  });
});
