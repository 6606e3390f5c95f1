import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../tools/harness/processes";
import { renderInChild, stackFolder } from "../../../tools/render/subprocess";
import { parseArgs, table } from "../../../tools/commands/shared";
import { edited, stackYaml } from "../../stacks/fixtures";
import { platform } from "./cli-support";

const P = "app-platform:";

describe("platform render", () => {
  it("prints every problem of a bad stack without a stack trace and exits 2", async () => {
    const values = edited("production", (v) => {
      v.clusterPlatform = "EKS";
      v.services[0].replicas = { min: 4, max: 2 };
      v.services[0].portt = 8080;
    });
    const root = stackFolder("bad", stackYaml(values));
    const out = path.join(tempDir("render-out"), "bad");
    const r = await platform(["render", "bad", "--root", root, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      'invalid configuration for stack "bad" (4 problems):',
      `  - ${P}clusterPlatform ("EKS") must be one of "eks", "gke", "aks", "kind", "generic": did you mean "eks"?`,
      `  - ${P}services[0].portt (8080) is not a known key: did you mean "port"? Rename it`,
      // a misspelt key no longer hides the same service's other faults
      `  - ${P}services[0].replicas.min (4) must be <= replicas.max (2)`,
      // production keeps the idle colour at the serving size (replicas.min) by default
      `  - ${P}services[0].idleReplicas (4) must be <= replicas.max (2)`,
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("names the known stacks when the stack does not exist", async () => {
    const r = await platform(["render", "prod"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^no stack file Pulumi\.prod\.yaml in \S+; known stacks: dev, production, staging$/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("prints usage for a missing stack argument and for an unknown command", async () => {
    const noStack = await platform(["render"]);
    expect(noStack.code).toBe(2);
    expect(noStack.stderr.trim()).toBe("usage: platform render <stack> [--out DIR] [--root DIR] [--chart-dir DIR]");
    const unknown = await platform(["rendr", "dev"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('platform: unknown command "rendr"');
    expect(unknown.stderr).toContain("usage: platform <command> [args]");
  });

  it.each(["dev", "staging", "production"])(
    "renders %s: a table of types and counts, a resource count line, files on disk, no secret in output",
    async (stack) => {
      const out = path.join(tempDir("render-out"), stack);
      const [r, child] = await Promise.all([platform(["render", stack, "--out", out]), renderInChild({ stack })]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      if (!child.ok) throw new Error(child.stderr);
      const resources = child.result.resources;

      // Without the placeholder-digest warnings (production's example orders-api; pin-images.test.ts checks them).
      const all = r.stdout.trimEnd().split("\n");
      const lines = all.filter((l, i) => !l.startsWith("WARNING: app-platform:") && !(l === "" && all[i + 1]?.startsWith("WARNING: app-platform:")));
      expect(lines[0]).toMatch(/^type\s+count$/);
      expect(lines[1]).toMatch(/^-+\s+-+$/);
      const blank = lines.indexOf("");
      const rows = lines.slice(2, blank).map((l) => {
        const m = /^(\S+)\s+(\d+)$/.exec(l);
        if (!m) throw new Error(`not a table row: ${l}`);
        return [m[1], Number(m[2])] as const;
      });
      const expected = new Map<string, number>();
      for (const res of resources) expected.set(res.type, (expected.get(res.type) ?? 0) + 1);
      expect(rows).toEqual([...expected.entries()].sort((a, b) => a[0].localeCompare(b[0])));
      // every file but the marker that says a render wrote this folder
      const written = fs.readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name !== ".platform-render.json");
      // the chart's children, rendered with Helm from the pinned chart the tests point at
      const charts = (child.result.charts ?? []).filter((c) => c.status === "rendered");
      expect(charts.length).toBeGreaterThan(0);
      expect(lines.slice(blank + 1, blank + 1 + 2 * charts.length)).toEqual(
        charts.flatMap((c) => [expect.stringMatching(new RegExp(`^chart ${c.chart} ${String(c.version).replace(/\./g, "\\.")}: ${c.children} objects rendered with Helm from \\S+$`)), ""]),
      );
      expect(lines[blank + 1 + 2 * charts.length]).toMatch(new RegExp(`^rendered ${stack}: ${resources.length} resources, ${written.length} files in \\S+ \\(\\d+ ms\\)$`));
      expect(lines.length).toBe(blank + 2 + 2 * charts.length);

      const onDisk = JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8"));
      expect(onDisk.resources.length).toBe(resources.length);
      for (const secret of child.result.secretValues) {
        expect(r.stdout).not.toContain(secret);
        expect(r.stderr).not.toContain(secret);
      }
    },
  );
});

describe("command helpers", () => {
  it("parses positionals, --flag value, --flag=value and switches", () => {
    expect(parseArgs(["dev", "--out", "x", "--base=main", "--verbose"], ["verbose"])).toEqual({
      positional: ["dev"],
      flags: { out: "x", base: "main", verbose: true },
    });
    expect(parseArgs(["--json", "dev"], ["json"])).toEqual({ positional: ["dev"], flags: { json: true } });
    expect(parseArgs(["--last"])).toEqual({ positional: [], flags: { last: true } });
  });

  it("aligns table columns", () => {
    expect(table(["type", "count"], [["a:b", "1"], ["long:type", "12"]])).toBe(
      ["type       count", "---------  -----", "a:b        1", "long:type  12"].join("\n"),
    );
  });
});
