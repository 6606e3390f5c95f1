// The app services of every real stack, rendered by the real program: HPA ownership of replicas,
// PDBs against HPA minimums, the monitoring contract, Kubernetes schemas, and what a colour
// switch changes (a render of each stack against a copy with every activeColor flipped).
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { APP_LABELS, METRICS_PORT_NAME } from "../../components/monitoring/contract";
import { loadCrdModels, validateObject } from "../../tools/check/kubernetes-schema";
import { kubernetesObject } from "../../tools/render/artifacts";
import { REPO_ROOT, type RenderResult, type RenderedResource } from "../../tools/render/mock-runtime";
import { renderInChild, stackFolder } from "../../tools/render/subprocess";

const STACKS = ["dev", "staging", "production"] as const;
type Stack = (typeof STACKS)[number];
const APP_COMPONENT = "app-platform:app:BlueGreenService";

const renders = {} as Record<Stack, { base: RenderResult; flipped: RenderResult; held?: RenderResult; flippedHeld?: RenderResult; stepped?: RenderResult; nginx?: RenderResult }>;

async function render(stack: string, rootDir?: string): Promise<RenderResult> {
  const r = await renderInChild({ stack, rootDir });
  if (!r.ok) throw new Error(`render of ${stack} failed (exit ${r.exitCode}):\n${r.stderr}`);
  return r.result;
}

/**
 * The stack file with every service's activeColor flipped, and/or with the hold `platform
 * promote` writes for a release (`promotion.prescale` at the serving size, replicas.min here):
 * before the switch it holds the target colour, through the warm window after it the old one.
 */
function editedStackFile(stack: Stack, o: { flip: boolean; hold: boolean; canaryWeight?: number; nginx?: boolean }): string {
  const doc = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  for (const s of doc.config["app-platform:services"] as { activeColor: string; replicas: { min: number }; promotion?: unknown; strategy?: { router?: unknown }; ingress?: unknown }[]) {
    // A service with an ingress host made a canary behind an ingress-nginx router.
    if (o.nginx && s.ingress) s.strategy = { type: "canary", steps: [10, 50, 100], router: { kind: "ingressNginx" } } as never;
    if (o.flip) s.activeColor = s.activeColor === "blue" ? "green" : "blue";
    if (o.hold) s.promotion = { prescale: true, prescaleReplicas: s.replicas.min, ...(o.flip ? { warmUntil: "2026-11-30T12:00:00Z" } : {}) };
    // A canary step of `platform promote` (`promotion.canaryWeight`), on the services with a router.
    if (o.canaryWeight !== undefined && s.strategy?.router) s.promotion = { canaryWeight: o.canaryWeight };
  }
  return YAML.stringify(doc);
}

beforeAll(async () => {
  await loadCrdModels();
  await Promise.all(
    STACKS.map(async (stack) => {
      const edited = (o: { flip: boolean; hold: boolean; canaryWeight?: number; nginx?: boolean }) => render(stack, stackFolder(stack, editedStackFile(stack, o)));
      const [base, flipped] = await Promise.all([render(stack), edited({ flip: true, hold: false })]);
      renders[stack] = { base, flipped };
      if (stack !== "dev") {
        const [held, flippedHeld, stepped, nginx] = await Promise.all([
          edited({ flip: false, hold: true }),
          edited({ flip: true, hold: true }),
          edited({ flip: false, hold: false, canaryWeight: 50 }),
          edited({ flip: true, hold: false, nginx: true }),
        ]);
        renders[stack] = { ...renders[stack], held, flippedHeld, stepped, nginx };
      }
    }),
  );
}, 180_000);

/** Resources under a BlueGreenService, at any depth (HPAs and PDBs sit under their Deployment). */
function inApp(r: RenderResult): (x: RenderedResource) => boolean {
  const byUrn = new Map(r.resources.map((x) => [x.urn, x]));
  return (x) => {
    for (let at: RenderedResource | undefined = x; at; at = at.parent ? byUrn.get(at.parent) : undefined) {
      if (at.type === APP_COMPONENT) return true;
    }
    return false;
  };
}
const appResources = (r: RenderResult) => r.resources.filter((x) => x.custom && inApp(r)(x));
const ofKind = (r: RenderResult, kind: string) => appResources(r).filter((x) => x.inputs.kind === kind).map((x) => x.inputs as any);
const byName = (list: any[], name: string) => list.find((o) => o.metadata.name === name);
/** The active and preview Services (a canary router adds a Service per colour, without a role). */
const roleServices = (r: RenderResult) => ofKind(r, "Service").filter((s) => s.metadata.labels[APP_LABELS.role] !== undefined);

