// Components used on their own, as a library user would: constructed under the mock runtime
// with only their required arguments (no stack config, no stacks/ code), so every optional
// argument takes its documented @default. What they register must be valid Kubernetes (the
// v1.33 schemas `platform check` validates with), and the documented defaults must show in
// the objects. Expected values are the @default texts and Kubernetes' own conventions, written
// here by hand.
import { beforeAll, describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../components/app/service-spec";
import { BlueGreenService, MigrationJob } from "../../components/app";
import { Foundation } from "../../components/foundation";
import { GeneratedSecret } from "../../components/secrets";
import { validateObject } from "../../tools/check/kubernetes-schema";
import { isKubernetesObject, kubernetesObject } from "../../tools/render/artifacts";
import { renderProgram, type RenderedResource } from "../../tools/render/mock-runtime";

/** A service with every field set, as a user of BlueGreenService writes it (no resolver). */
const SERVICE: ServiceConfig = {
  name: "web",
  activeColor: "blue",
  image: { blue: "ghcr.io/org/web:1.4.2", green: "ghcr.io/org/web:1.5.0" },
  port: 8080,
  metricsPort: 9090,
  metricsPath: "/metrics",
  replicas: { min: 2, max: 5 },
  idleReplicas: 1,
  zoneSpread: "ScheduleAnyway",
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
  autoscaling: {
    cpuUtilization: 70,
    scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 2, periodSeconds: 60 }] },
    scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] },
  },
  probes: {
    startup: { path: "/healthz", port: 8080, periodSeconds: 2, failureThreshold: 30 },
    readiness: { path: "/readyz", port: 8080, periodSeconds: 5, failureThreshold: 3 },
    liveness: { path: "/healthz", port: 8080, periodSeconds: 10, failureThreshold: 3 },
  },
  histogramBuckets: [0.1, 0.5, 1],
  slo: { availability: 0.999, latency: { thresholdSeconds: 0.5, objective: 0.99 } },
  settings: { LOG_LEVEL: "info" },
  secretSettings: {},
  egress: [],
  promotion: { prescale: false, prescaleReplicas: 2, canaryWeight: 0, migrate: true },
  shutdown: { preStopSeconds: 5, terminationGracePeriodSeconds: 35 },
  runAsUser: 10001,
  automountServiceAccountToken: false,
  strategy: { type: "blueGreen", steps: [100], dwellSeconds: 0, scaleDownDelaySeconds: 0, analysis: {} },
  migration: { name: "schema", command: ["./migrate", "up"], timeoutSeconds: 600 },
};

let resources: RenderedResource[] = [];
/** A registration's inputs, untyped (the Kubernetes SDK's input types are deep Output unions). */
const k = (r: RenderedResource): any => r.inputs;
const byType = (type: string) => resources.filter((r) => r.type === type);
const one = (type: string, name: string) => {
  const r = resources.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} ${name}; registered: ${resources.map((x) => `${x.type} ${x.name}`).join(", ")}`);
  return r;
};

beforeAll(async () => {
  // The stack file only gives the runtime a project and stack name: none of these components reads config.
  const result = await renderProgram({
    stack: "dev",
    program: () => {
      new Foundation("fnd", {
        environment: "staging",
        namespaces: {
          apps: "shop",
          monitoring: "observability",
          backup: "backups",
          hostAgents: "agents",
          ingressController: "ingress",
          podSecurity: "restricted",
          quota: { cpu: "8", memory: "16Gi", pods: 50 },
          containerDefaults: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "1", memoryLimit: "512Mi" },
        },
      });
      new BlueGreenService("web", { environment: "staging", service: SERVICE, namespace: "shop" });
      new MigrationJob("web-migration", { environment: "staging", service: SERVICE, namespace: "shop", newColorImage: "ghcr.io/org/web:1.5.0" });
      new GeneratedSecret("token", { environment: "staging", component: "app", description: "API token", rotation: "initial", secretName: "api-token" });
    },
  });
  resources = result.resources;
}, 120_000);

describe("components on their own, with only their required arguments", () => {
  it("register valid Kubernetes objects (v1.33 schemas, as platform check validates them)", () => {
    const objects = resources.filter(isKubernetesObject);
    // Namespaces, quotas and policies of the foundation; the service's Deployments, Services, HPAs,
    // PDBs, NetworkPolicy, ServiceAccount and ConfigMap; the migration Job.
    expect(objects.length).toBeGreaterThan(15);
    const invalid = objects.flatMap((r) => validateObject(kubernetesObject(r)).map((e) => `${r.type} ${r.name}: ${e}`));
    expect(invalid).toEqual([]);
    expect(new Set(objects.map((r) => k(r).kind))).toEqual(
      new Set([
        "Namespace",
        "ResourceQuota",
        "LimitRange",
        "NetworkPolicy",
        "PriorityClass",
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "ServiceAccount",
        "ConfigMap",
        "Job",
      ]),
    );
  });

  it('BlueGreenService: ingressControllerNamespace and monitoringNamespace default to "ingress-nginx" and "monitoring"', () => {
    const policy = byType("kubernetes:networking.k8s.io/v1:NetworkPolicy").find((r) => k(r).metadata.namespace === "shop" && r.parent?.endsWith("::web"));
    expect(policy, "the service's NetworkPolicy").toBeDefined();
    // Kubernetes labels every Namespace with kubernetes.io/metadata.name = its name (since 1.21).
    expect(k(policy!).spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }], ports: [{ protocol: "TCP", port: 8080 }] },
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 9090 }] },
    ]);
  });

  it("BlueGreenService: imageRegistry defaults to none, so nothing is built and each colour runs its given image", () => {
    expect(resources.filter((r) => r.type.startsWith("docker:"))).toEqual([]);
    const deployments = byType("kubernetes:apps/v1:Deployment").filter((r) => k(r).metadata.namespace === "shop");
    expect(Object.fromEntries(deployments.map((d) => [k(d).metadata.name, k(d).spec.template.spec.containers[0].image]))).toEqual({
      "web-blue": "ghcr.io/org/web:1.4.2",
      "web-green": "ghcr.io/org/web:1.5.0",
    });
  });

  it("MigrationJob: after defaults to none and migration.image to the new colour's image", () => {
    const job = byType("kubernetes:batch/v1:Job")[0];
    expect(job.parent?.endsWith("::web-migration")).toBe(true);
    expect(job.dependsOn).toEqual([]);
    expect(k(job).spec.template.spec.containers[0].image).toBe("ghcr.io/org/web:1.5.0");
    expect(k(job).spec.template.spec.containers[0].command).toEqual(["./migrate", "up"]);
  });

  it("GeneratedSecret: length 32, special false, no Kubernetes Secret (namespaces [] by default)", () => {
    const password = one("random:index/randomPassword:RandomPassword", "token-password");
    expect(password.inputs).toMatchObject({ length: 32, special: false });
    expect(resources.filter((r) => r.type === "kubernetes:core/v1:Secret" && r.parent?.includes("::token"))).toEqual([]);
  });

  it("they register no platform component besides themselves (no stacks/ code runs)", () => {
    const components = resources.filter((r) => !r.custom && r.type.startsWith("app-platform:")).map((r) => `${r.type} ${r.name}`);
    expect(components.sort()).toEqual([
      "app-platform:app:BlueGreenService web",
      "app-platform:app:MigrationJob web-migration",
      "app-platform:foundation:Foundation fnd",
      "app-platform:secrets:GeneratedSecret token",
    ]);
  });
});
