import * as path from "node:path";
import { REPO_ROOT } from "../render/paths";
import { placeholderWarnings } from "./pin-images";
import { parseArgs, renderStack, table, CommandError } from "./shared";

/** `platform render <stack> [--out DIR]` */
export async function renderCommand(argv: readonly string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const stack = positional[0];
  if (!stack) throw new CommandError("usage: platform render <stack> [--out DIR] [--root DIR] [--chart-dir DIR]");
  const out = typeof flags.out === "string" ? path.resolve(flags.out) : undefined;
  // --root: a folder with Pulumi.yaml and stack files other than the repository's (e.g. an
  // edited copy); the program is still this repository's stacks/index.ts.
  const root = typeof flags.root === "string" ? path.resolve(flags.root) : undefined;
  const chartDir = typeof flags["chart-dir"] === "string" ? path.resolve(flags["chart-dir"]) : undefined;
  const r = await renderStack(stack, out, root, chartDir);
  const byType = new Map<string, number>();
  for (const res of r.result.resources) byType.set(res.type, (byType.get(res.type) ?? 0) + 1);
  const rows = [...byType.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([t, n]) => [t, String(n)]);
  console.log(table(["type", "count"], rows));
  for (const c of r.result.charts ?? []) {
    console.log(c.status === "rendered" ? `\nchart ${c.chart} ${c.version}: ${c.children} objects rendered with Helm from ${path.relative(process.cwd(), c.source ?? "") || c.source}` : `\nWARNING: ${c.message}`);
  }
  for (const w of placeholderWarnings(stack, root ?? REPO_ROOT)) console.log(`\nWARNING: ${w}`);
  console.log(`\nrendered ${stack}: ${r.result.resources.length} resources, ${r.files.length} files in ${path.relative(process.cwd(), r.outDir) || "."} (${Math.round(r.millis)} ms)`);
  return 0;
}
