import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { RenderedResource } from "../../tools/render/mock-runtime";
import { execFileSync } from "node:child_process";
import { componentResources, dotString, overviewOf, shortType, toDot, toOverviewDot } from "../../tools/delivery/graph";
import { renderCheckout } from "../../tools/delivery/worktree";
import { PROGRAMS, requireProgram } from "../../tools/programs";
import { platform, ROOT } from "../tools/commands/cli-support";
import { writeGraph } from "../../tools/commands/graph";
import { tempDir } from "../../tools/harness/processes";

function mk(name: string, type: string, parent?: string, dependsOn: string[] = [], custom = true): RenderedResource {
  return { type, name, urn: `urn:${name}`, parent, dependsOn, inputs: {}, custom, options: {} };
}

describe("toDot", () => {
  const resources = [
    mk("stack", "pulumi:pulumi:Stack", undefined, [], false),
    mk("app-podinfo", "app-platform:app:BlueGreenService", "urn:stack", [], false),
    mk("app-podinfo-blue", "kubernetes:apps/v1:Deployment", "urn:app-podinfo", ["urn:platform-ns-apps", "urn:app-podinfo"]),
    mk("platform", "app-platform:foundation:Foundation", "urn:stack", [], false),
    mk("platform-ns-apps", "kubernetes:core/v1:Namespace", "urn:platform"),
  ];
  const dot = toDot(resources, { title: "staging" });

  it("draws one cluster per top-level component with its resources", () => {
    expect(dot.match(/subgraph "cluster_\d+"/g)).toHaveLength(2);
    const clusters = dot.split("subgraph").slice(1);
    const app = clusters.find((c) => c.includes('label="app-podinfo"'))!;
    expect(app).toContain('"urn:app-podinfo-blue" [label="Deployment\\napp-podinfo-blue"');
    expect(app).not.toContain("urn:platform-ns-apps");
    expect(clusters.find((c) => c.includes('label="platform"'))).toContain('"urn:platform-ns-apps"');
  });

  it("draws parent edges solid and dependsOn edges dashed, without repeating the parent", () => {
    expect(dot).toContain('"urn:app-podinfo" -> "urn:app-podinfo-blue";');
    expect(dot).toContain('"urn:stack" -> "urn:platform";');
    expect(dot).toContain('"urn:app-podinfo-blue" -> "urn:platform-ns-apps" [style=dashed');
    expect(dot).not.toContain('"urn:app-podinfo-blue" -> "urn:app-podinfo" [style=dashed');
    expect(toDot(resources, { title: "s", dependsOn: false })).not.toContain("style=dashed");
  });

  it("quotes identifiers and shortens types", () => {
    expect(dotString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(shortType("kubernetes:apps/v1:Deployment")).toBe("Deployment");
  });
});

describe("platform graph", () => {
  it("writes the component overview as graph.dot and an SVG made by Graphviz for a real render", async () => {
    const out = tempDir("graph");
    const g = await writeGraph("dev", out);
    const dot = fs.readFileSync(path.join(out, "graph.dot"), "utf8");
    expect(g.nodes).toBeGreaterThan(5);
    expect(dot).toMatch(/^digraph "dev" \{/);
    expect(dot).toContain('[label="platform\\nFoundation · ');
    const svg = fs.readFileSync(path.join(out, "graph.svg"), "utf8");
    expect(svg).toContain("<svg");
    expect(svg).toContain("<title>cluster_legend</title>");
    fs.rmSync(out, { recursive: true, force: true });
  });
});

describe("component overview", () => {
  // Two top-level components, one nested in the first; a Secret made by one, read by another's workload.
  const ns = (name: string, namespace: string, extra: Record<string, unknown> = {}) => ({ metadata: { name, namespace }, ...extra });
  const resources: RenderedResource[] = [
    mk("stack", "pulumi:pulumi:Stack", undefined, [], false),
    mk("secrets", "app-platform:secrets:PlatformSecrets", "urn:stack", [], false),
    { ...mk("pg", "kubernetes:core/v1:Secret", "urn:secrets"), inputs: ns("postgres-credentials", "apps") },
    mk("app", "app-platform:app:BlueGreenService", "urn:stack", [], false),
    mk("router", "app-platform:app:TrafficRouter", "urn:app", ["urn:app"], false),
    mk("route", "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "urn:router", ["urn:router", "urn:blue", "urn:pg"]),
    {
      ...mk("blue", "kubernetes:apps/v1:Deployment", "urn:app", ["urn:app", "urn:pg", "urn:pg", "urn:key"]),
      inputs: ns("app", "apps", { spec: { template: { spec: { containers: [{ env: [{ name: "P", valueFrom: { secretKeyRef: { name: "postgres-credentials", key: "password" } } }] }] } } } }),
    },
    mk("green", "kubernetes:apps/v1:Deployment", "urn:app", ["urn:pg"]),
    mk("key", "random:index/randomPassword:RandomPassword", "urn:secrets"),
  ];

  it("counts dependsOn links per component pair (worked out by hand), not the parent link", () => {
    const ov = overviewOf(resources);
    expect(ov.components.map((c) => [c.name, c.layer, c.resources, c.parent])).toEqual([
      ["secrets", "secrets", 2, undefined],
      ["app", "app", 2, undefined],
      ["router", "app", 1, "urn:app"],
    ]);
    // app: blue -> pg (twice listed, once counted), blue -> key, green -> pg = 3 links to secrets.
    // router: route -> blue (app) = 1, route -> pg (secrets) = 1; router -> app is its parent.
    expect(ov.dependsOn).toEqual([
      { from: "urn:app", to: "urn:secrets", count: 3 },
      { from: "urn:router", to: "urn:app", count: 1 },
      { from: "urn:router", to: "urn:secrets", count: 1 },
    ]);
    // blue reads apps/postgres-credentials by secretKeyRef; green has no inputs to read.
    expect(ov.dataFlow).toEqual([{ from: "urn:secrets", to: "urn:app", count: 1, secrets: ["apps/postgres-credentials"] }]);
  });

  it("draws them with a legend, and Graphviz accepts it", () => {
    const dot = toOverviewDot(resources, { title: "t" });
    expect(dot).toContain('"urn:app" -> "urn:secrets" [style=dashed, color="#c0392b", label="3"]');
    expect(dot).toContain('"urn:secrets" -> "urn:app" [style=bold, color="#1f6fb2", label="apps/postgres-credentials"');
    expect(dot).toContain('"urn:app" -> "urn:router" [style=dotted');
    expect(dot).toContain('subgraph "cluster_legend"');
    const svg = execFileSync(requireProgram(PROGRAMS.dot), ["-Tsvg"], { input: dot, encoding: "utf8" });
    expect(svg).toContain("<title>cluster_legend</title>");
  });

  it("a component's resource graph holds its subtree and what it depends on", () => {
    expect(componentResources(resources, "app")!.map((r) => r.name).sort()).toEqual(["app", "blue", "green", "key", "pg", "route", "router"]);
    expect(componentResources(resources, "router")!.map((r) => r.name).sort()).toEqual(["app", "blue", "pg", "route", "router"]);
    expect(componentResources(resources, "pg")).toBeUndefined();
  });
});

/** Width and height in points of an SVG made by Graphviz. */
function svgSize(svg: string): [number, number] {
  const m = /<svg width="(\d+)pt" height="(\d+)pt"/.exec(svg);
  if (!m) throw new Error("no size in the SVG");
  return [Number(m[1]), Number(m[2])];
}

describe("platform graph production", () => {
  it("draws one node per component with dependsOn counts and a legend, on a smaller sheet than every resource", { timeout: 300_000 }, async () => {
    const out = tempDir("graph-prod");
    await writeGraph("production", out);
    await writeGraph("production", out, undefined, { resources: true });
    const resources = (await renderCheckout(ROOT, "production", "the working tree")).resources;
    const dot = fs.readFileSync(path.join(out, "graph.dot"), "utf8");

    // Components by another route: the type in the URN (after the last `$` of its type chain)
    // is one of ours, or Helm's Chart v4, which Pulumi documents as a component resource.
    const urnType = (urn: string) => urn.split("::")[2].split("$").pop()!;
    const expected = resources.map((r) => r.urn).filter((u) => /^app-platform:/.test(urnType(u)) || urnType(u) === "kubernetes:helm.sh/v4:Chart");
    expect(expected.length).toBeGreaterThan(10);
    const nodes = [...dot.matchAll(/^ {4}"(urn:[^"]+)" \[label=/gm)].map((m) => m[1]);
    expect(nodes.sort()).toEqual(expected.sort());

    // Every dependsOn link between resources of two components, by walking parents up to the first of them.
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const comp = new Set(expected);
    const ownerOf = (urn: string): string | undefined => {
      for (let u: string | undefined = urn; u; u = byUrn.get(u)?.parent) if (comp.has(u)) return u;
      return undefined;
    };
    const counts = new Map<string, number>();
    for (const r of resources) {
      for (const d of new Set(r.dependsOn)) {
        const [a, b] = [ownerOf(r.urn), ownerOf(d)];
        if (a && b && a !== b && d !== r.parent) counts.set(`${a} -> ${b}`, (counts.get(`${a} -> ${b}`) ?? 0) + 1);
      }
    }
    const drawn = new Map([...dot.matchAll(/^ {2}"(urn:[^"]+)" -> "(urn:[^"]+)" \[style=dashed, color="#c0392b", label="(\d+)"\];$/gm)].map((m) => [`${m[1]} -> ${m[2]}`, Number(m[3])]));
    expect(drawn).toEqual(counts);
    expect(counts.size).toBeGreaterThan(5);
    expect(dot).toContain('subgraph "cluster_legend"');

    const [w, h] = svgSize(fs.readFileSync(path.join(out, "graph.svg"), "utf8"));
    const [rw, rh] = svgSize(fs.readFileSync(path.join(out, "graph-resources.svg"), "utf8"));
    console.log(`graph production: overview ${w}x${h} pt, every resource ${rw}x${rh} pt`);
    expect(w).toBeLessThan(rw);
    expect(h).toBeLessThan(rh);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("docs/graph-production.svg, shown in README, is the overview of production now", { timeout: 300_000 }, async () => {
    const out = tempDir("graph-docs");
    await writeGraph("production", out);
    const committed = fs.readFileSync(path.join(ROOT, "docs", "graph-production.svg"), "utf8");
    expect(fs.readFileSync(path.join(out, "graph.svg"), "utf8"), "regenerate: npx platform graph production --out out/g && cp out/g/graph.svg docs/graph-production.svg").toBe(committed);
    expect(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).toContain("(docs/graph-production.svg)");
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("--component writes graph-<name>.* beside the overview and lists them in the marker; an unknown name is refused", { timeout: 300_000 }, async () => {
    const out = tempDir("graph-component");
    const ok = await platform(["graph", "production", "--out", out]);
    expect(ok.code).toBe(0);
    const overview = fs.readFileSync(path.join(out, "graph.svg"), "utf8");
    const one = await platform(["graph", "production", "--out", out, "--component", "backup"]);
    expect(one.stderr).toBe("");
    expect(one.code).toBe(0);
    const dot = fs.readFileSync(path.join(out, "graph-backup.dot"), "utf8");
    expect(dot).toContain('\\nbackup-storage"');
    // what backup depends on outside it is clustered under its own component (e.g. the namespace under platform)
    expect(dot).toMatch(/label="platform"; style="rounded"/);
    expect(fs.readFileSync(path.join(out, "graph.svg"), "utf8")).toBe(overview);
    const marker = JSON.parse(fs.readFileSync(path.join(out, ".platform-render.json"), "utf8"));
    expect(marker.files).toEqual({ graph: ["graph.dot", "graph.svg"], "graph-backup": ["graph-backup.dot", "graph-backup.svg"] });
    const bad = await platform(["graph", "production", "--out", out, "--component", "bakup"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^platform graph: --component \("bakup"\) is not a component of production: did you mean "backup"\? \(components: .*\); nothing was written\n$/);
    expect(fs.readdirSync(out).sort()).toEqual([".platform-render.json", "graph-backup.dot", "graph-backup.svg", "graph.dot", "graph.svg"]);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
