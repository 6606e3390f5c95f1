import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import type { RenderedResource, RenderResult } from "../../tools/render/mock-runtime";
import { REPO_ROOT } from "../../tools/render/mock-runtime";
import { stackFolder } from "../../tools/render/subprocess";
import { renderWithChild } from "../../tools/delivery/worktree";
import { diffResources, propertyChanges, componentOf, type StackDiff } from "../../tools/delivery/diff";
import { formatDiff, formatChange, textChange, DEFAULT_MAX_CHARS, type DiffReport } from "../../tools/delivery/markdown";
import { IMMUTABLE_FIELDS, replacementReason } from "../../tools/delivery/replacement";

const STACK = "staging";
const original = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${STACK}.yaml`), "utf8"));

/** The staging stack file with an edit applied to its `app-platform:services` list. */
function edited(edit: (services: any[]) => void): string {
  const doc = JSON.parse(JSON.stringify(original));
  edit(doc.config["app-platform:services"]);
  return YAML.stringify(doc);
}

function render(yamlText: string): Promise<RenderResult> {
  // renderWithChild rather than renderInChild: it reads the child's output from a file, which
  // survives the child's process.exit() however large the render is.
  return renderWithChild(REPO_ROOT, STACK, "an edited stack file", stackFolder(STACK, yamlText));
}

function report(diff: StackDiff, extra: Partial<DiffReport> = {}): DiffReport {
  return { stack: STACK, baseRef: "origin/main", diff, secretConfig: [], resourcesWithSecrets: [], ...extra };
}

const podinfo = original.config["app-platform:services"].findIndex((s: any) => s.name === "podinfo");

describe("platform diff on renders of known changes", () => {
  let base: RenderResult;
  let head: RenderResult;
  const orders = original.config["app-platform:services"].findIndex((s: any) => s.name === "orders-api");
  const ordersIdle = original.config["app-platform:services"][orders].activeColor === "blue" ? "green" : "blue";
  const ordersIdleImage: string = original.config["app-platform:services"][orders].image[ordersIdle];
  const from: string = original.config["app-platform:services"][podinfo].activeColor;
  const to = from === "blue" ? "green" : "blue";

  beforeAll(async () => {
    // Three independent edits in one head render (renders are the slow part): a new image for
    // orders-api's idle colour, a colour flip of podinfo, and a new service. Each test below
    // looks only at its own component.
    [base, head] = await Promise.all([
      render(YAML.stringify(original)),
      render(
        edited((s) => {
          s[orders].image[ordersIdle] = "registry.example.com/orders-api:9.9.9";
          s[podinfo].activeColor = to;
          s.push({
            name: "billing",
            activeColor: "blue",
            image: { blue: "registry.example.com/billing:1.0.0", green: "registry.example.com/billing:1.0.0" },
            port: 8080,
            replicas: { min: 1, max: 2 },
          });
        }),
      ),
    ]);
  });

  it("reports nothing for identical renders", () => {
    const d = diffResources(base.resources, base.resources);
    expect(d.changes).toEqual([]);
    expect(d.unchanged).toBe(base.resources.length - 1); // every resource but the stack itself
    expect(formatDiff(report(d))).toMatch(/^### `staging`: no changes\n/);
  });

  it("shows a changed image as a property-level update of one Deployment", () => {
    const d = diffResources(base.resources, head.resources);
    const deployments = d.changes.filter((c) => c.type === "kubernetes:apps/v1:Deployment" && c.component === "app-orders-api");
    expect(deployments.map((c) => [c.kind, c.name])).toEqual([["update", `app-orders-api-${ordersIdle}`]]);
    const img = deployments[0].changes.find((c) => /^spec\.template\.spec\.containers\[\d+\]\.image$/.test(c.path));
    expect(img).toMatchObject({ old: ordersIdleImage, new: "registry.example.com/orders-api:9.9.9", secret: false });
    expect(d.counts.replace).toBe(0);
    const md = formatDiff(report(d));
    expect(md).toContain(`\`"${ordersIdleImage}"\` → \`"registry.example.com/orders-api:9.9.9"\``);
    expect(md.split("\n")[0]).toBe(`### \`staging\`: ${d.counts.add} to add, ${d.counts.update} to update, 0 to replace, ${d.counts.remove} to delete`);
  });

  it("shows a colour flip as the active Service's selector moving, without replacements", () => {
    const d = diffResources(base.resources, head.resources);
    const podinfoChanges = d.changes.filter((c) => c.component === "app-podinfo");
    const selector = podinfoChanges
      .flatMap((c) => c.changes.map((p) => ({ ...p, type: c.type })))
      .filter((p) => p.type === "kubernetes:core/v1:Service" && p.path.startsWith("spec.selector"));
    expect(selector.length).toBeGreaterThanOrEqual(1);
    expect(selector.some((p) => p.old === from && p.new === to)).toBe(true);
    expect(podinfoChanges.some((c) => c.kind === "replace")).toBe(false);
    // The Deployments keep their selectors: a switch never touches pods.
    expect(podinfoChanges.filter((c) => c.type === "kubernetes:apps/v1:Deployment").flatMap((c) => c.changes).filter((p) => p.path.startsWith("spec.selector"))).toEqual([]);
  });

  it("groups an added service's resources under its component", () => {
    const d = diffResources(base.resources, head.resources);
    const adds = d.changes.filter((c) => c.kind === "add" && c.name.includes("billing"));
    const component = adds.find((c) => c.type === "kubernetes:apps/v1:Deployment")!.component;
    expect(component).toMatch(/billing/);
    const own = adds.filter((c) => c.component === component);
    expect(own.map((c) => c.type)).toEqual(expect.arrayContaining(["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service", "kubernetes:core/v1:ServiceAccount"]));
    expect(own.filter((c) => c.type === "kubernetes:apps/v1:Deployment").map((c) => c.name).sort()).toEqual([`${component}-blue`, `${component}-green`]);
    // Every resource of that component is new; nothing else is deleted for it.
    expect(d.changes.filter((c) => c.component === component).every((c) => c.kind === "add")).toBe(true);
    expect(d.changes.filter((c) => c.kind === "remove" && c.name.includes("billing"))).toEqual([]);
    const md = formatDiff(report(d));
    expect(md).toContain(`#### component \`${component}\``);
  });

  it("flags a rename without an alias as a replacement, and not when an alias covers it", () => {
    // A refactor renames a child (`-sa` -> `-serviceaccount`) but keeps the Kubernetes name.
    const renamed = (aliases?: unknown[]): RenderedResource[] =>
      base.resources.map((r) =>
        r.type === "kubernetes:core/v1:ServiceAccount" && r.name.endsWith("-sa") && r.name.startsWith("app-podinfo")
          ? { ...r, name: r.name.replace(/-sa$/, "-service-account"), urn: r.urn.replace(/-sa$/, "-service-account"), options: { ...r.options, aliases } }
          : r,
      );
    const d = diffResources(base.resources, renamed());
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0]).toMatchObject({ kind: "replace", name: "app-podinfo-service-account", oldUrn: expect.stringMatching(/::app-podinfo-sa$/) });
    expect(d.changes[0].replaceReasons[0]).toMatch(/renamed from `app-podinfo-sa` without an alias/);
    const md = formatDiff(report(d));
    expect(md).toContain("> [!WARNING]");
    expect(md.indexOf("1 replacement")).toBeLessThan(md.indexOf("#### component"));

    const old = base.resources.find((r) => r.name === "app-podinfo-sa")!;
    // With an alias Pulumi moves the resource: the diff still names the rename, as an update.
    const aliased = diffResources(base.resources, renamed([{ spec: { name: "app-podinfo-sa", type: "", parenturn: old.parent } }]));
    expect(aliased.counts).toEqual({ add: 0, remove: 0, update: 1, replace: 0 });
    expect(aliased.changes[0]).toMatchObject({ kind: "update", aliased: true, replaceReasons: [], changes: [] });
    expect(formatDiff(report(aliased))).toContain("**app-podinfo-service-account** (renamed, covered by an alias)");
    const byUrn = diffResources(base.resources, renamed([{ urn: old.urn }]));
    expect(byUrn.changes.map((c) => c.kind)).toEqual(["update"]);
    // An alias that names another resource covers nothing.
    expect(diffResources(base.resources, renamed([{ urn: `${old.urn}-other` }])).counts.replace).toBe(1);
  });

  it("carries a renamed component's alias down to its children, as Pulumi does", () => {
    // The component `app-podinfo` becomes `app-web`; its children follow (`app-podinfo-sa` -> `app-web-sa`).
    const comp = base.resources.find((r) => r.name === "app-podinfo")!;
    const rename = (aliased: boolean): RenderedResource[] => {
      const urnMap = new Map<string, string>();
      const inTree = (r: RenderedResource): boolean => r.urn === comp.urn || (r.parent !== undefined && inTree(base.resources.find((x) => x.urn === r.parent)!));
      for (const r of base.resources) if (inTree(r)) urnMap.set(r.urn, r.urn.replace(/app-podinfo([^:]*)$/, "app-web$1"));
      return base.resources.map((r) => {
        if (!urnMap.has(r.urn)) return r;
        const parent = r.parent && urnMap.has(r.parent) ? urnMap.get(r.parent) : r.parent;
        const options = r.urn === comp.urn && aliased ? { ...r.options, aliases: [{ spec: { name: "app-podinfo" } }] } : r.options;
        return { ...r, name: r.name.replace(/^app-podinfo/, "app-web"), urn: urnMap.get(r.urn)!, parent, options };
      });
    };
    const withAlias = diffResources(base.resources, rename(true));
    const head = rename(true);
    const headByUrn = new Map(head.map((r) => [r.urn, r]));
    // Pulumi derives a child's alias from its parent's: same name, or the parent's old name as
    // prefix in place of its new one. A grandchild whose name does not start with its own
    // parent's name (an HPA `app-web-hpa-blue` under the Deployment `app-web-blue`) gets no
    // usable alias and is replaced: the diff must say so.
    const expectReplaced = withAlias.changes
      .filter((c) => {
        const r = headByUrn.get(c.urn)!;
        const parent = headByUrn.get(r.parent!)!;
        return parent.type !== "pulumi:pulumi:Stack" && parent.name !== "app-web" && !r.name.startsWith(parent.name);
      })
      .map((c) => c.name)
      .sort();
    expect(withAlias.changes.filter((c) => c.kind === "replace").map((c) => c.name).sort()).toEqual(expectReplaced);
    expect(withAlias.changes.filter((c) => c.kind === "update").length).toBeGreaterThan(5);
    expect(withAlias.changes.filter((c) => c.kind === "update").every((c) => c.aliased)).toBe(true);
    expect(withAlias.counts.add + withAlias.counts.remove).toBe(0);
    const without = diffResources(base.resources, rename(false));
    expect(without.counts.update).toBe(0);
    expect(without.counts.replace + without.counts.add).toBe(withAlias.changes.length);
  });

  it("flags an immutable field (a Deployment selector) as a replacement", () => {
    const head = base.resources.map((r) =>
      r.type === "kubernetes:apps/v1:Deployment" && r.name === "app-podinfo-blue"
        ? { ...r, inputs: { ...r.inputs, spec: { ...(r.inputs.spec as object), selector: { matchLabels: { app: "podinfo" } } } } }
        : r,
    );
    const d = diffResources(base.resources, head);
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0].kind).toBe("replace");
    expect(d.changes[0].changes.every((c) => c.replaces?.startsWith("spec.selector: apps/v1 Deployment selectors are immutable"))).toBe(true);
  });

  it("cuts a long diff at the limit with a note, summary first", () => {
    const empty: RenderedResource[] = [];
    const d = diffResources(empty, head.resources);
    const full = formatDiff(report(d));
    expect(full).not.toContain("Output cut here");
    const cut = formatDiff(report(d), { maxChars: 1500 });
    expect(cut.length).toBeLessThanOrEqual(1500);
    expect(cut.split("\n")[0]).toMatch(/^### `staging`: \d+ to add/);
    expect(cut).toMatch(/Output cut here\*\* at \d+ of \d+ characters \(limit 1500\): \d+ of \d+ changed resources are not shown \(\d+ add\)/);
    expect(cut).toContain("npx platform diff staging --base origin/main");
  });
});

