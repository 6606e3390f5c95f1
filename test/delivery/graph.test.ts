import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { RenderedResource } from "../../tools/render/mock-runtime";
import { dotString, shortType, toDot } from "../../tools/delivery/graph";
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
  it("writes graph.dot and an SVG made by Graphviz for a real render", async () => {
    const out = tempDir("graph");
    const g = await writeGraph("dev", out);
    const dot = fs.readFileSync(path.join(out, "graph.dot"), "utf8");
    expect(g.nodes).toBeGreaterThan(5);
    expect(dot).toMatch(/^digraph "dev" \{/);
    expect(dot).toContain('label="platform"');
    const svg = fs.readFileSync(path.join(out, "graph.svg"), "utf8");
    expect(svg).toContain("<svg");
    expect(svg).toContain("cluster_0");
    fs.rmSync(out, { recursive: true, force: true });
  });
});