describe.each(STACKS)("%s stack", (stack) => {
  it("renders at least one service", () => {
    expect(ofKind(renders[stack].base, "Deployment").length).toBeGreaterThanOrEqual(2);
  });

  it("exports each service's active colour and Service names, following the flip", () => {
    const { base, flipped } = renders[stack];
    const colors = base.outputs.activeColors as Record<string, { active: string; service: string; preview: string }>;
    const flippedColors = flipped.outputs.activeColors as typeof colors;
    expect(Object.keys(colors).length).toBeGreaterThan(0);
    for (const [name, c] of Object.entries(colors)) {
      expect(c.service).toBe(name);
      expect(c.preview).toBe(`${name}-preview`);
      expect(flippedColors[name].active).toBe(c.active === "blue" ? "green" : "blue");
      const active = byName(ofKind(base, "Service"), name);
      expect(active.spec.selector[APP_LABELS.color]).toBe(c.active);
    }
  });

  it("no HPA-managed Deployment sets spec.replicas; every other one is scaled to 0", () => {
    const { base } = renders[stack];
    const hpas = ofKind(base, "HorizontalPodAutoscaler");
    for (const d of ofKind(base, "Deployment")) {
      const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === d.metadata.name && h.metadata.namespace === d.metadata.namespace);
      if (hpa) {
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: d.metadata.name });
        expect(d.spec.replicas, d.metadata.name).toBeUndefined();
      } else {
        expect(d.spec.replicas, d.metadata.name).toBe(0);
      }
    }
    for (const h of hpas) expect(byName(ofKind(base, "Deployment"), h.spec.scaleTargetRef.name), h.metadata.name).toBeDefined();
  });

  it("each PDB agrees with its HPA's minimum: one eviction always allowed, never zero available in production", () => {
    const { base } = renders[stack];
    const pdbs = ofKind(base, "PodDisruptionBudget");
    const hpas = ofKind(base, "HorizontalPodAutoscaler");
    for (const d of ofKind(base, "Deployment")) {
      const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === d.metadata.name);
      const pdb = pdbs.find((p) => JSON.stringify(p.spec.selector.matchLabels) === JSON.stringify(d.spec.selector.matchLabels));
      if (!hpa) {
        expect(pdb, `${d.metadata.name} is scaled to 0 and needs no PDB`).toBeUndefined();
        continue;
      }
      expect(pdb, d.metadata.name).toBeDefined();
      expect(pdb.spec.minAvailable).toBeUndefined();
      expect(pdb.spec.maxUnavailable).toBeGreaterThanOrEqual(1);
      expect(pdb.spec.maxUnavailable).toBeLessThanOrEqual(hpa.spec.minReplicas);
      expect(pdb.spec.unhealthyPodEvictionPolicy).toBe("AlwaysAllow");
      if (stack === "production") expect(hpa.spec.minReplicas - pdb.spec.maxUnavailable, d.metadata.name).toBeGreaterThanOrEqual(1);
    }
    expect(pdbs.length).toBe(hpas.length);
  });

  it("pods and Services follow the monitoring contract", () => {
    const { base } = renders[stack];
    for (const d of ofKind(base, "Deployment")) {
      const labels = d.spec.template.metadata.labels;
      expect(labels[APP_LABELS.name]).toBeTruthy();
      expect(["blue", "green"]).toContain(labels[APP_LABELS.color]);
      expect(d.metadata.name).toBe(`${labels[APP_LABELS.name]}-${labels[APP_LABELS.color]}`);
    }
    const services = roleServices(base);
    for (const s of services) {
      const name = s.metadata.labels[APP_LABELS.name];
      const role = s.metadata.labels[APP_LABELS.role];
      expect(s.metadata.name).toBe(role === "active" ? name : `${name}-preview`);
      const ports = Object.fromEntries(s.spec.ports.map((p: any) => [p.name, p]));
      expect(ports.http).toBeDefined();
      expect(ports[METRICS_PORT_NAME]).toBeDefined();
      expect(s.spec.selector[APP_LABELS.name]).toBe(name);
    }
    const names = new Set(services.map((s) => s.metadata.labels[APP_LABELS.name]));
    for (const n of names) {
      const active = byName(services, n);
      const preview = byName(services, `${n}-preview`);
      expect(active.metadata.labels[APP_LABELS.role]).toBe("active");
      expect(preview.metadata.labels[APP_LABELS.role]).toBe("preview");
      expect(active.spec.selector[APP_LABELS.color]).not.toBe(preview.spec.selector[APP_LABELS.color]);
    }
  });

  it("every app manifest validates against the Kubernetes schemas", () => {
    const { base, flipped } = renders[stack];
    const problems: string[] = [];
    for (const r of [...appResources(base), ...appResources(flipped)]) {
      for (const line of validateObject(kubernetesObject(r))) problems.push(`${r.urn}: ${line}`);
    }
    expect(problems).toEqual([]);
    expect(appResources(base).length).toBeGreaterThan(0);
  });

  it("secure defaults hold in every pod", () => {
    for (const d of ofKind(renders[stack].base, "Deployment")) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(c.resources.requests.cpu).toBeTruthy();
        expect(c.resources.limits.memory).toBeTruthy();
        expect(c.readinessProbe.httpGet).not.toEqual(c.livenessProbe.httpGet);
        for (const e of c.env ?? []) expect(e.value, e.name).toBeUndefined();
      }
    }
  });

  it("a colour switch changes the Service selectors, the HPAs' sizing, and nothing else", () => {
    const { base, flipped } = renders[stack];
    const changes = switchChanges(base, flipped);
    const scaledToZero = new Set(
      [...appResources(base), ...appResources(flipped)].filter((r) => r.inputs.kind === "Deployment" && (r.inputs as any).spec.replicas === 0).map((r) => r.urn),
    );
    const allowed = (c: Change) => {
      if (c.kind === "Service") return c.path === `spec.selector.${APP_LABELS.color}`;
      // A canary router's HTTPRoute follows the active colour: all weight moves to it.
      if (c.kind === "HTTPRoute") return /^spec\.rules\.0\.backendRefs\.[01]\.weight$/.test(c.path);
      if (c.kind === "HorizontalPodAutoscaler") return c.path === "spec.minReplicas" || c.path === "spec.behavior.scaleDown.stabilizationWindowSeconds" || c.path === "(added)" || c.path === "(removed)";
      if (c.kind === "PodDisruptionBudget") return c.path === "(added)" || c.path === "(removed)";
      // Only a colour scaled to 0 states replicas; it flips between 0 and HPA-managed. The role
      // annotation changes so that Pulumi re-awaits both Deployments (metadata: no pod restarts).
      if (c.kind === "Deployment") return (c.path === "spec.replicas" && scaledToZero.has(c.urn)) || c.path === "metadata.annotations.app-platform/serving-role";
      return false;
    };
    expect(changes.filter((c) => !allowed(c))).toEqual([]);
    // Both Services of every service moved.
    const services = roleServices(base);
    expect(changes.filter((c) => c.kind === "Service").length).toBe(services.length);
    // Outside the app components, nothing changed at all.
    expect(changesOutsideApp(base, flipped)).toEqual([]);
  });
});