describe("diff building blocks", () => {
  it("quotes keys that are not identifiers and walks arrays by index", () => {
    const changes = propertyChanges(
      { metadata: { labels: { "app.kubernetes.io/name": "a" } }, spec: { ports: [{ port: 80 }, { port: 81 }] } },
      { metadata: { labels: { "app.kubernetes.io/name": "b" } }, spec: { ports: [{ port: 80 }] } },
    );
    expect(changes).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/name"]', old: "a", new: "b", secret: false },
      { path: "spec.ports[1]", old: { port: 81 }, new: undefined, secret: false },
    ]);
  });

  it("matches named list elements by name when one is inserted, and by index otherwise", () => {
    const env = (names: string[]) => ({ env: names.map((n) => ({ name: n, value: n.toLowerCase() })) });
    expect(propertyChanges(env(["A", "C"]), env(["A", "B", "C"]))).toEqual([{ path: "env[name=B]", old: undefined, new: { name: "B", value: "b" }, secret: false }]);
    expect(propertyChanges(env(["A", "B"]), env(["A"]))).toEqual([{ path: "env[name=B]", old: { name: "B", value: "b" }, new: undefined, secret: false }]);
    expect(propertyChanges({ c: [{ name: "app", image: "a:1" }] }, { c: [{ name: "app", image: "a:2" }] })).toEqual([{ path: "c[0].image", old: "a:1", new: "a:2", secret: false }]);
  });

  it("never prints a secret value, changed, added or made secret", () => {
    const changes = propertyChanges({ stringData: { password: "[secret]", url: "http://old" } }, { stringData: { password: "[secret]", url: "[secret]", token: "[secret]" } });
    expect(changes.map((c) => [c.path, c.secret])).toEqual([
      ["stringData.token", true],
      ["stringData.url", true],
    ]);
    const lines = changes.map(formatChange).join("\n");
    expect(lines).toBe("  - `stringData.token`: [secret] added\n  - `stringData.url`: [secret] changed");
    expect(lines).not.toContain("http://old");
  });

  it("knows the immutable-field table and replaceOnChanges", () => {
    expect(IMMUTABLE_FIELDS.length).toBeGreaterThanOrEqual(20);
    expect(replacementReason("kubernetes:core/v1:PersistentVolumeClaim", "spec.storageClassName")).toMatch(/storage class/);
    expect(replacementReason("kubernetes:core/v1:PersistentVolumeClaim", "spec.resources.requests.storage")).toBeUndefined();
    expect(replacementReason("kubernetes:core/v1:Service", "spec.clusterIP")).toBeDefined();
    expect(replacementReason("kubernetes:core/v1:Service", "spec.ports[0].port")).toBeUndefined();
    expect(replacementReason("kubernetes:batch/v1:Job", "spec.template.spec.containers[0].image")).toMatch(/Job/);
    expect(replacementReason("kubernetes:core/v1:ConfigMap", "metadata.name")).toMatch(/renamed/);
    expect(replacementReason("kubernetes:core/v1:ConfigMap", 'metadata.labels["x"]')).toBeUndefined();
    expect(replacementReason("aws:s3/bucketV2:BucketV2", "bucket")).toBeDefined();
    expect(replacementReason("x:y:Z", "spec.a.b", ["spec.a"])).toBe("replaceOnChanges: spec.a");
  });

  it("groups by the top-level component of the parent chain", () => {
    const mk = (name: string, parent?: string, type = "t:m:R"): RenderedResource => ({ type, name, urn: `u:${name}`, parent, dependsOn: [], inputs: {}, custom: true, options: {} });
    const rs = [mk("s", undefined, "pulumi:pulumi:Stack"), mk("comp", "u:s", "c:m:C"), mk("child", "u:comp"), mk("grandchild", "u:child"), mk("loose", "u:s"), mk("orphan")];
    const c = componentOf(rs);
    expect(Object.fromEntries(c)).toEqual({ "u:comp": "comp", "u:child": "comp", "u:grandchild": "comp", "u:loose": "loose", "u:orphan": "(stack)" });
  });

  it("stays under the default limit for a diff of thousands of resources with long values", () => {
    const many: RenderedResource[] = Array.from({ length: 3000 }, (_, i) => ({
      type: "kubernetes:core/v1:ConfigMap",
      name: `cm-${i}`,
      urn: `urn:cm-${i}`,
      dependsOn: [],
      inputs: { data: { big: "x".repeat(5000), n: String(i) } },
      custom: true,
      options: {},
    }));
    const after = many.map((r) => ({ ...r, inputs: { data: { big: "y".repeat(5000), n: String(Number((r.inputs.data as any).n) + 1) } } }));
    const md = formatDiff(report(diffResources(many, after)));
    expect(md.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(md).toContain("… (5002 chars)");
    expect(md).toMatch(/of 3000 changed resources are not shown \(\d+ update\)/);
  });
});

