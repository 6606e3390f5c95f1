// The warm window on real renders of the staging stack (podinfo: blue-green, replicas 1..4,
// idleReplicas 0, both colours on 6.7.1 in the stack file), at each update `platform promote`
// makes: the release staged on green, the switch (blue held at 3 pods, the active colour's
// measured size, with the window's end recorded), and the scale-down after the window. Sizes
// are worked out by hand from those values; the order is what Pulumi reads in resources.json.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { REPO_ROOT, type RenderResult } from "../../tools/render/mock-runtime";
import { stackFolder } from "../../tools/render/subprocess";
import { renderWithChild } from "../../tools/delivery/worktree";
import { diffResources } from "../../tools/delivery/diff";

const STACK = "staging";
const original = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${STACK}.yaml`), "utf8"));
const podinfo = original.config["app-platform:services"].findIndex((s: any) => s.name === "podinfo");

function stackWith(edit: (s: any) => void): string {
  const doc = structuredClone(original);
  edit(doc.config["app-platform:services"][podinfo]);
  return YAML.stringify(doc);
}
const render = (text: string) => renderWithChild(REPO_ROOT, STACK, "a warm window", stackFolder(STACK, text));

const stage = (s: any) => (s.image.green = "ghcr.io/stefanprodan/podinfo:6.8.0");
let before: RenderResult; // as the stack file is: nothing staged, green parked
let staged: RenderResult;
let prescaled: RenderResult;
let during: RenderResult;
let after: RenderResult;
let rolledBack: RenderResult;
beforeAll(async () => {
  [before, staged, prescaled, during, after, rolledBack] = await Promise.all([
    render(stackWith(() => {})),
    render(stackWith(stage)),
    render(stackWith((s) => (stage(s), (s.promotion = { prescale: true, prescaleReplicas: 3 })))),
    render(stackWith((s) => (stage(s), (s.activeColor = "green"), (s.promotion = { prescale: true, prescaleReplicas: 3, warmUntil: "2026-11-30T10:40:00Z" })))),
    render(stackWith((s) => (stage(s), (s.activeColor = "green")))),
    render(stackWith(stage)),
  ]);
}, 300_000);

const find = (r: RenderResult, type: string, name: string) => r.resources.find((x) => x.type === type && (x.inputs as any)?.metadata?.name === name);
const hpaMin = (r: RenderResult, color: string) => (find(r, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `podinfo-${color}`)?.inputs as any)?.spec.minReplicas;
const deployment = (r: RenderResult, color: string) => find(r, "kubernetes:apps/v1:Deployment", `podinfo-${color}`)!;
const service = (r: RenderResult, name: string) => find(r, "kubernetes:core/v1:Service", name)!;

describe("the warm window in the render", () => {
  it("outside a release the idle colour is parked: 0 pods, no HPA and no PDB (no second fleet)", () => {
    expect((deployment(before, "green").inputs as any).spec.replicas).toBe(0);
    expect(hpaMin(before, "green")).toBeUndefined();
    expect(find(before, "kubernetes:policy/v1:PodDisruptionBudget", "podinfo-green")).toBeUndefined();
    // A staged release gets one pod for its preview.
    expect(hpaMin(staged, "green")).toBe(1);
  });

  it("pre-scale raises the new colour to 3; the switch keeps the old colour at 3 and leaves no Deployment a fixed size", () => {
    expect(hpaMin(prescaled, "green")).toBe(3);
    expect(hpaMin(during, "blue")).toBe(3);
    // The new active colour scales from replicas.min (1) up; its HPA keeps the 3 pods it runs.
    expect(hpaMin(during, "green")).toBe(1);
    for (const c of ["blue", "green"]) expect((deployment(during, c).inputs as any).spec.replicas).toBeUndefined();
    expect(find(during, "kubernetes:policy/v1:PodDisruptionBudget", "podinfo-blue")).toBeDefined();
  });

  it("the switch still gates the flip: each Service depends on the Deployment, HPA and PDB of the colour it selects", () => {
    const byUrn = new Map(during.resources.map((x) => [x.urn, x]));
    const gates = (name: string) =>
      service(during, name)
        .dependsOn.map((u) => byUrn.get(u)!)
        .map((x) => `${x.type.split(":").pop()} ${(x.inputs as any).metadata.name}`)
        // (the apps Namespace, which the component waits for, aside)
        .filter((x) => !x.startsWith("Namespace "))
        .sort();
    expect(gates("podinfo")).toEqual(["Deployment podinfo-green", "HorizontalPodAutoscaler podinfo-green", "PodDisruptionBudget podinfo-green"]);
    expect(gates("podinfo-preview")).toEqual(["Deployment podinfo-blue", "HorizontalPodAutoscaler podinfo-blue", "PodDisruptionBudget podinfo-blue"]);
    expect((service(during, "podinfo").inputs as any).spec.selector["app-platform/color"]).toBe("green");
  });

  it("the scale-down after the window changes one thing: the old colour's HPA minimum, 3 -> 1 (it runs the previous image)", () => {
    const d = diffResources(during.resources, after.resources);
    expect(d.changes.map((c) => [c.kind, c.type, c.name])).toEqual([["update", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "app-podinfo-hpa-blue"]]);
    expect(d.changes[0].changes.map((p) => [p.path, p.old, p.new])).toEqual([["spec.minReplicas", 3, 1]]);
  });

  it("the warm rollback is one update in which blue, still at 3, becomes active and nothing of blue has to start", () => {
    const d = diffResources(during.resources, rolledBack.resources);
    const blueHpa = d.changes.find((c) => c.name === "app-podinfo-hpa-blue");
    // Its minimum goes from the hold (3) to replicas.min (1): never through 0, no fixed size.
    expect(blueHpa?.changes.map((p) => [p.path, p.old, p.new])).toEqual([["spec.minReplicas", 3, 1]]);
    expect((deployment(rolledBack, "blue").inputs as any).spec.replicas).toBeUndefined();
    expect((service(rolledBack, "podinfo").inputs as any).spec.selector["app-platform/color"]).toBe("blue");
    expect(d.changes.filter((c) => c.kind === "replace" || c.kind === "remove")).toEqual([]);
  });
});
