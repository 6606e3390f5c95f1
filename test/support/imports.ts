import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/** One import edge between two files of the repository (paths relative to the root, `/`-separated). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  /** The specifier as written, e.g. `../../stacks/config`. */
  readonly specifier: string;
}

/** Folders that hold project code; `node_modules`, `out` and dot-folders are never scanned. */
const SKIP = new Set(["node_modules", "out", "coverage"]);

/** Every `.ts`/`.js` file under `dirs` (relative to `root`), sorted. */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || SKIP.has(entry.name)) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (/\.(ts|js|cjs|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) found.push(child);
    }
  };
  for (const d of dirs) walk(d);
  return found.sort();
}

/**
 * Module specifiers a file refers to: static imports and re-exports (type-only ones too: they
 * are dependencies of the source even though they vanish at run time), `import()` and
 * `require()`. Uses the TypeScript compiler's own pre-processor, so comments and strings that
 * merely look like imports are not counted.
 */
export function specifiers(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** Resolves a relative specifier the way Node/TypeScript would for this repository's files. */
export function resolveRelative(root: string, from: string, specifier: string): string | undefined {
  const base = path.join(path.dirname(path.join(root, from)), specifier);
  const candidates = [base, `${base}.ts`, `${base}.js`, path.join(base, "index.ts"), path.join(base, "index.js"), base.replace(/\.js$/, ".ts")];
  for (const c of candidates) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return path.relative(root, c).split(path.sep).join("/");
  }
  return undefined;
}

/** Every relative import edge among `files`; unresolvable specifiers are returned separately. */
export function importEdges(root: string, files: readonly string[]): { edges: ImportEdge[]; unresolved: ImportEdge[] } {
  const edges: ImportEdge[] = [];
  const unresolved: ImportEdge[] = [];
  for (const from of files) {
    const source = fs.readFileSync(path.join(root, from), "utf8");
    for (const specifier of specifiers(source)) {
      if (!specifier.startsWith(".")) continue;
      const to = resolveRelative(root, from, specifier);
      if (to) edges.push({ from, to, specifier });
      else unresolved.push({ from, to: specifier, specifier });
    }
  }
  return { edges, unresolved };
}

/** Strongly connected components with more than one file (import cycles), each sorted (Tarjan). */
export function cycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const e of edges) {
    if (!graph.has(e.from)) graph.set(e.from, []);
    if (!graph.has(e.to)) graph.set(e.to, []);
    graph.get(e.from)!.push(e.to);
  }
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}
