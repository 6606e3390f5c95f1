import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { PROGRAMS, requireProgram } from "../programs";
import { REPO_ROOT } from "../render/mock-runtime";
import { toDot } from "../delivery/graph";
import { renderCheckout, RenderAtRefError } from "../delivery/worktree";
import { readOwnership, replaceOwnedFiles } from "../render/output-folder";
import { CommandError, guardOutput, parseArgs, validateStack } from "./shared";

/** The files `platform graph` writes. */
export interface GraphFiles {
  readonly dot: string;
  readonly svg: string;
  readonly nodes: number;
}

/**
 * Renders `stack` (in a child process: the Pulumi runtime is global) and writes
 * `<outDir>/graph.dot` and `<outDir>/graph.svg` (the latter by Graphviz's `dot`).
 */
export async function writeGraph(stack: string, outDir: string, rootDir = REPO_ROOT): Promise<GraphFiles> {
  const dotProgram = requireProgram(PROGRAMS.dot);
  validateStack(stack, rootDir);
  guardOutput(() => readOwnership(outDir)); // refuse a folder that is not ours before the render
  let result;
  try {
    result = await renderCheckout(rootDir, stack, "the working tree");
  } catch (e) {
    if (e instanceof RenderAtRefError) throw new CommandError(e.message);
    throw e;
  }
  const dot = toDot(result.resources, { title: stack });
  const svg = execFileSync(dotProgram, ["-Tsvg"], { input: dot, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
  // Only graph.dot and graph.svg are replaced: a render in the same folder is kept, and a
  // folder that platform did not write is refused (see output-folder.ts).
  guardOutput(() =>
    replaceOwnedFiles(outDir, "graph", [
      { path: "graph.dot", content: dot },
      { path: "graph.svg", content: svg },
    ]),
  );
  return { dot: path.join(outDir, "graph.dot"), svg: path.join(outDir, "graph.svg"), nodes: result.resources.length };
}

/** `platform graph <stack> [--out DIR]`: writes out/<stack>/graph.dot and graph.svg. */
export async function graphCommand(argv: readonly string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const stack = positional[0];
  if (!stack) throw new CommandError("usage: platform graph <stack> [--out DIR]");
  const outDir = typeof flags.out === "string" ? path.resolve(flags.out) : path.join(REPO_ROOT, "out", stack);
  const g = await writeGraph(stack, outDir);
  console.log(`graph of ${stack}: ${g.nodes} resources -> ${path.relative(process.cwd(), g.dot)}, ${path.relative(process.cwd(), g.svg)}`);
  return 0;
}
