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
  /** Top-level component of each resource, for a subset whose ancestors are not all drawn. @default worked out from `resources` */
  readonly componentOf?: ReadonlyMap<string, string>;
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
  const comp = opts.componentOf ?? componentOf(resources);
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

/** One component resource (`custom: false`, not the stack) in the overview. */
export interface OverviewComponent {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  /** The layer: the module of its top-level component's type (`app-platform:monitoring:X` -> `monitoring`). */
  readonly layer: string;
  /** The enclosing component's URN, when it is nested in one. */
  readonly parent?: string;
  /** Custom resources it owns directly (not those of nested components). */
  readonly resources: number;
}

/** Edges between two components, aggregated from their resources. */
export interface OverviewEdge {
  readonly from: string;
  readonly to: string;
  /** dependsOn: how many (resource, dependency) pairs; data flow: the Secrets read, `namespace/name`. */
  readonly count: number;
  readonly secrets?: readonly string[];
}

/** The component-level view of a render. */
export interface Overview {
  readonly components: readonly OverviewComponent[];
  /** `from` has resources that dependsOn resources of `to` (the parent link itself not counted). */
  readonly dependsOn: readonly OverviewEdge[];
  /** A workload of `to` reads a Secret that `from` creates (secretKeyRef, secretRef, volume secretName). */
  readonly dataFlow: readonly OverviewEdge[];
}

function isComponent(r: RenderedResource): boolean {
  return !r.custom && r.type !== STACK_TYPE;
}

/** The component each resource belongs to: itself for a component, else its nearest component ancestor. */
export function owningComponent(resources: readonly RenderedResource[]): Map<string, string> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const out = new Map<string, string>();
  for (const r of resources) {
    let cur: RenderedResource | undefined = r;
    for (let guard = 0; cur && guard < 1000; guard++) {
      if (isComponent(cur)) {
        out.set(r.urn, cur.urn);
        break;
      }
      cur = cur.parent ? byUrn.get(cur.parent) : undefined;
    }
  }
  return out;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"]);

/** The Secret names a workload's inputs refer to (env secretKeyRef, envFrom secretRef, volume secret). */
function secretRefs(v: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(v)) for (const x of v) secretRefs(x, out);
  else if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    for (const key of ["secretKeyRef", "secretRef"]) {
      const ref = o[key] as { name?: unknown } | undefined;
      if (ref && typeof ref.name === "string") out.add(ref.name);
    }
    const vol = o.secret as { secretName?: unknown } | undefined;
    if (vol && typeof vol.secretName === "string") out.add(vol.secretName);
    for (const x of Object.values(o)) secretRefs(x, out);
  }
  return out;
}

function metadataOf(r: RenderedResource): { name?: string; namespace?: string } {
  const m = (r.inputs as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
  return { name: typeof m?.name === "string" ? m.name : undefined, namespace: typeof m?.namespace === "string" ? m.namespace : undefined };
}

/** Components, their layers, and the dependsOn and Secret data-flow edges between them. */
export function overviewOf(resources: readonly RenderedResource[]): Overview {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const owner = owningComponent(resources);
  const topOf = (urn: string): RenderedResource => {
    let cur = byUrn.get(urn)!;
    for (let guard = 0; guard < 1000; guard++) {
      const p = cur.parent ? byUrn.get(cur.parent) : undefined;
      if (!p || !isComponent(p)) break;
      cur = p;
    }
    return cur;
  };
  const owned = new Map<string, number>();
  for (const r of resources) if (r.custom && owner.has(r.urn)) owned.set(owner.get(r.urn)!, (owned.get(owner.get(r.urn)!) ?? 0) + 1);
  const components: OverviewComponent[] = resources.filter(isComponent).map((r) => {
    const top = topOf(r.urn);
    const parent = r.parent && byUrn.get(r.parent) && isComponent(byUrn.get(r.parent)!) ? r.parent : undefined;
    return { urn: r.urn, name: r.name, type: r.type, layer: top.type.split(":")[1] ?? top.type, parent, resources: owned.get(r.urn) ?? 0 };
  });

  const deps = new Map<string, number>();
  for (const r of resources) {
    const from = owner.get(r.urn);
    if (!from) continue;
    for (const d of new Set(r.dependsOn)) {
      const to = owner.get(d);
      if (!to || to === from || d === r.parent) continue;
      const key = `${from}\n${to}`;
      deps.set(key, (deps.get(key) ?? 0) + 1);
    }
  }

  // Secrets by namespace/name; a workload without a namespace is not matched (we cannot tell where it runs).
  const secrets = new Map<string, RenderedResource>();
  for (const r of resources) {
    if (r.type !== "kubernetes:core/v1:Secret") continue;
    const m = metadataOf(r);
    if (m.name && m.namespace) secrets.set(`${m.namespace}/${m.name}`, r);
  }
  const flow = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!r.type.startsWith("kubernetes:") || !WORKLOAD_KINDS.has(shortType(r.type))) continue;
    const ns = metadataOf(r).namespace;
    const to = owner.get(r.urn);
    if (!ns || !to) continue;
    for (const name of secretRefs(r.inputs, new Set())) {
      const s = secrets.get(`${ns}/${name}`);
      const from = s && owner.get(s.urn);
      if (!from || from === to) continue;
      const key = `${from}\n${to}`;
      if (!flow.has(key)) flow.set(key, new Set());
      flow.get(key)!.add(`${ns}/${name}`);
    }
  }
  const edges = (m: Map<string, number>) =>
    [...m.entries()].map(([k, count]) => ({ from: k.split("\n")[0], to: k.split("\n")[1], count })).sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return {
    components,
    dependsOn: edges(deps),
    dataFlow: [...flow.entries()]
      .map(([k, s]) => ({ from: k.split("\n")[0], to: k.split("\n")[1], count: s.size, secrets: [...s].sort() }))
      .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
  };
}

