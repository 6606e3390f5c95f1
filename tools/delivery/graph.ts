/**
 * The rendered resource graph as Graphviz DOT: one cluster per top-level component, solid
 * edges from parent to child, dashed edges for dependsOn (explicit and implicit). Pure:
 * resources in, text out; `platform graph` runs Debian's `dot` for the SVG.
 */
import type { RenderedResource } from "../render/mock-runtime";
import { componentOf } from "./diff";

/** Options of {@link toDot}. */
export interface DotOptions {
  /** Graph title (the stack name). */
  readonly title: string;
  /** Draw dependsOn edges as well as parent edges. @default true */
  readonly dependsOn?: boolean;
}

/** A DOT string literal. */
export function dotString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** The short form of a type token for a node label: `kubernetes:apps/v1:Deployment` -> `Deployment`. */
export function shortType(type: string): string {
  return type.split(":").pop() ?? type;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The graph of `resources` in DOT. Node ids are URNs, so two resources never collide. */
export function toDot(resources: readonly RenderedResource[], opts: DotOptions): string {
  const withDeps = opts.dependsOn ?? true;
  const comp = componentOf(resources);
  const known = new Set(resources.map((r) => r.urn));
  const groups = new Map<string, RenderedResource[]>();
  for (const r of resources) {
    if (r.type === STACK_TYPE) continue;
    const c = comp.get(r.urn) ?? "(stack)";
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c)!.push(r);
  }
  const lines: string[] = [];
  lines.push(`digraph ${dotString(opts.title)} {`);
  lines.push(`  graph [rankdir=LR, fontname="Helvetica", label=${dotString(`app-platform: ${opts.title}`)}, labelloc=t, compound=true];`);
  lines.push(`  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];`);
  lines.push(`  edge [color="#555555", arrowsize=0.6];`);
  const stack = resources.find((r) => r.type === STACK_TYPE);
  if (stack) lines.push(`  ${dotString(stack.urn)} [label=${dotString(`stack ${stack.name}`)}, shape=ellipse, fillcolor="#e8e8e8"];`);
  let i = 0;
  for (const [name, members] of [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    lines.push(`  subgraph ${dotString(`cluster_${i++}`)} {`);
    lines.push(`    label=${dotString(name)}; style="rounded"; color="#7a7a7a";`);
    for (const r of members) {
      const fill = r.custom ? "#ffffff" : "#dbe9f6";
      lines.push(`    ${dotString(r.urn)} [label=${dotString(`${shortType(r.type)}\n${r.name}`)}, fillcolor="${fill}"];`);
    }
    lines.push("  }");
  }
  for (const r of resources) {
    if (r.parent && known.has(r.parent)) lines.push(`  ${dotString(r.parent)} -> ${dotString(r.urn)};`);
  }
  if (withDeps) {
    for (const r of resources) {
      for (const d of new Set(r.dependsOn)) {
        if (known.has(d) && d !== r.parent) lines.push(`  ${dotString(r.urn)} -> ${dotString(d)} [style=dashed, color="#c0392b"];`);
      }
    }
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
