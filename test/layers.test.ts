import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cycles, importEdges, sourceFiles, specifiers, type ImportEdge } from "./support/imports";

// The architecture of DESIGN.md ("Layers — data flows one way"), checked on every import instead
// of by review (what dependency-cruiser does in large TypeScript codebases; it needs Node 22, so
// this walks the imports with the TypeScript compiler's own pre-processor).

const ROOT = path.resolve(__dirname, "..");

type Layer = "lib" | "components" | "stacks" | "policy" | "cli" | "harness" | "test";

/**
 * The layer of a repository file. `tools/harness` (real programs on loopback) and `tools/bench`
 * are development tools built on the harness; the rest of `tools/` is the `platform` command,
 * which must start without them.
 */
export function layerOf(file: string): Layer | undefined {
  const [top, second] = file.split("/");
  switch (top) {
    case "lib":
    case "components":
    case "stacks":
    case "policy":
    case "test":
      return top;
    case "tools":
      return second === "harness" || second === "bench" ? "harness" : "cli";
    default:
      return undefined;
  }
}

/** Which layers each layer may import (itself included). Nothing but tests imports `test/`. */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  lib: ["lib"],
  components: ["components", "lib"],
  stacks: ["stacks", "components", "lib"],
  // The policy pack runs on its own under the Pulumi CLI: it may share pure code, nothing else.
  policy: ["policy", "lib"],
  cli: ["cli", "stacks", "components", "lib", "policy"],
  harness: ["harness", "cli", "stacks", "components", "lib", "policy"],
  test: ["test", "harness", "cli", "stacks", "components", "lib", "policy"],
};

/** Import edges that break {@link ALLOWED}, as `from -> to` lines. */
export function violations(edges: readonly ImportEdge[]): string[] {
  const out = new Set<string>();
  for (const e of edges) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (!from || !to) continue;
    if (!ALLOWED[from].includes(to)) out.add(`${e.from} -> ${e.to}`);
  }
  return [...out].sort();
}

const PRODUCT_DIRS = ["lib", "components", "stacks", "policy", "tools"];

describe("the import scanner", () => {
  it("sees static, type-only, re-export, dynamic and require imports, not look-alikes in comments or strings", () => {
    const source = [
      'import * as a from "./a";',
      'import type { B } from "../b";',
      'export { c } from "./c";',
      'export * from "./d";',
      'const e = await import("./e");',
      'const f = require("./f");',
      '// import { g } from "./g";',
      'const h = "import { h } from \\"./h\\"";',
    ].join("\n");
    expect(specifiers(source).sort()).toEqual(["../b", "./a", "./c", "./d", "./e", "./f"]);
  });

  it("classifies a components file importing stacks/ as a violation, and stacks importing components as fine", () => {
    expect(
      violations([
        { from: "components/app/pod.ts", to: "stacks/resolve.ts", specifier: "../../stacks/resolve" },
        { from: "stacks/platform.ts", to: "components/app/index.ts", specifier: "../components/app" },
        { from: "tools/commands/check.ts", to: "tools/harness/processes.ts", specifier: "../harness/processes" },
        { from: "tools/bench/backup.ts", to: "test/integration/backup/harness.ts", specifier: "x" },
        { from: "policy/lib/images.ts", to: "lib/images.ts", specifier: "../../lib/images" },
      ]),
    ).toEqual([
      "components/app/pod.ts -> stacks/resolve.ts",
      "tools/bench/backup.ts -> test/integration/backup/harness.ts",
      "tools/commands/check.ts -> tools/harness/processes.ts",
    ]);
  });

  it("finds a cycle of three files and ignores a chain", () => {
    const e = (from: string, to: string): ImportEdge => ({ from, to, specifier: to });
    expect(cycles([e("a", "b"), e("b", "c"), e("c", "a"), e("c", "d")])).toEqual([["a", "b", "c"]]);
    expect(cycles([e("a", "b"), e("b", "c")])).toEqual([]);
  });
});

describe("layers point one way (DESIGN.md)", () => {
  const files = sourceFiles(ROOT, [...PRODUCT_DIRS, "test"]);
  const { edges, unresolved } = importEdges(ROOT, files);

  it("every relative import resolves to a file", () => {
    expect(unresolved.map((u) => `${u.from}: ${u.specifier}`)).toEqual([]);
  });

  it("stacks -> components -> lib; tools -> stacks/components/lib/policy; the platform command not on tools/harness or tools/bench; nothing imports test/", () => {
    expect(violations(edges)).toEqual([]);
  });

  it("no import cycles among product files", () => {
    const product = edges.filter((e) => layerOf(e.from) !== "test" && layerOf(e.to) !== "test");
    expect(cycles(product).map((c) => c.join(" <-> "))).toEqual([]);
  });
});