/** Layers from the bottom of the platform up; an unknown layer goes last. */
const LAYER_ORDER = ["foundation", "secrets", "datastores", "backup", "exporters", "monitoring", "app"];

/**
 * The component overview in DOT: one node per component, clustered by layer, with one dashed
 * edge per component pair for dependsOn (labelled with the number of resource-level edges),
 * bold blue edges for Secrets one component creates and another's workload reads, dotted
 * edges from a component to the components nested in it, and a legend cluster.
 */
export function toOverviewDot(resources: readonly RenderedResource[], opts: { readonly title: string }): string {
  const ov = overviewOf(resources);
  const lines: string[] = [];
  lines.push(`digraph ${dotString(opts.title)} {`);
  lines.push(`  graph [rankdir=TB, fontname="Helvetica", label=${dotString(`app-platform: ${opts.title} (components)`)}, labelloc=t, newrank=true, nodesep=0.3, ranksep=0.5];`);
  lines.push(`  node [shape=box, style="rounded,filled", fillcolor="#dbe9f6", fontname="Helvetica", fontsize=10];`);
  lines.push(`  edge [fontname="Helvetica", fontsize=9, arrowsize=0.6];`);
  const layers = [...new Set(ov.components.map((c) => c.layer))].sort((a, b) => {
    const ia = LAYER_ORDER.indexOf(a);
    const ib = LAYER_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  for (const [i, layer] of layers.entries()) {
    lines.push(`  subgraph ${dotString(`cluster_layer_${i}`)} {`);
    lines.push(`    label=${dotString(`layer: ${layer}`)}; style="rounded,dashed"; color="#7a7a7a";`);
    for (const c of ov.components.filter((c) => c.layer === layer)) {
      const nested = c.parent !== undefined;
      lines.push(
        `    ${dotString(c.urn)} [label=${dotString(`${c.name}\n${shortType(c.type)} · ${c.resources} resources`)}${nested ? `, shape=component, fillcolor="#eef4fa"` : ""}];`,
      );
    }
    lines.push("  }");
  }
  for (const c of ov.components) if (c.parent) lines.push(`  ${dotString(c.parent)} -> ${dotString(c.urn)} [style=dotted, color="#7a7a7a", arrowhead=odiamond];`);
  for (const e of ov.dependsOn) lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [style=dashed, color="#c0392b", label=${dotString(String(e.count))}];`);
  for (const e of ov.dataFlow) {
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [style=bold, color="#1f6fb2", label=${dotString((e.secrets ?? []).join("\n"))}, fontcolor="#1f6fb2", constraint=false];`);
  }
  lines.push(`  subgraph "cluster_legend" {`);
  lines.push(`    label="legend"; style="rounded"; color="#bbbbbb"; fontsize=10;`);
  lines.push(`    node [fontsize=9];`);
  lines.push(`    "legend_component" [label="component\\n(type · custom resources it owns)"];`);
  lines.push(`    "legend_nested" [label="nested component", shape=component, fillcolor="#eef4fa"];`);
  lines.push(`    "legend_a" [label="A", shape=plaintext, style=""]; "legend_b" [label="B", shape=plaintext, style=""];`);
  lines.push(`    "legend_c" [label="C", shape=plaintext, style=""]; "legend_d" [label="D", shape=plaintext, style=""];`);
  lines.push(`    "legend_a" -> "legend_b" [style=dashed, color="#c0392b", label="N: N dependsOn links from\\nresources of A to resources of B"];`);
  lines.push(`    "legend_c" -> "legend_d" [style=bold, color="#1f6fb2", fontcolor="#1f6fb2", label="ns/name: a workload of D\\nreads Secret ns/name that C creates"];`);
  lines.push(`    "legend_component" -> "legend_nested" [style=dotted, color="#7a7a7a", arrowhead=odiamond, label="contains"];`);
  lines.push("  }");
  lines.push("}");
  return lines.join("\n") + "\n";
}

/**
 * The resources of one component (its own, and those of components nested in it) and the
 * resources outside it that they depend on, for {@link toDot}. Undefined for an unknown name.
 */
export function componentResources(resources: readonly RenderedResource[], name: string): RenderedResource[] | undefined {
  const root = resources.find((r) => isComponent(r) && r.name === name);
  if (!root) return undefined;
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const inside = new Set<string>();
  for (const r of resources) {
    for (let cur: RenderedResource | undefined = r, guard = 0; cur && guard < 1000; cur = cur.parent ? byUrn.get(cur.parent) : undefined, guard++) {
      if (cur.urn === root.urn) {
        inside.add(r.urn);
        break;
      }
    }
  }
  const deps = new Set<string>();
  for (const u of inside) for (const d of byUrn.get(u)!.dependsOn) if (!inside.has(d) && byUrn.has(d)) deps.add(d);
  return resources.filter((r) => inside.has(r.urn) || deps.has(r.urn));
}

/** The names `--component` accepts: every component resource. */
export function componentNames(resources: readonly RenderedResource[]): string[] {
  return resources.filter(isComponent).map((r) => r.name);
}