describe("colour switch in staging and production", () => {
  it("production: changes no Deployment's spec: the idle colour stays at replicas.min (idleReplicas), only the role annotation moves", () => {
    const { base, flipped } = renders.production;
    const deploymentChanges = switchChanges(base, flipped).filter((c) => c.kind === "Deployment");
    expect(deploymentChanges.length).toBeGreaterThan(0);
    expect(deploymentChanges.filter((c) => c.path !== "metadata.annotations.app-platform/serving-role")).toEqual([]);
  });
  it.each(["staging", "production"] as const)("%s: a switch made by platform promote (the hold on) changes no Deployment's spec, only the role annotation", (stack) => {
    const { held, flippedHeld } = renders[stack];
    const deploymentChanges = switchChanges(held!, flippedHeld!).filter((c) => c.kind === "Deployment");
    expect(deploymentChanges.length).toBeGreaterThan(0);
    expect(deploymentChanges.filter((c) => c.path !== "metadata.annotations.app-platform/serving-role")).toEqual([]);
  });
  it("staging: a hand flip outside a release only unparks one colour and parks the other (spec.replicas), never touching the pod template", () => {
    const { base, flipped } = renders.staging;
    const paths = new Set(switchChanges(base, flipped).filter((c) => c.kind === "Deployment").map((c) => c.path));
    expect([...paths].sort()).toEqual(["metadata.annotations.app-platform/serving-role", "spec.replicas"]);
  });
});

