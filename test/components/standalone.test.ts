// Components used on their own, as a library user would: constructed under the mock runtime
// with only their required arguments (hand-written, not from a stack file), so every optional
// argument takes its documented @default. What they register must be valid Kubernetes (the
// v1.33 schemas `platform check` validates with), and the documented defaults must show in
// the objects. Arguments a component cannot build from are refused with the component, the
// argument and why (the Exporters case takes its config slice from the staging loader).
// Expected values are the @default texts and Kubernetes' own conventions, written by hand.
import { beforeAll, describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../components/app/service-spec";
import { BlueGreenService, MigrationJob } from "../../components/app";
import { Foundation } from "../../components/foundation";
import { Exporters } from "../../components/exporters";
import { GeneratedSecret } from "../../components/secrets";
import { TrafficRouter } from "../../components/app";
import { validateObject } from "../../tools/check/kubernetes-schema";
import { isKubernetesObject, kubernetesObject } from "../../tools/render/artifacts";
import { renderProgram, type RenderedResource } from "../../tools/render/mock-runtime";
import { edited, load } from "../stacks/fixtures";

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
/** Messages of the components refused for an invariant of their arguments, by instance name. */
const refused: Record<string, string> = {};
const attempt = (name: string, construct: () => void) => {
  try {
    construct();
  } catch (e) {
    refused[name] = (e as Error).message;
  }
};
/** A registration's inputs, untyped (the Kubernetes SDK's input types are deep Output unions). */
const k = (r: RenderedResource): any => r.inputs;
const byType = (type: string) => resources.filter((r) => r.type === type);
const one = (type: string, name: string) => {
  const r = resources.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} ${name}; registered: ${resources.map((x) => `${x.type} ${x.name}`).join(", ")}`);
  return r;
};

beforeAll(async () => {
  // The stack file only gives the runtime a project and stack name: no component here reads Pulumi config.
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
      // Invariants of the arguments: what the component cannot build without.
      const { migration: _m, ...noMigration } = SERVICE;
      attempt("no-migration", () => new MigrationJob("no-migration", { environment: "staging", service: noMigration, namespace: "shop", newColorImage: "x" }));
      attempt("no-router", () => new TrafficRouter("no-router", { environment: "staging", service: SERVICE, namespace: "shop" }));
      // An AWS stack (verify-full against RDS by default, no caBundle) whose exporter is given no image with the RDS roots.
      const staging = load(edited("staging", () => {}));
      const crds = new Foundation("crds-stand-in", { environment: "staging", namespaces: staging.namespaces });
      attempt("no-roots", () => new Exporters("no-roots", { config: staging, crds }));
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

  it("they register no platform component besides the ones constructed here", () => {
    const components = resources.filter((r) => !r.custom && r.type.startsWith("app-platform:")).map((r) => `${r.type} ${r.name}`);
    expect(components.sort()).toEqual([
      "app-platform:app:BlueGreenService web",
      "app-platform:app:MigrationJob no-migration",
      "app-platform:app:MigrationJob web-migration",
      "app-platform:app:TrafficRouter no-router",
      "app-platform:exporters:Exporters no-roots",
      "app-platform:foundation:Foundation crds-stand-in",
      "app-platform:foundation:Foundation fnd",
      "app-platform:secrets:GeneratedSecret token",
    ]);
  });
});

describe("components refuse arguments they cannot build from, naming the component, the argument and why", () => {
  it("MigrationJob without service.migration, TrafficRouter without service.strategy.router", () => {
    expect(refused["no-migration"]).toBe("MigrationJob no-migration: service.migration (unset) is required");
    expect(refused["no-router"]).toBe("TrafficRouter no-router: service.strategy.router (unset) is required");
  });

  it("Exporters on AWS with sslMode verify-full, no caBundle and no image carrying the RDS roots", () => {
    expect(refused["no-roots"]).toBe(
      'Exporters no-roots: postgresRootsImage (unset) is required when config.aws is set, config.postgres.sslMode is "verify-full" and config.postgres.caBundle is unset: the Postgres exporter needs a CA bundle to verify the server; pass the backup tools image or set config.postgres.caBundle',
    );
  });

  it("a refused component registers no child", () => {
    for (const name of ["no-migration", "no-router", "no-roots"])
      expect(resources.filter((r) => r.parent?.endsWith(`::${name}`)).map((r) => r.name)).toEqual([]);
  });
});