describe("long texts", () => {
  it("summarise a changed script by lines instead of printing it", () => {
    const script = (extra: string) => ["#!/usr/bin/env bash", "set -euo pipefail", ...Array.from({ length: 30 }, (_, i) => `echo step ${i}`), extra].join("\n");
    const line = formatChange({ path: 'data["backup.sh"]', old: script("exit 0"), new: script("echo done\nexit 0").replace("echo step 3\n", ""), secret: false });
    expect(line).toBe('  - `data["backup.sh"]`: text, 33 → 33 lines (+1 −1); first difference at line 6: `"echo step 3"` → `"echo step 4"`');
    expect(textChange("a\nb", "a\nb\nc")).toBe('text, 2 → 3 lines (+1 −0); first difference at line 3: _(none)_ → `"c"`');
  });
});

describe("documents inside strings", () => {
  it("diffs JSON and YAML text field by field", () => {
    const dash = (t: number) => JSON.stringify({ title: "SLO", panels: [{ id: 1, thresholds: [t] }] }, null, 2);
    expect(propertyChanges({ data: { "slo.json": dash(1) } }, { data: { "slo.json": dash(2) } })).toEqual([
      { path: 'data["slo.json"]#panels[0].thresholds[0]', old: 1, new: 2, secret: false },
    ]);
    const rules = (f: string) => `groups:\n  - name: app\n    rules:\n      - alert: HighErrors\n        for: ${f}\n`;
    expect(propertyChanges({ data: { "r.yaml": rules("5m") } }, { data: { "r.yaml": rules("10m") } }).map((c) => c.path)).toEqual(['data["r.yaml"]#groups[0].rules[0].for']);
    // A plain string change stays a string change.
    expect(propertyChanges({ a: "x: 1" }, { a: "x: 2" })).toEqual([{ path: "a", old: "x: 1", new: "x: 2", secret: false }]);
  });
});