/** The stack file's services as written (replicas.min is the serving size). */
function stackServices(stack: Stack): { name: string; activeColor: string; replicas: { min: number } }[] {
  return YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")).config["app-platform:services"];
}

describe.each(STACKS)("%s: a flip is gated on the target colour being ready", (stack) => {
  // Pulumi applies a resource only after everything in its dependsOn has been applied and
  // awaited (for a Deployment: rollout complete and replicas Ready); when one of them fails,
  // its dependents are not touched. So a Service whose dependsOn holds the Deployment of the
  // colour it selects cannot move before that colour is Ready, and never onto a failed one.
  it.each(["base", "flipped"] as const)("%s render: each Service depends on the Deployment, HPA and PDB of the colour it selects", (which) => {
    const r = renders[stack][which];
    const byUrn = new Map(r.resources.map((x) => [x.urn, x]));
    const services = appResources(r).filter((x) => x.inputs.kind === "Service" && (x.inputs as any).metadata.labels[APP_LABELS.role] !== undefined);
    expect(services.length).toBeGreaterThan(0);
    // A colour's own Service (canary routers) waits for that colour's Deployment.
    for (const svc of appResources(r).filter((x) => x.inputs.kind === "Service" && (x.inputs as any).metadata.labels[APP_LABELS.role] === undefined)) {
      const sel = (svc.inputs as any).spec.selector;
      const deps = svc.dependsOn.map((u) => byUrn.get(u)).filter((x): x is RenderedResource => x !== undefined && x.inputs.kind === "Deployment");
      expect(deps.map((d) => (d.inputs as any).metadata.name), svc.urn).toEqual([`${sel[APP_LABELS.name]}-${sel[APP_LABELS.color]}`]);
    }
    for (const svc of services) {
      const sel = (svc.inputs as any).spec.selector;
      const deploymentName = `${sel[APP_LABELS.name]}-${sel[APP_LABELS.color]}`;
      const deps = svc.dependsOn.map((u) => byUrn.get(u)).filter((x): x is RenderedResource => x !== undefined);
      const kinds = (kind: string) => deps.filter((d) => d.inputs.kind === kind).map((d) => (d.inputs as any).metadata.name);
      expect(kinds("Deployment"), svc.urn).toEqual([deploymentName]);
      // Its HPA and PDB exist exactly when the colour runs (min > 0): then the Service waits for them too.
      const hpa = appResources(r).find((x) => x.inputs.kind === "HorizontalPodAutoscaler" && (x.inputs as any).metadata.name === deploymentName);
      expect(kinds("HorizontalPodAutoscaler"), svc.urn).toEqual(hpa ? [deploymentName] : []);
      expect(kinds("PodDisruptionBudget"), svc.urn).toEqual(hpa ? [deploymentName] : []);
      // And on nothing of the other colour: the old colour's update does not hold the switch.
      expect(deps.filter((d) => (d.inputs as any).metadata?.labels?.[APP_LABELS.color] && (d.inputs as any).metadata.labels[APP_LABELS.color] !== sel[APP_LABELS.color])).toEqual([]);
    }
  });

  it.each(["base", "flipped"] as const)("%s render: the idle colour's Deployment, HPA and PDB wait for the active Service, so a flip moves the selector before the old colour shrinks or parks", (which) => {
    const r = renders[stack][which];
    const byUrn = new Map(r.resources.map((x) => [x.urn, x]));
    for (const s of stackServices(stack)) {
      const active = which === "base" ? s.activeColor : s.activeColor === "blue" ? "green" : "blue";
      const idle = active === "blue" ? "green" : "blue";
      const waitsFor = (x: RenderedResource) => x.dependsOn.map((u) => byUrn.get(u)).filter((d): d is RenderedResource => d?.inputs.kind === "Service").map((d) => (d.inputs as any).metadata.name);
      const idleObjects = appResources(r).filter((x) => ["Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget"].includes(String(x.inputs.kind)) && (x.inputs as any).metadata.name === `${s.name}-${idle}`);
      expect(idleObjects.length, `${s.name}-${idle}`).toBeGreaterThan(0);
      for (const x of idleObjects) expect(waitsFor(x), x.urn).toEqual([s.name]);
      // The active colour waits for no Service (that would be a cycle through its own gates).
      const activeObjects = appResources(r).filter((x) => (x.inputs as any).metadata?.name === `${s.name}-${active}` && x.inputs.kind !== "Service");
      for (const x of activeObjects) expect(waitsFor(x), x.urn).toEqual([]);
    }
  });

  it("with the hold platform promote writes before a switch, the target colour runs at least the active colour's serving size, outside dev", () => {
    if (stack === "dev") return; // dev does not pre-scale a canary: a cold flip is accepted on a laptop
    const r = renders[stack].held!;
    for (const s of stackServices(stack)) {
      const idle = s.activeColor === "blue" ? "green" : "blue";
      const hpa = ofKind(r, "HorizontalPodAutoscaler").find((h) => h.metadata.name === `${s.name}-${idle}`);
      expect(hpa, `${s.name}-${idle} has an HPA`).toBeDefined();
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(s.replicas.min);
    }
  });

  it("through the warm window after a flip (the hold still on), the old colour keeps at least its serving size, outside dev", () => {
    if (stack === "dev") return;
    const r = renders[stack].flippedHeld!;
    for (const s of stackServices(stack)) {
      const old = ofKind(r, "HorizontalPodAutoscaler").find((h) => h.metadata.name === `${s.name}-${s.activeColor}`);
      expect(old.spec.minReplicas).toBeGreaterThanOrEqual(s.replicas.min);
    }
  });
});

