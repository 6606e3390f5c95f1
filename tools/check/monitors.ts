import type { CheckStage } from "./stage";
import { selectorMatches } from "../../lib/label-selector";

export { selectorMatches } from "../../lib/label-selector";
import { isKubernetesObject, kubernetesObject } from "../render/artifacts";
import type { RenderedResource } from "../render/mock-runtime";

interface Meta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
}
interface Obj {
  kind?: string;
  metadata?: Meta;
  spec?: any;
}
/** What one ServiceMonitor or Probe selects among the rendered objects. */
export interface MonitorTargets {
  readonly kind: "ServiceMonitor" | "Probe";
  readonly name: string;
  readonly namespace: string;
  /** `namespace/name` of every Service selected (with the endpoint's port, for ServiceMonitors). */
  readonly services: readonly string[];
  /** Why nothing matched, when `services` is empty. */
  readonly problem?: string;
}

function servicePorts(svc: Obj): string[] {
  return ((svc.spec?.ports ?? []) as { name?: string; port?: number }[]).flatMap((p) => [p.name ?? "", String(p.port ?? "")]);
}

/**
 * Services that exist in every cluster the stack runs on without being part of the render:
 * the API server's `default/kubernetes` Service (labels `component: apiserver`,
 * `provider: kubernetes`, port `https`), and the kubelet Service that prometheus-operator
 * creates and keeps up to date when it runs with `--kubelet-service=<namespace>/<name>`
 * (labels `app.kubernetes.io/name: kubelet`, `k8s-app: kubelet`; ports `https-metrics`,
 * `http-metrics`, `cadvisor`), read from the rendered operator's arguments.
 */
export function clusterServices(objects: readonly Obj[]): Obj[] {
  const out: Obj[] = [
    {
      kind: "Service",
      metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
      spec: { ports: [{ name: "https", port: 443 }] },
    },
  ];
  for (const o of objects) {
    if (o.kind !== "Deployment") continue;
    for (const c of (o.spec?.template?.spec?.containers ?? []) as { args?: string[] }[]) {
      for (const a of c.args ?? []) {
        const m = /^--kubelet-service=([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(a);
        if (!m) continue;
        out.push({
          kind: "Service",
          metadata: { name: m[2], namespace: m[1], labels: { "app.kubernetes.io/name": "kubelet", "k8s-app": "kubelet" } },
          spec: { ports: [{ name: "https-metrics", port: 10250 }, { name: "http-metrics", port: 10255 }, { name: "cadvisor", port: 4194 }] },
        });
      }
    }
  }
  return out;
}

/**
 * For every ServiceMonitor and Probe of a render, the Services it reaches (including those of
 * {@link clusterServices}): a ServiceMonitor's
 * selector and namespace selector must match a Service that has each endpoint's named port;
 * a Probe's prober URL (`<service>.<namespace>.svc:<port>`) must name a Service with that port.
 */
export function monitorTargets(resources: readonly RenderedResource[]): MonitorTargets[] {
  const objects = resources.filter(isKubernetesObject).map((r) => kubernetesObject(r) as Obj);
  const services = [...objects.filter((o) => o.kind === "Service"), ...clusterServices(objects)];
  const out: MonitorTargets[] = [];
  for (const m of objects.filter((o) => o.kind === "ServiceMonitor")) {
    const ns = m.metadata?.namespace ?? "";
    const nsSel = m.spec?.namespaceSelector ?? {};
    const inNamespace = (svcNs: string) => (nsSel.any ? true : Array.isArray(nsSel.matchNames) ? nsSel.matchNames.includes(svcNs) : svcNs === ns);
    const ports: string[] = (m.spec?.endpoints ?? []).map((e: { port?: string }) => e.port ?? "");
    const hits = services.filter(
      (s) => inNamespace(s.metadata?.namespace ?? "") && selectorMatches(m.spec?.selector, s.metadata?.labels) && ports.every((p) => servicePorts(s).includes(p)),
    );
    out.push({
      kind: "ServiceMonitor",
      name: m.metadata?.name ?? "",
      namespace: ns,
      services: hits.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`),
      problem: hits.length ? undefined : `selects no Service with port(s) ${ports.join(", ")} (selector ${JSON.stringify(m.spec?.selector)}, namespaces ${JSON.stringify(nsSel)})`,
    });
  }
  for (const p of objects.filter((o) => o.kind === "Probe")) {
    const url = String(p.spec?.prober?.url ?? "");
    const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?:(\d+)$/.exec(url);
    const hits = m ? services.filter((s) => s.metadata?.name === m[1] && s.metadata?.namespace === m[2] && servicePorts(s).includes(m[3])) : [];
    const targets: string[] = p.spec?.targets?.staticConfig?.static ?? [];
    out.push({
      kind: "Probe",
      name: p.metadata?.name ?? "",
      namespace: p.metadata?.namespace ?? "",
      services: hits.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`),
      problem: targets.length === 0 ? "has no static targets" : hits.length ? undefined : `prober ${url || "(unset)"} is not a Service of this stack with that port`,
    });
  }
  return out;
}

/** `platform check` stage: no ServiceMonitor or Probe points at nothing. */
export const monitorsStage: CheckStage = {
  name: "monitors select targets",
  async run(ctx) {
    const all = monitorTargets(ctx.result.resources);
    const bad = all.filter((t) => t.problem);
    return {
      ok: bad.length === 0,
      summary: `${all.length - bad.length}/${all.length} ServiceMonitors and Probes select a Service`,
      problems: bad.map((t) => `${t.kind} ${t.namespace}/${t.name} ${t.problem}`),
    };
  },
};
