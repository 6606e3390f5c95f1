/**
 * Compares two renders of one stack (a base git ref and the working tree) resource by
 * resource, the way `pulumi preview --diff` would see them: by URN, with renames matched up
 * and flagged as replacements unless an alias covers them. Pure: renders in, plain data out.
 */
import YAML from "yaml";
import type { RenderedResource } from "../render/mock-runtime";
import { replacementReason } from "./replacement";
import { engineResources, parseUrn } from "./urn-ledger";

/** The marker the renderer puts where a secret value was. */
export const SECRET_MARKER = "[secret]";

/** One changed input of a resource. */
export interface PropertyChange {
  /**
   * Display path, e.g. `spec.template.spec.containers[0].image` or
   * `metadata.labels["app.kubernetes.io/name"]`; `#` enters a JSON or YAML document held in a
   * string: `data["slo.json"]#panels[2].title`.
   */
  readonly path: string;
  /** Value in the base; undefined when the property was added. */
  readonly old?: unknown;
  /** Value in the working tree; undefined when the property was removed. */
  readonly new?: unknown;
  /** True when either side is a secret: no value may be shown. */
  readonly secret: boolean;
  /** Why this change forces a replacement; undefined for an in-place update. */
  readonly replaces?: string;
}

/** What happens to one resource. */
export type ChangeKind = "add" | "remove" | "update" | "replace";

/** One resource that differs between base and head. */
export interface ResourceChange {
  readonly kind: ChangeKind;
  readonly type: string;
  /** Resource name (the head's for updates and replacements). */
  readonly name: string;
  readonly urn: string;
  /** The base URN when a rename was matched (aliased or not). */
  readonly oldUrn?: string;
  /** Name of the top-level component the resource belongs to (`(stack)` for direct children of the stack). */
  readonly component: string;
  /** Input changes (updates and replacements). */
  readonly changes: PropertyChange[];
  /** Why the resource is replaced (kind "replace"). */
  readonly replaceReasons: string[];
  /** True when a rename is covered by an alias (an update, not a replacement). */
  readonly aliased?: boolean;
}

/** The comparison of two renders. */
export interface StackDiff {
  readonly changes: ResourceChange[];
  /** Resources identical in both renders. */
  readonly unchanged: number;
  readonly counts: Readonly<Record<ChangeKind, number>>;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The top-level component of each resource: the ancestor whose parent is the stack (or the
 * resource itself), as `name` — what a reader knows it by in stacks/platform.ts.
 */
export function componentOf(resources: readonly RenderedResource[]): Map<string, string> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const out = new Map<string, string>();
  for (const r of resources) {
    if (r.type === STACK_TYPE) continue;
    let cur = r;
    for (let guard = 0; guard < 1000; guard++) {
      const parent = cur.parent ? byUrn.get(cur.parent) : undefined;
      if (!parent || parent.type === STACK_TYPE) break;
      cur = parent;
    }
    out.set(r.urn, cur.parent === undefined && cur === r ? "(stack)" : cur.name);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Appends a key to a display path, quoting keys that are not plain identifiers. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return base && !base.endsWith("#") ? `${base}.${key}` : `${base}${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** True when a value holds a secret marker anywhere inside. */
export function containsSecret(v: unknown): boolean {
  if (v === SECRET_MARKER) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (isPlainObject(v)) return Object.values(v).some(containsSecret);
  return false;
}

/**
 * Property-level differences of two input trees. Objects and arrays are walked element by
 * element, so a changed image shows as `spec.template.spec.containers[0].image`.
 */
export function propertyChanges(oldV: unknown, newV: unknown, base = ""): PropertyChange[] {
  if (isPlainObject(oldV) && isPlainObject(newV)) {
    const keys = [...new Set([...Object.keys(oldV), ...Object.keys(newV)])].sort();
    return keys.flatMap((k) => propertyChanges(oldV[k], newV[k], joinPath(base, k)));
  }
  if (Array.isArray(oldV) && Array.isArray(newV)) {
    const byName = namedElements(oldV, newV);
    if (byName) {
      // Kubernetes merges these lists by `name` (containers, env, ports, volumes): an inserted
      // env var is one addition, not every later element shifted by one.
      const names = [...new Set([...byName.old.keys(), ...byName.new.keys()])];
      return names.flatMap((n) => propertyChanges(byName.old.get(n), byName.new.get(n), `${base}[name=${n}]`));
    }
    const n = Math.max(oldV.length, newV.length);
    const out: PropertyChange[] = [];
    for (let i = 0; i < n; i++) out.push(...propertyChanges(oldV[i], newV[i], joinPath(base, i)));
    return out;
  }
  if (deepEqual(oldV, newV)) return [];
  if (typeof oldV === "string" && typeof newV === "string") {
    // Dashboards, rule files and configs travel as JSON or YAML text inside ConfigMaps and
    // Secrets; one changed threshold should read as one changed field, not two 30 kB strings.
    const a = parseDocument(oldV);
    const b = parseDocument(newV);
    if (a !== undefined && b !== undefined) return propertyChanges(a, b, `${base}#`);
  }
  return [{ path: base, old: oldV, new: newV, secret: containsSecret(oldV) || containsSecret(newV) }];
}

