// What `platform diff` shows for the updates of a canary release, on real renders of the
// staging stack: staging a release, the migration update, and the first traffic step.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { REPO_ROOT, type RenderResult } from "../../tools/render/mock-runtime";
import { stackFolder } from "../../tools/render/subprocess";
import { renderWithChild } from "../../tools/delivery/worktree";
import { diffResources } from "../../tools/delivery/diff";
import { formatDiff } from "../../tools/delivery/markdown";

const STACK = "staging";
const original = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${STACK}.yaml`), "utf8"));
const orders = original.config["app-platform:services"].findIndex((s: any) => s.name === "orders-api");
const active: "blue" | "green" = original.config["app-platform:services"][orders].activeColor;
const idle = active === "blue" ? "green" : "blue";

function stackWith(edit: (s: any) => void): string {
  const doc = structuredClone(original);
  edit(doc.config["app-platform:services"][orders]);
  return YAML.stringify(doc);
}
const render = (text: string) => renderWithChild(REPO_ROOT, STACK, "a release step", stackFolder(STACK, text));

let staged: RenderResult;
let migrating: RenderResult;
let step1: RenderResult;
beforeAll(async () => {
  const stage = (s: any) => (s.image[idle] = "registry.example.com/orders-api:9.9.9");
  [staged, migrating, step1] = await Promise.all([
    render(stackWith(stage)),
    render(stackWith((s) => (stage(s), (s.promotion = { migrate: true })))),
    render(stackWith((s) => (stage(s), (s.promotion = { migrate: true, canaryWeight: 10 })))),
  ]);
}, 180_000);

const route = (r: RenderResult) => r.resources.find((x) => x.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")!;

describe("a canary release in platform diff", () => {
  it("the migration update adds the release's Job, named after the service, the migration and the release", () => {
    const d = diffResources(staged.resources, migrating.resources);
    const added = d.changes.filter((c) => c.kind === "add").map((c) => c.type);
    expect(added).toContain("kubernetes:batch/v1:Job");
    const job = migrating.resources.find((x) => x.type === "kubernetes:batch/v1:Job")!;
    expect((job.inputs as any).metadata.name).toMatch(/^orders-api-schema-[0-9a-f]{8}$/);
    expect((job.inputs as any).spec.template.spec.containers[0].image).toBe("registry.example.com/orders-api:9.9.9");
    // It does not wait for the new colour's rollout (a release may need the migration to get Ready).
    const byUrn = new Map(migrating.resources.map((x) => [x.urn, x]));
    expect(job.dependsOn.map((u) => byUrn.get(u)?.type)).not.toContain("kubernetes:apps/v1:Deployment");
    // No traffic moved in that update: the route did not change.
    expect(d.changes.filter((c) => c.type.endsWith(":HTTPRoute"))).toEqual([]);
  });

  it("the route waits for the Job (Pulumi records the component's Job); the new colour's Deployment once a step gives it weight, before that it waits for the route", () => {
    const byUrn = new Map(migrating.resources.map((x) => [x.urn, x]));
    const deps = route(migrating).dependsOn.map((u) => byUrn.get(u)?.type);
    expect(deps).toContain("kubernetes:batch/v1:Job");
    // The migration update gives the new colour no weight: its Deployment waits for the route (and so for the Job).
    expect(route(migrating).dependsOn.map((u) => byUrn.get(u)).filter((x) => x?.type === "kubernetes:apps/v1:Deployment")).toEqual([]);
    const newColour = migrating.resources.find((x) => x.type === "kubernetes:apps/v1:Deployment" && (x.inputs as any).metadata.name === `orders-api-${idle}`)!;
    expect(newColour.dependsOn).toContain(route(migrating).urn);
    // The first step sends it 10 %: the route then waits for its Deployment (and still the Job).
    const stepUrn = new Map(step1.resources.map((x) => [x.urn, x]));
    const stepDeps = route(step1).dependsOn.map((u) => stepUrn.get(u));
    expect(stepDeps.map((x) => x?.type)).toContain("kubernetes:batch/v1:Job");
    expect(stepDeps.filter((x) => x?.type === "kubernetes:apps/v1:Deployment").map((x) => (x!.inputs as any).metadata.name)).toEqual([`orders-api-${idle}`]);
  });

  it("the first step changes only the two weights, 100/0 → 90/10, and the diff says so", () => {
    const d = diffResources(migrating.resources, step1.resources);
    expect(d.changes.map((c) => [c.kind, c.type])).toEqual([["update", "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"]]);
    const props = d.changes[0].changes.map((p) => [p.path, p.old, p.new]);
    const i = { blue: 0, green: 1 };
    expect(props).toEqual(
      expect.arrayContaining([
        [`spec.rules[0].backendRefs[${i[active]}].weight`, 100, 90],
        [`spec.rules[0].backendRefs[${i[idle]}].weight`, 0, 10],
      ]),
    );
    expect(props.length).toBe(2);
    const md = formatDiff({ stack: STACK, baseRef: "main", diff: d, secretConfig: [], resourcesWithSecrets: [] });
    expect(md).toContain("`spec.rules[0].backendRefs[");
    expect(md).toContain("1 to update");
  });
});