describe.each(["staging", "production"] as const)("%s: a canary service's hand flip moves the route's weights before the old colour shrinks", (stack) => {
  // With a canary router the users' traffic goes through the HTTPRoute's weighted backendRefs,
  // not the active Service: in a flip (activeColor edited by hand, one `pulumi up`) the weights
  // move in the same update as the old colour's HPA minimum. Pulumi applies a resource only after
  // its dependsOn, so the old colour's Deployment, HPA and PDB must list the HTTPRoute.
  const routed = () => stackServices(stack).filter((s: any) => s.strategy?.router !== undefined);
  const dependencies = (r: RenderResult, x: RenderedResource) => {
    const byUrn = new Map(r.resources.map((y) => [y.urn, y]));
    return x.dependsOn.map((u) => byUrn.get(u)).filter((d): d is RenderedResource => d !== undefined).map((d) => `${d.inputs.kind}/${(d.inputs as any).metadata?.name}`);
  };
  const route = (r: RenderResult, service: string) => {
    const found = appResources(r).filter((x) => x.inputs.kind === "HTTPRoute" && (x.inputs as any).metadata.name === service);
    expect(found, `the HTTPRoute of ${service}`).toHaveLength(1);
    return found[0];
  };
  const colourObjects = (r: RenderResult, name: string) =>
    appResources(r).filter((x) => ["Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget"].includes(String(x.inputs.kind)) && (x.inputs as any).metadata.name === name);

  it("the stack has a canary service behind a Gateway API HTTPRoute", () => {
    expect(routed().map((s) => s.name)).toContain("orders-api");
  });

  it.each(["base", "flipped"] as const)("%s render: the idle colour's Deployment, HPA and PDB wait for the HTTPRoute, which waits for the active colour only", (which) => {
    const r = renders[stack][which];
    for (const s of routed()) {
      const active = which === "base" ? s.activeColor : s.activeColor === "blue" ? "green" : "blue";
      const idle = active === "blue" ? "green" : "blue";
      const rt = route(r, s.name);
      // All weight on the active colour (no canary step in progress).
      expect((rt.inputs as any).spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual(expect.arrayContaining([[`${s.name}-${active}`, 100], [`${s.name}-${idle}`, 0]]));
      const idleObjects = colourObjects(r, `${s.name}-${idle}`);
      expect(idleObjects.map((x) => x.inputs.kind).sort()).toEqual(["Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget"]);
      for (const x of idleObjects) expect(dependencies(r, x), x.urn).toEqual(expect.arrayContaining([`HTTPRoute/${s.name}`, `Service/${s.name}`]));
      // The route waits for the Service of the colour it sends everything to, and for nothing of the idle colour.
      const routeDeps = dependencies(r, rt);
      expect(routeDeps).toContain(`Service/${s.name}-${active}`);
      expect(routeDeps.filter((d) => d.endsWith(`/${s.name}-${idle}`))).toEqual([]);
      // The active colour waits for no route (it takes the traffic).
      for (const x of colourObjects(r, `${s.name}-${active}`)) expect(dependencies(r, x).filter((d) => d.startsWith("HTTPRoute/"))).toEqual([]);
    }
  });

  it("with an ingress-nginx router (a service with an ingress host made a canary), a flip's old colour waits for the canary Ingress", () => {
    const r = renders[stack].nginx!;
    const withHost = stackServices(stack).filter((s: any) => s.ingress?.host !== undefined);
    expect(withHost.length).toBeGreaterThan(0);
    for (const s of withHost) {
      const idle = s.activeColor; // flipped: the colour the stack file names is now the old one
      const canary = appResources(r).filter((x) => x.inputs.kind === "Ingress" && (x.inputs as any).metadata.annotations?.["nginx.ingress.kubernetes.io/canary"] === "true" && (x.inputs as any).metadata.name.startsWith(s.name));
      expect(canary, `the canary Ingress of ${s.name}`).toHaveLength(1);
      const name = (canary[0].inputs as any).metadata.name;
      const idleObjects = colourObjects(r, `${s.name}-${idle}`);
      expect(idleObjects.length).toBeGreaterThan(0);
      for (const x of idleObjects) expect(dependencies(r, x), x.urn).toContain(`Ingress/${name}`);
    }
  });

  it("during a canary step (promotion.canaryWeight 50) the route waits for the new colour instead, which does not wait for it", () => {
    const r = renders[stack].stepped!;
    for (const s of routed()) {
      const idle = s.activeColor === "blue" ? "green" : "blue";
      const rt = route(r, s.name);
      expect((rt.inputs as any).spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual(expect.arrayContaining([[`${s.name}-${s.activeColor}`, 50], [`${s.name}-${idle}`, 50]]));
      expect(dependencies(r, rt)).toEqual(expect.arrayContaining([`Service/${s.name}-${s.activeColor}`, `Service/${s.name}-${idle}`, `Deployment/${s.name}-${idle}`]));
      for (const x of colourObjects(r, `${s.name}-${idle}`)) expect(dependencies(r, x).filter((d) => d.startsWith("HTTPRoute/")), x.urn).toEqual([]);
    }
  });
});

/** One changed field of a resource between two renders. */
interface Change {
  readonly urn: string;
  readonly kind: string;
  readonly service: string;
  /** Dotted path of the changed field, or "(added)"/"(removed)" for a whole resource. */
  readonly path: string;
}

/** Every field that differs between the app resources of two renders. */
export function switchChanges(a: RenderResult, b: RenderResult): Change[] {
  const index = (r: RenderResult) => new Map(appResources(r).map((x) => [x.urn, x]));
  const before = index(a);
  const after = index(b);
  const out: Change[] = [];
  const info = (r: RenderedResource) => ({ urn: r.urn, kind: String(r.inputs.kind ?? r.type), service: String((r.inputs as any).metadata?.labels?.[APP_LABELS.name] ?? "") });
  for (const [urn, r] of before) {
    const other = after.get(urn);
    if (!other) out.push({ ...info(r), path: "(removed)" });
    else for (const p of diffPaths(r.inputs, other.inputs)) out.push({ ...info(r), path: p });
  }
  for (const [urn, r] of after) if (!before.has(urn)) out.push({ ...info(r), path: "(added)" });
  return out;
}

/** `urn path` of every changed field of resources outside the app components. */
function changesOutsideApp(a: RenderResult, b: RenderResult): string[] {
  const others = (r: RenderResult) => new Map(r.resources.filter((x) => !inApp(r)(x) && x.type !== "pulumi:pulumi:Stack").map((x) => [x.urn, x]));
  const before = others(a);
  const after = others(b);
  const out: string[] = [];
  for (const [urn, r] of before) {
    const o = after.get(urn);
    if (!o) out.push(`${urn} (removed)`);
    else for (const p of diffPaths({ inputs: r.inputs, dependsOn: r.dependsOn }, { inputs: o.inputs, dependsOn: o.dependsOn })) out.push(`${urn} ${p}`);
  }
  for (const urn of after.keys()) if (!before.has(urn)) out.push(`${urn} (added)`);
  return out;
}

function diffPaths(x: unknown, y: unknown, at = ""): string[] {
  if (JSON.stringify(x) === JSON.stringify(y)) return [];
  if (x && y && typeof x === "object" && typeof y === "object" && Array.isArray(x) === Array.isArray(y)) {
    const keys = new Set([...Object.keys(x as object), ...Object.keys(y as object)]);
    return [...keys].flatMap((k) => diffPaths((x as any)[k], (y as any)[k], at ? `${at}.${k}` : k));
  }
  return [at];
}