/** The object or list a multi-line JSON or YAML text holds, or undefined for any other string. */
export function parseDocument(text: string): unknown {
  if (text.length < 40 || !text.includes("\n")) return undefined;
  try {
    const t = text.trimStart();
    // Only text with a YAML map key or list item on some line is worth a YAML parse (scripts
    // and plain lines are not, and parsing them dominates the diff of a large render).
    if (!(t.startsWith("{") || t.startsWith("[")) && !/^\s*(- |[^\s#][^\n]*?:(\s|$))/m.test(text)) return undefined;
    const v = t.startsWith("{") || t.startsWith("[") ? JSON.parse(text) : YAML.parse(text);
    return v !== null && typeof v === "object" ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Both lists keyed by their elements' unique `name`, when every element has one and the
 * names differ in membership or order; undefined otherwise (index paths read better then).
 */
function namedElements(a: unknown[], b: unknown[]): { old: Map<string, unknown>; new: Map<string, unknown> } | undefined {
  const key = (list: unknown[]): string[] | undefined => {
    const names = list.map((e) => (isPlainObject(e) && typeof e.name === "string" ? e.name : undefined));
    if (names.some((n) => n === undefined) || new Set(names).size !== names.length) return undefined;
    return names as string[];
  };
  const ka = key(a);
  const kb = key(b);
  if (!ka || !kb || ka.length + kb.length === 0) return undefined;
  if (ka.length === kb.length && ka.every((n, i) => n === kb[i])) return undefined;
  return { old: new Map(ka.map((n, i) => [n, a[i]])), new: new Map(kb.map((n, i) => [n, b[i]])) };
}

/** Structural equality of JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function k8sIdentity(r: RenderedResource): string | undefined {
  if (!r.type.startsWith("kubernetes:")) return undefined;
  const md = r.inputs.metadata;
  if (!isPlainObject(md) || typeof md.name !== "string") return undefined;
  return `${r.type}|${typeof md.namespace === "string" ? md.namespace : ""}|${md.name}`;
}

/**
 * A name with its numbers blanked: `orders-v1-db` and `orders-v2-db` share a shape. Colours
 * are kept: `x-hpa-blue` and `x-hpa-green` are two resources (a colour flip moves the HPA),
 * not one renamed.
 */
export function nameShape(name: string): string {
  return name.replace(/\d+/g, "#");
}

/**
 * Pairs removed and added resources that are one resource renamed: an alias that names the
 * old URN (the resource's own or one inherited from a parent's, any type), else the same type
 * and either the same name under a renamed parent, the same Kubernetes object identity, or the
 * same name shape when it is the only candidate.
 */
function matchRenames(
  removed: RenderedResource[],
  added: RenderedResource[],
  base: readonly RenderedResource[],
  head: readonly RenderedResource[],
): { base: RenderedResource; head: RenderedResource; aliased: boolean }[] {
  const pairs: { base: RenderedResource; head: RenderedResource; aliased: boolean }[] = [];
  const baseLeft = new Set(removed);
  const headLeft = new Set(added);
  const renamed = new Map<string, string>(); // base URN -> head URN
  const take = (b: RenderedResource, h: RenderedResource, aliased: boolean) => {
    pairs.push({ base: b, head: h, aliased });
    baseLeft.delete(b);
    headLeft.delete(h);
    renamed.set(b.urn, h.urn);
  };
  // Aliases as the engine resolves them (urn-ledger.ts): a head resource whose own or inherited
  // alias URN is a base resource's URN is that resource, whatever its new name, type or parent.
  const stackOf = base[0] ?? head[0];
  if (stackOf && removed.length > 0 && added.length > 0) {
    const { stack, project } = parseUrn(stackOf.urn);
    const baseEngine = engineResources(base, stack, project);
    const baseByEngineUrn = new Map(base.map((r, i) => [baseEngine[i].urn, r]));
    const headEngine = new Map(engineResources(head, stack, project).map((e, i) => [head[i], e]));
    for (const h of added) {
      const b = (headEngine.get(h)?.aliases ?? []).map((a) => baseByEngineUrn.get(a)).find((x) => x !== undefined && baseLeft.has(x));
      if (b) take(b, h, true);
    }
  }
  const rules: ((b: RenderedResource, h: RenderedResource) => boolean)[] = [
    (b, h) => b.name === h.name,
    (b, h) => k8sIdentity(b) !== undefined && k8sIdentity(b) === k8sIdentity(h),
  ];
  for (const rule of rules) {
    for (const h of [...headLeft]) {
      const b = [...baseLeft].find((x) => x.type === h.type && rule(x, h));
      if (b) take(b, h, false);
    }
  }
  // Same type and name shape: only when unambiguous, to avoid pairing two unrelated services.
  for (const h of [...headLeft]) {
    const candidates = [...baseLeft].filter((x) => x.type === h.type && nameShape(x.name) === nameShape(h.name));
    const rivals = [...headLeft].filter((x) => x.type === h.type && nameShape(x.name) === nameShape(h.name));
    if (candidates.length === 1 && rivals.length === 1) take(candidates[0], h, false);
  }
  return pairs;
}

function updateOf(b: RenderedResource, h: RenderedResource, component: string, renamed: "aliased" | "unaliased" | "none"): ResourceChange | undefined {
  const changes = propertyChanges(b.inputs, h.inputs).map((c) => {
    const replaces = replacementReason(h.type, c.path, h.options.replaceOnChanges);
    return replaces ? { ...c, replaces } : c;
  });
  const reasons = changes.filter((c) => c.replaces).map((c) => `${c.path} (${c.replaces})`);
  if (renamed === "unaliased") reasons.unshift(`renamed from \`${b.name}\` without an alias: the URN changes (add an alias to keep it)`);
  if (changes.length === 0 && renamed === "none") return undefined;
  return {
    kind: reasons.length > 0 ? "replace" : "update",
    type: h.type,
    name: h.name,
    urn: h.urn,
    oldUrn: renamed === "none" ? undefined : b.urn,
    component,
    changes,
    replaceReasons: reasons,
    aliased: renamed === "aliased" || undefined,
  };
}

/** Compares the resources of two renders of the same stack. */
export function diffResources(base: readonly RenderedResource[], head: readonly RenderedResource[]): StackDiff {
  const baseByUrn = new Map(base.map((r) => [r.urn, r]));
  const headByUrn = new Map(head.map((r) => [r.urn, r]));
  const baseComp = componentOf(base);
  const headComp = componentOf(head);
  const changes: ResourceChange[] = [];
  let unchanged = 0;

  for (const h of head) {
    const b = baseByUrn.get(h.urn);
    if (!b || h.type === STACK_TYPE) continue;
    const u = updateOf(b, h, headComp.get(h.urn) ?? "(stack)", "none");
    if (u) changes.push(u);
    else unchanged++;
  }
  const removed = base.filter((r) => !headByUrn.has(r.urn) && r.type !== STACK_TYPE);
  const added = head.filter((r) => !baseByUrn.has(r.urn) && r.type !== STACK_TYPE);
  const pairs = matchRenames(removed, added, base, head);
  const paired = new Set(pairs.flatMap((p) => [p.base.urn, p.head.urn]));
  for (const p of pairs) {
    const u = updateOf(p.base, p.head, headComp.get(p.head.urn) ?? "(stack)", p.aliased ? "aliased" : "unaliased");
    if (u) changes.push(u);
    else unchanged++;
  }
  for (const r of added) {
    if (paired.has(r.urn)) continue;
    changes.push({ kind: "add", type: r.type, name: r.name, urn: r.urn, component: headComp.get(r.urn) ?? "(stack)", changes: [], replaceReasons: [] });
  }
  for (const r of removed) {
    if (paired.has(r.urn)) continue;
    changes.push({ kind: "remove", type: r.type, name: r.name, urn: r.urn, component: baseComp.get(r.urn) ?? "(stack)", changes: [], replaceReasons: [] });
  }
  const order: Record<ChangeKind, number> = { replace: 0, remove: 1, add: 2, update: 3 };
  changes.sort((a, b) => a.component.localeCompare(b.component) || order[a.kind] - order[b.kind] || a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  const counts = { add: 0, remove: 0, update: 0, replace: 0 };
  for (const c of changes) counts[c.kind]++;
  return { changes, unchanged, counts };
}
