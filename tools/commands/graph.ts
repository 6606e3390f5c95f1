import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { PROGRAMS, requireProgram } from "../programs";
import { REPO_ROOT } from "../render/mock-runtime";
import { componentNames, componentResources, toDot, toOverviewDot } from "../delivery/graph";
import { componentOf } from "../delivery/diff";
import { didYouMean } from "../../stacks/validate/problem";
import { renderCheckout, RenderAtRefError } from "../delivery/worktree";
import { readOwnership, replaceOwnedFiles } from "../render/output-folder";
import { CommandError, guardOutput, parseArgs, validateStack } from "./shared";

/** The files `platform graph` writes. */
export interface GraphFiles {
  readonly dot: string;
  readonly svg: string;
  /** Resources of the render (all of them, whichever view was drawn). */
  readonly nodes: number;
  /** Nodes drawn: components for the overview, resources otherwise. */
  readonly drawn: number;
}

/** Which graph to draw. @default the component overview */
export interface GraphView {
  /** One component's resources (and those they depend on) as graph-<name>.dot/svg. */
  readonly component?: string;
  /** Every resource as graph-resources.dot/svg (the whole, large sheet). @default false */
  readonly resources?: boolean;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Renders `stack` (in a child process: the Pulumi runtime is global) and writes the graph as
 * DOT and SVG (the latter by Graphviz's `dot`): by default the component overview as
 * `<outDir>/graph.dot|svg`; see {@link GraphView} for the resource-level views.
 */
export async function writeGraph(stack: string, outDir: string, rootDir = REPO_ROOT, view: GraphView = {}): Promise<GraphFiles> {
  const dotProgram = requireProgram(PROGRAMS.dot);
  if (view.component !== undefined && view.resources) throw new CommandError("platform graph: give --component NAME or --resources, not both");
  if (view.component !== undefined && !SAFE_NAME.test(view.component)) {
    throw new CommandError(`platform graph: --component (${JSON.stringify(view.component)}) must be a component's name, e.g. monitoring (letters, digits, . _ -)`);
  }
  validateStack(stack, rootDir);
  guardOutput(() => readOwnership(outDir)); // refuse a folder that is not ours before the render
  let result;
  try {
    result = await renderCheckout(rootDir, stack, "the working tree");
  } catch (e) {
    if (e instanceof RenderAtRefError) throw new CommandError(e.message);
    throw e;
  }
  let base: string;
  let dot: string;
  let drawn: number;
  if (view.component !== undefined) {
    const subset = componentResources(result.resources, view.component);
    if (!subset) {
      const names = componentNames(result.resources);
      const guess = didYouMean(view.component, names);
      throw new CommandError(
        `platform graph: --component (${JSON.stringify(view.component)}) is not a component of ${stack}${guess ? `: did you mean "${guess}"?` : ""} (components: ${names.join(", ")}); nothing was written`,
      );
    }
    base = `graph-${view.component}`;
    // Resources outside the component are clustered under their own top-level component.
    dot = toDot(subset, { title: `${stack}: ${view.component}`, componentOf: componentOf(result.resources) });
    drawn = subset.length;
  } else if (view.resources) {
    base = "graph-resources";
    dot = toDot(result.resources, { title: stack });
    drawn = result.resources.length;
  } else {
    base = "graph";
    dot = toOverviewDot(result.resources, { title: stack });
    drawn = componentNames(result.resources).length;
  }
  const svg = execFileSync(dotProgram, ["-Tsvg"], { input: dot, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
  // Each view is its own writer in the marker: it replaces only its own two files, so the
  // overview, the per-component graphs and a render in the same folder are all kept (see
  // output-folder.ts), and a folder that platform did not write is refused.
  guardOutput(() =>
    replaceOwnedFiles(outDir, base, [
      { path: `${base}.dot`, content: dot },
      { path: `${base}.svg`, content: svg },
    ]),
  );
  return { dot: path.join(outDir, `${base}.dot`), svg: path.join(outDir, `${base}.svg`), nodes: result.resources.length, drawn };
}

/** `platform graph <stack> [--out DIR] [--component NAME | --resources]`: writes out/<stack>/graph*.dot and .svg. */
export async function graphCommand(argv: readonly string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv, ["resources"]);
  const stack = positional[0];
  if (!stack) throw new CommandError("usage: platform graph <stack> [--out DIR] [--component NAME] [--resources]");
  const outDir = typeof flags.out === "string" ? path.resolve(flags.out) : path.join(REPO_ROOT, "out", stack);
  const component = typeof flags.component === "string" ? flags.component : undefined;
  const g = await writeGraph(stack, outDir, REPO_ROOT, { component, resources: flags.resources === true });
  console.log(`graph of ${stack}: ${g.nodes} resources -> ${path.relative(process.cwd(), g.dot)}, ${path.relative(process.cwd(), g.svg)}`);
  if (component !== undefined) console.log(`component ${component}: ${g.drawn} resources drawn (its own and those they depend on)`);
  else if (flags.resources !== true) console.log(`overview: ${g.drawn} components (--component NAME or --resources for resource-level graphs)`);
  return 0;
}
