import * as path from "node:path";
import { CHECK_STAGES } from "../check";
import { PolicyConfigError, readStackPackConfig } from "../policy";
import { parseArgs, renderStack, table, CommandError } from "./shared";

/** `platform check <stack>`: render, then every check stage; non-zero on any failure. */
export async function checkCommand(argv: readonly string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const stack = positional[0];
  if (!stack) throw new CommandError("usage: platform check <stack> [--root DIR] [--chart-dir DIR]");
  // --root: a folder with Pulumi.yaml and stack files other than the repository's (as render).
  const root = typeof flags.root === "string" ? path.resolve(flags.root) : undefined;
  const chartDir = typeof flags["chart-dir"] === "string" ? path.resolve(flags["chart-dir"]) : undefined;
  // The policy stage needs the stack's policy config: a new stack without one is told now,
  // not after the render and the other stages.
  try {
    readStackPackConfig(stack);
  } catch (e) {
    if (e instanceof PolicyConfigError) throw new CommandError(`platform check: ${e.message}; every stack needs one (README: "Adding a stack")`);
    throw e;
  }
  const r = await renderStack(stack, root && path.join(root, "out", stack), root, chartDir);
  const rows: string[][] = [["render", "ok", `${r.result.resources.length} resources, ${r.files.length} files, ${Math.round(r.millis)} ms`]];
  const problems: string[] = [];
  const report: string[] = [];
  let failed = false;
  for (const stage of CHECK_STAGES) {
    const started = performance.now();
    const res = await stage.run({ stack, outDir: r.outDir, result: r.result, files: r.files, config: r.config });
    rows.push([stage.name, res.ok ? "ok" : "FAIL", `${res.summary} (${Math.round(performance.now() - started)} ms)`]);
    if (!res.ok) failed = true;
    for (const p of res.problems) problems.push(`[${stage.name}] ${p}`);
    report.push(...(res.reportLines ?? []));
  }
  console.log(`check ${stack}\n`);
  console.log(table(["stage", "result", "summary"], rows));
  if (report.length) console.log("\n" + report.join("\n"));
  if (problems.length) console.log("\n" + problems.join("\n"));
  console.log(`\n${failed ? "FAILED" : "passed"}: ${stack}`);
  return failed ? 1 : 0;
}
