// Every workload that a stack renders (ours and the kube-prometheus-stack chart's, rendered with
// Helm) is admitted by the Pod Security level its namespace enforces. The rules are the
// Kubernetes Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards/,
// "Baseline" and "Restricted" policies), written out here from that page.
import { beforeAll, describe, expect, it } from "vitest";
import { renderInChild } from "../../tools/render/subprocess";
import type { RenderResult } from "../../tools/render/mock-runtime";
import { PRIORITY_CLASSES } from "../../components/foundation/priority";
import { priorityClass } from "../../policy/policies/priority-class";

const BASELINE_CAPS = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];
const RESTRICTED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

/** Reasons a pod spec breaks the level (empty when admitted). */
export function podSecurityProblems(pod: any, level: string): string[] {
  if (level === "privileged") return [];
  const out: string[] = [];
  const containers: any[] = [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];
  for (const k of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[k]) out.push(`${k}`);
  for (const v of pod.volumes ?? []) if (v.hostPath) out.push(`hostPath volume ${v.name}`);
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`${c.name}: privileged`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPS.includes(cap)) out.push(`${c.name}: adds ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${c.name}: hostPort ${p.hostPort}`);
    if (sc.seccompProfile?.type === "Unconfined") out.push(`${c.name}: seccomp Unconfined`);
    if (sc.procMount && sc.procMount !== "Default") out.push(`${c.name}: procMount`);
  }
  if (pod.securityContext?.seccompProfile?.type === "Unconfined") out.push("pod seccomp Unconfined");
  if (level === "baseline") return out;
  for (const v of pod.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== "name");
    if (type && !RESTRICTED_VOLUMES.includes(type)) out.push(`volume ${v.name} of type ${type}`);
  }
  const podSc = pod.securityContext ?? {};
  if (podSc.runAsUser === 0) out.push("pod runAsUser 0");
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation not false`);
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) out.push(`${c.name}: runAsNonRoot not true`);
    if (sc.runAsUser === 0) out.push(`${c.name}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(`${c.name}: seccompProfile ${seccomp ?? "unset"}`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) out.push(`${c.name}: does not drop ALL capabilities`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== "NET_BIND_SERVICE") out.push(`${c.name}: adds ${cap}`);
  }
  return out;
}

function podOf(obj: any): any {
  switch (obj.kind) {
    case "Pod":
      return obj.spec;
    case "CronJob":
      return obj.spec?.jobTemplate?.spec?.template?.spec;
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return obj.spec?.template?.spec;
    default:
      return undefined;
  }
}

const STACKS = ["dev", "staging", "production"] as const;
const renders = {} as Record<string, RenderResult>;
beforeAll(async () => {
  for (const stack of STACKS) {
    const r = await renderInChild({ stack });
    if (!r.ok) throw new Error(r.stderr);
    renders[stack] = r.result;
  }
}, 240_000);

describe("the checker", () => {
  it("admits a restricted pod, refuses host access under baseline and a missing drop under restricted", () => {
    const ok = { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: [{ name: "a", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }] };
    expect(podSecurityProblems(ok, "restricted")).toEqual([]);
    expect(podSecurityProblems({ ...ok, hostNetwork: true }, "baseline")).toEqual(["hostNetwork"]);
    expect(podSecurityProblems({ ...ok, containers: [{ name: "a", securityContext: { allowPrivilegeEscalation: false } }] }, "restricted")).toEqual(["a: does not drop ALL capabilities"]);
  });
});

describe.each(STACKS)("%s", (stack) => {
  it("every workload, the chart's included, meets the Pod Security level its namespace enforces; only host-agents is privileged", () => {
    const objects = renders[stack].resources.filter((r) => r.custom && typeof r.inputs.kind === "string").map((r) => r.inputs as any);
    const levels = new Map<string, string>(objects.filter((o) => o.kind === "Namespace").map((o) => [o.metadata.name, o.metadata.labels["pod-security.kubernetes.io/enforce"]]));
    expect(Object.fromEntries(levels)).toEqual({
      apps: stack === "dev" ? "baseline" : "restricted",
      monitoring: stack === "dev" ? "baseline" : "restricted",
      backup: stack === "dev" ? "baseline" : "restricted",
      "host-agents": "privileged",
    });
    const problems: string[] = [];
    const placed: string[] = [];
    for (const o of objects) {
      const pod = podOf(o);
      if (!pod) continue;
      const ns = o.metadata.namespace;
      placed.push(`${o.kind}/${ns}/${o.metadata.name}`);
      const level = levels.get(ns);
      if (level === undefined) continue; // kube-system etc.: not ours to label
      for (const p of podSecurityProblems(pod, level)) problems.push(`${o.kind}/${ns}/${o.metadata.name} (${level}): ${p}`);
    }
    expect(problems).toEqual([]);
    // node-exporter (the chart's) is the host agent, and the only workload in host-agents.
    expect(placed.filter((p) => p.includes("/host-agents/"))).toEqual(["DaemonSet/host-agents/kube-prometheus-stack-prometheus-node-exporter"]);
    expect(placed.filter((p) => p.startsWith("Deployment/monitoring/")).length).toBeGreaterThan(2);
  });
});

describe.each(STACKS)("%s priority classes", (stack) => {
  it("creates both PriorityClasses, below Kubernetes' system classes (2000000000), platform above apps", () => {
    const pcs = renders[stack].resources.filter((r) => r.inputs.kind === "PriorityClass").map((r) => r.inputs as any);
    expect(pcs.map((p) => [p.metadata.name, p.value, p.globalDefault]).sort()).toEqual([
      ["app-platform-apps", 100000, false],
      ["app-platform-critical", 1000000, false],
    ]);
  });

  it("every workload, the chart's included, and the Prometheus and Alertmanager the operator runs, names a PriorityClass the render creates: apps tier in apps, platform tier elsewhere", () => {
    const objects = renders[stack].resources.filter((r) => r.custom && typeof r.inputs.kind === "string").map((r) => r.inputs as any);
    const created = new Set(objects.filter((o) => o.kind === "PriorityClass").map((o) => o.metadata.name));
    const wrong: string[] = [];
    let seen = 0;
    for (const o of objects) {
      const pod = podOf(o) ?? (["Prometheus", "Alertmanager"].includes(o.kind) ? o.spec : undefined);
      if (!pod) continue;
      seen++;
      const want = o.metadata.namespace === "apps" && !/^(postgres|redis)$/.test(o.metadata.name) ? PRIORITY_CLASSES.apps.name : PRIORITY_CLASSES.platform.name;
      if (pod.priorityClassName !== want || !created.has(pod.priorityClassName)) wrong.push(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}: ${pod.priorityClassName}`);
    }
    expect(wrong).toEqual([]);
    expect(seen).toBeGreaterThan(8);
  });

  it("the policy's default classes are the ones the foundation creates", () => {
    const schema = (priorityClass() as any).configSchema.properties.classes.default;
    expect(schema).toEqual([PRIORITY_CLASSES.platform.name, PRIORITY_CLASSES.apps.name]);
  });
});
