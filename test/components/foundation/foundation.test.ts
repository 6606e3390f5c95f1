import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ENVIRONMENTS, type Environment } from "../../../lib/environment";
import { baseValues, edited, load } from "../../stacks/fixtures";
import { captureRegistrations, type Captured } from "../../support/mocks";

const { captured } = captureRegistrations();

/** Creates a Foundation and waits until every child has registered. */
async function foundation(name: string, env: Environment, values = baseValues(env)): Promise<Captured[]> {
  const { Foundation } = await import("../../../components/foundation");
  const config = load(values);
  const f = new Foundation(name, { environment: env, namespaces: config.namespaces });
  await new Promise((resolve) => pulumi.all(Object.values(f.namespaces).map((n) => n.urn)).apply(resolve));
  // Children of the namespaces register once the namespace names resolve; wait until quiet.
  let last = -1;
  while (last !== captured.length) {
    last = captured.length;
    await new Promise((r) => setTimeout(r, 20));
  }
  return captured.filter((c) => c.name.startsWith(`${name}-`));
}

const of = (list: Captured[], type: string) => list.filter((c) => c.type === type);

describe.each(ENVIRONMENTS)("Foundation in %s", (env) => {
  const level = env === "dev" ? "baseline" : "restricted";
  let children: Captured[];
  beforeAll(async () => {
    children = await foundation(`f-${env}`, env);
  });

  it("creates the apps, monitoring, backup and host-agents namespaces with standard and Pod Security labels", () => {
    const namespaces = of(children, "kubernetes:core/v1:Namespace");
    expect(namespaces.map((n) => n.name)).toEqual([`f-${env}-ns-apps`, `f-${env}-ns-monitoring`, `f-${env}-ns-backup`, `f-${env}-ns-hostAgents`]);
    // Only the host agents' namespace (node-exporter alone) is privileged; monitoring enforces the environment's level.
    const enforce: Record<string, string> = { apps: level, monitoring: level, backup: level, "host-agents": "privileged" };
    const component: Record<string, string> = { apps: "apps", monitoring: "monitoring", backup: "backup", "host-agents": "hostAgents" };
    for (const ns of namespaces) {
      const role = ns.inputs.metadata.name as string;
      expect(ns.inputs.metadata.labels).toEqual({
        "app.kubernetes.io/part-of": "app-platform",
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/component": component[role],
        "app-platform/environment": env,
        "pod-security.kubernetes.io/enforce": enforce[role],
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      });
    }
  });

  it("denies all traffic by default in every namespace, except DNS to kube-dns", () => {
    const policies = of(children, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((p) => p.inputs.metadata.name === "default-deny");
    expect(policies.map((p) => p.inputs.metadata.namespace).sort()).toEqual(["apps", "backup", "host-agents", "monitoring"]);
    for (const p of policies) {
      expect(p.inputs.spec).toEqual({
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
      });
      expect(p.inputs.spec.ingress).toBeUndefined();
    }
  });

  it("bounds the apps namespace with the environment's quota and forbids load balancers and node ports", async () => {
    const { ENVIRONMENT_DEFAULTS } = await import("../../../stacks/schema/defaults");
    const q = ENVIRONMENT_DEFAULTS[env].quota;
    const quotas = of(children, "kubernetes:core/v1:ResourceQuota");
    expect(quotas).toHaveLength(1);
    expect(quotas[0].inputs.metadata).toMatchObject({ name: "workload-quota", namespace: "apps" });
    expect(quotas[0].inputs.spec.hard).toEqual({
      "requests.cpu": q.cpu,
      "requests.memory": q.memory,
      pods: String(q.pods),
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    });
  });

  it("gives containers without resources the environment's defaults in apps and backup", async () => {
    const { ENVIRONMENT_DEFAULTS } = await import("../../../stacks/schema/defaults");
    const d = ENVIRONMENT_DEFAULTS[env].containerDefaults;
    const limits = of(children, "kubernetes:core/v1:LimitRange");
    expect(limits.map((l) => l.inputs.metadata.namespace)).toEqual(["apps", "backup"]);
    for (const l of limits) {
      expect(l.inputs.metadata.name).toBe("container-defaults");
      expect(l.inputs.spec.limits).toEqual([
        { type: "Container", defaultRequest: { cpu: d.cpuRequest, memory: d.memoryRequest }, default: { cpu: d.cpuLimit, memory: d.memoryLimit } },
      ]);
    }
  });
});

describe("Foundation with stated namespaces", () => {
  it("uses the stated names and quota", async () => {
    const children = await foundation(
      "custom",
      "staging",
      edited("staging", (v) => {
        v.namespaces = { apps: "shop", monitoring: "observability", backup: "dr", hostAgents: "nodes", quota: { cpu: "8", memory: "16Gi", pods: 20 } };
      }),
    );
    expect(of(children, "kubernetes:core/v1:Namespace").map((n) => n.inputs.metadata.name)).toEqual(["shop", "observability", "dr", "nodes"]);
    expect(of(children, "kubernetes:core/v1:ResourceQuota")[0].inputs.spec.hard).toMatchObject({ "requests.cpu": "8", "requests.memory": "16Gi", pods: "20" });
    expect(of(children, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => p.inputs.metadata.namespace).sort()).toEqual(["dr", "nodes", "observability", "shop"]);
  });
});

describe("podSecurityLevel and standardLabels", () => {
  it("runs only the host agents privileged (node-exporter needs the host) and the rest, monitoring included, at the environment's level", async () => {
    const { podSecurityLevel } = await import("../../../components/foundation");
    expect(podSecurityLevel("hostAgents", "restricted")).toBe("privileged");
    expect(podSecurityLevel("monitoring", "restricted")).toBe("restricted");
    expect(podSecurityLevel("apps", "restricted")).toBe("restricted");
    expect(podSecurityLevel("backup", "baseline")).toBe("baseline");
  });

  it("adds name and instance only when given", async () => {
    const { standardLabels } = await import("../../../components/foundation");
    expect(standardLabels({ environment: "dev", component: "apps" })).toEqual({
      "app.kubernetes.io/part-of": "app-platform",
      "app.kubernetes.io/managed-by": "pulumi",
      "app.kubernetes.io/component": "apps",
      "app-platform/environment": "dev",
    });
    expect(standardLabels({ environment: "dev", component: "apps", name: "web", instance: "web-blue" })).toMatchObject({
      "app.kubernetes.io/name": "web",
      "app.kubernetes.io/instance": "web-blue",
    });
  });
});
