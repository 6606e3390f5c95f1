// The config reference: every key of the `app-platform:` namespace with its type, meaning,
// allowed values, example and default per environment, read from the zod schema's metadata
// (stacks/schema/meta.ts). Defaults are not written anywhere in the metadata: for each optional
// key, the program's own resolver (resolvePlatform with the environment's defaults table) runs
// on a stack config that omits the key, and the value it fills in is the default. Writes
// docs/config.md (`npm run schema`); a test fails when the committed file is stale.
import { z } from "zod";
import type { DefaultText } from "../../stacks/schema/meta";
import { SECRET_KEYS, configSchema } from "../../stacks/config";
import { ENVIRONMENT_DEFAULTS } from "../../stacks/schema/defaults";
import { resolvePlatform } from "../../stacks/resolve";
import { ENVIRONMENTS, type Environment } from "../../lib/environment";

/** Where the generated reference is committed, relative to the repository root. */
export const REFERENCE_PATH = "docs/config.md";

/** One step of a key's path: a map key, a list item (`[]`), or an entry of a free-form map (`<key>`). */
export type Segment = { readonly kind: "key"; readonly name: string } | { readonly kind: "item" } | { readonly kind: "entry"; readonly name: string };

type Schema = z.core.$ZodType;
type Meta = z.core.GlobalMeta;

/** One documented config key. */
export interface ConfigKey {
  /** Path as the reference writes it: `monitoring.prometheus.retention`, `services[].port`. */
  readonly path: string;
  readonly segments: readonly Segment[];
  /** The key's schema with optional/nullable wrappers removed. */
  readonly schema: Schema;
  /** Whether the key may be left out of its parent. */
  readonly optional: boolean;
  /** Metadata of the key (outer wrappers win over the shared schema it is built from). */
  readonly meta: Meta;
  /** `object`, `list` or `map` when the key holds other keys; `value` otherwise. */
  readonly shape: "object" | "list" | "map" | "value";
  /** The keys above it, outermost first (`chain[i]` is `segments[i]`), each with whether it is optional. */
  readonly chain: readonly { readonly segment: Segment; readonly schema: Schema; readonly optional: boolean }[];
}

const def = (s: Schema): any => (s as any)._zod.def;

/** Removes optional/nullable/default/readonly wrappers; collects their metadata (outer wins). */
function unwrap(s: Schema): { inner: Schema; optional: boolean; meta: Meta } {
  const metas: Meta[] = [];
  let optional = false;
  let cur = s;
  for (;;) {
    const m = z.globalRegistry.get(cur as z.ZodType);
    if (m) metas.push(m);
    const d = def(cur);
    if (d.type === "optional" || d.type === "default" || d.type === "prefault") optional = true;
    if (["optional", "nullable", "default", "prefault", "readonly", "nonoptional"].includes(d.type)) cur = d.innerType;
    else if (d.type === "pipe") cur = d.in;
    else break;
  }
  return { inner: cur, optional, meta: Object.assign({}, ...metas.reverse()) };
}

/** Renders segments as the reference writes paths. */
export function pathText(segments: readonly Segment[]): string {
  let out = "";
  for (const s of segments) {
    if (s.kind === "item") out += "[]";
    else out += (out ? "." : "") + (s.kind === "entry" ? `<${s.name}>` : s.name);
  }
  return out;
}

/** Every key of the config schema, depth first in declaration order. */
export function configKeys(root: Schema = configSchema): ConfigKey[] {
  const out: ConfigKey[] = [];
  const visit = (schema: Schema, segments: Segment[], chain: ConfigKey["chain"]) => {
    const { inner, optional, meta } = unwrap(schema);
    const d = def(inner);
    const shape = d.type === "object" ? "object" : d.type === "array" ? "list" : d.type === "record" ? "map" : "value";
    out.push({ path: pathText(segments), segments, schema: inner, optional, meta, shape, chain });
    const here = [...chain, { segment: segments[segments.length - 1], schema: inner, optional }];
    if (d.type === "object") {
      for (const [name, child] of Object.entries(d.shape as Record<string, Schema>)) visit(child, [...segments, { kind: "key", name }], here);
    } else if (d.type === "array") {
      const el = unwrap(d.element).inner;
      if (["object", "record"].includes(def(el).type)) visitChildren(el, [...segments, { kind: "item" }], [...here, { segment: { kind: "item" }, schema: el, optional: false }]);
    } else if (d.type === "record") {
      const value = unwrap(d.valueType).inner;
      if (def(value).type === "object") {
        const name = def(d.keyType).type === "string" ? "name" : "key";
        visitChildren(value, [...segments, { kind: "entry", name }], [...here, { segment: { kind: "entry", name }, schema: value, optional: false }]);
      }
    }
  };
  const visitChildren = (schema: Schema, segments: Segment[], chain: ConfigKey["chain"]) => {
    for (const [name, child] of Object.entries(def(schema).shape as Record<string, Schema>)) visit(child, [...segments, { kind: "key", name }], chain);
  };
  for (const [name, child] of Object.entries(def(root).shape as Record<string, Schema>)) visit(child, [{ kind: "key", name }], []);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Defaults, read from the resolver

/**
 * A stack config holding only what `schema` requires, each value its first or last example; or
 * (`full`) every key that has an example, set to its last one, and every section and list present.
 */
function minimal(schema: Schema, pick: "first" | "last" | "full", where: string): unknown {
  const { inner, meta } = unwrap(schema);
  const d = def(inner);
  if (d.type === "object") {
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(d.shape as Record<string, Schema>)) {
      if (pick === "full" && (SECRET_KEYS as readonly string[]).includes(name) && where === "app-platform") continue;
      if (!unwrap(child).optional || (pick === "full" && unwrap(child).meta.examples?.length)) out[name] = minimal(child, pick, `${where}.${name}`);
      else if (pick === "full" && def(unwrap(child).inner).type === "object") out[name] = minimal(child, pick, `${where}.${name}`);
    }
    return out;
  }
  if (d.type === "array" && !meta.examples?.length) {
    const min = (d.checks ?? []).find((c: any) => def(c).check === "min_length")?._zod.def.minimum ?? 0;
    return min > 0 || pick === "full" ? [minimal(d.element, pick, `${where}[]`)] : [];
  }
  const examples = meta.examples;
  if (!examples?.length) throw new Error(`${where} is required but has no example in its .meta({ examples }): the reference needs one to build a stack config`);
  return structuredClone(pick === "first" ? examples[0] : examples[examples.length - 1]);
}

/** The value at `segments` of a resolved config (first list item, the example map entry). */
function readAt(resolved: unknown, segments: readonly Segment[], entryNames: readonly string[]): unknown {
  let cur: any = resolved;
  let e = 0;
  for (const s of segments) {
    if (cur === undefined || cur === null) return undefined;
    if (s.kind === "item") cur = Array.isArray(cur) ? cur[0] : undefined;
    else if (s.kind === "entry") cur = cur[entryNames[e++]];
    else cur = cur[s.name];
  }
  return cur;
}

/** How a key's default was read: the key's value per environment, and which key was left unset. */
export interface DerivedDefault {
  /** Value per environment; `undefined` where the program fills in nothing. */
  readonly values: Readonly<Record<Environment, unknown>>;
  /** Environments whose value depends on other keys (differs between example stacks). */
  readonly computed: readonly Environment[];
  /** The key left out to read the default: the key itself, or the optional key above it. */
  readonly unset: string;
}

/**
 * Reads the default of `key`: a stack config holds the keys above it (each with only its
 * required keys, from their examples), leaves out the nearest optional key on its path, and is
 * resolved by the program for each environment. Done again with the last examples, and with
 * every other key set: a value that differs is computed from other keys (required or optional)
 * and must be stated in words.
 * Undefined for a key with no optional key on its path (it is always set).
 */
export function deriveDefault(key: ConfigKey): DerivedDefault | undefined {
  // One step per segment: the keys above (chain[i] is segments[i]) and the key itself.
  const full = [...key.chain, { segment: key.segments[key.segments.length - 1], schema: key.schema, optional: key.optional }];
  let cut = -1;
  for (let i = full.length - 1; i >= 0; i--) {
    if (full[i].optional) {
      cut = i;
      break;
    }
  }
  if (cut < 0) return undefined;
  const entryNames: string[] = [];
  const build = (env: Environment, pick: "first" | "last" | "full") => {
    const config = minimal(configSchema, pick, "app-platform") as Record<string, any>;
    config.environment = env;
    let cur: any = config;
    let parentSchema: Schema = configSchema;
    for (let i = 0; i < cut; i++) {
      const seg = key.segments[i];
      const stepSchema = full[i].schema;
      if (seg.kind === "item") {
        if (cur.length === 0) cur.push(minimal(def(unwrap(parentSchema).inner).element, pick, pathText(key.segments.slice(0, i + 1))));
        cur = cur[0];
      } else if (seg.kind === "entry") {
        const example = unwrap(parentSchema).meta.examples?.[0] as Record<string, unknown> | undefined;
        const name = Object.keys(example ?? {})[0];
        if (!name) throw new Error(`${pathText(key.segments.slice(0, i))} needs an example with one entry to document its entries`);
        if (entryNames.length <= i) entryNames.push(name);
        cur[name] ??= minimal(stepSchema, pick, pathText(key.segments.slice(0, i + 1)));
        cur = cur[name];
      } else {
        cur[seg.name] ??= minimal(stepSchema, pick, pathText(key.segments.slice(0, i + 1)));
        cur = cur[seg.name];
      }
      parentSchema = stepSchema;
    }
    const last = key.segments[cut];
    if (last.kind === "key") delete cur[last.name];
    const parsed = configSchema.safeParse(config);
    if (!parsed.success) {
      throw new Error(`the example stack config for ${key.path} is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")} (fix the examples in .meta())`);
    }
    return readAt(resolvePlatform(parsed.data, ENVIRONMENT_DEFAULTS[env]), key.segments, entryNames);
  };
  const values = {} as Record<Environment, unknown>;
  const computed: Environment[] = [];
  for (const env of ENVIRONMENTS) {
    values[env] = build(env, "first");
    const same = (pick: "last" | "full") => JSON.stringify(build(env, pick)) === JSON.stringify(values[env]);
    if (!same("last") || !same("full")) computed.push(env);
  }
  return { values, computed, unset: pathText(key.segments.slice(0, cut + 1)) };
}

// ---------------------------------------------------------------------------------------------
// Text

/** A value as it would be written in a stack file, in backticks. */
export function valueText(v: unknown): string {
  if (typeof v === "string") return `\`${v}\``;
  return `\`${JSON.stringify(v, null, 1).replace(/\n\s*/g, " ")}\``;
}

/** The default of a key per environment, as text; undefined where neither the program nor the metadata states one. */
export function defaultsText(key: ConfigKey, derived = deriveDefault(key)): Record<Environment, string> | undefined {
  const stated: DefaultText | undefined = key.meta.defaultText;
  const out = {} as Record<Environment, string>;
  for (const env of ENVIRONMENTS) {
    const words = typeof stated === "string" ? stated : stated?.[env];
    const value = derived?.values[env];
    if (words !== undefined) out[env] = words;
    else if (derived && value !== undefined && !derived.computed.includes(env)) out[env] = valueText(value);
    else return undefined;
  }
  return out;
}

/** The JSON Schema of one key's own value (no children), as zod converts it. */
function jsonOf(schema: Schema): Record<string, any> {
  return z.toJSONSchema(schema as z.ZodType, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, any>;
}

/** Type of a key in words. */
export function typeText(key: ConfigKey): string {
  if (key.segments.length === 1 && (SECRET_KEYS as readonly string[]).includes(pathText(key.segments))) return "credential (string, set with `--secret`)";
  const j = jsonOf(key.schema);
  const one = (n: Record<string, any>): string => {
    if (n.enum) return "enum";
    if (n.anyOf) return n.anyOf.map(one).join(" or ");
    if (n.type === "array") return `list of ${one(n.items ?? {})}`;
    if (n.type === "object") return n.properties ? "object" : `map of ${one(n.additionalProperties ?? {})}`;
    return Array.isArray(n.type) ? n.type.join(" or ") : (n.type ?? "any");
  };
  return one(j);
}

/** Rules of a key's value in words: enums, ranges, lengths, and the messages of its checks. */
export function allowedText(key: ConfigKey): string | undefined {
  const parts: string[] = [];
  const j = jsonOf(key.schema);
  if (j.enum) parts.push(`one of ${j.enum.map((v: unknown) => valueText(v)).join(", ")}`);
  // int32() carries the int32 bounds, which are no rule a user needs told.
  const min = j.minimum !== undefined && j.minimum > -2147483648 ? j.minimum : undefined;
  const max = j.maximum !== undefined && j.maximum < 2147483647 ? j.maximum : undefined;
  const kind = j.type === "integer" ? "whole number" : "number";
  if (min !== undefined && max !== undefined) parts.push(`${kind} from ${min} to ${max}`);
  else {
    const lo = j.exclusiveMinimum !== undefined ? `> ${j.exclusiveMinimum}` : min !== undefined ? `≥ ${min}` : undefined;
    const hi = j.exclusiveMaximum !== undefined ? `< ${j.exclusiveMaximum}` : max !== undefined ? `≤ ${max}` : undefined;
    if (lo || hi) parts.push([kind, lo, hi].filter(Boolean).join(" "));
    else if (j.type === "integer") parts.push(kind);
  }
  if (j.minItems) parts.push(`at least ${j.minItems} item${j.minItems > 1 ? "s" : ""}`);
  if (j.format === "email" || j.items?.format === "email") parts.push("e-mail addresses");
  const checks = (s: Schema): string[] => {
    const msgs: string[] = [];
    for (const c of def(s).checks ?? []) {
      const cd = def(c);
      // zod keeps a message given as `{ error: "..." }` as a function of the issue.
      const raw = typeof cd.error === "function" ? cd.error({ code: cd.check, input: undefined }) : cd.error;
      const err = typeof raw === "string" ? raw : raw?.message;
      if (typeof err !== "string") {
        if (cd.format === "starts_with") msgs.push(`must start with "${cd.prefix}"`);
        continue;
      }
      // A refinement's message carries its reason after a colon; the rule alone reads better here.
      msgs.push(cd.check === "custom" ? err.split(": ")[0] : err);
    }
    return msgs;
  };
  // Numbers' ranges are stated above; strings' rules only in their checks' messages.
  if (def(key.schema).type === "string") parts.push(...checks(key.schema));
  const el = def(key.schema).type === "array" ? unwrap(def(key.schema).element).inner : undefined;
  if (el && def(el).type !== "object") {
    const itemRules = checks(el);
    const ej = jsonOf(el);
    if (ej.enum) itemRules.unshift(`one of ${ej.enum.map((v: unknown) => valueText(v)).join(", ")}`);
    if (itemRules.length) parts.push(`each item ${itemRules.join("; ")}`);
  }
  if (key.meta.allowed) parts.push(key.meta.allowed);
  return parts.length ? [...new Set(parts)].join("; ") : undefined;
}

/** Whether the reference documents a key's value (a leaf or a free-form map) rather than only its children. */
export function isValueKey(key: ConfigKey): boolean {
  if (key.shape === "value") return true;
  if (key.shape === "map") return def(unwrap(def(key.schema).valueType).inner).type !== "object";
  if (key.shape === "list") return !["object", "record"].includes(def(unwrap(def(key.schema).element).inner).type);
  return false;
}

/** One line of a key's example as it appears in a stack file. */
function exampleText(key: ConfigKey): string | undefined {
  const ex = key.meta.examples;
  if (!ex?.length) return undefined;
  return ex.map((v) => valueText(v)).join(", ");
}

/** The default text of a key, one line: the same in all environments or side by side. */
export function defaultLine(key: ConfigKey, texts: Record<Environment, string> | undefined, derived: DerivedDefault | undefined): string {
  const alwaysSet = !key.optional && (!derived || derived.unset === key.path || !texts);
  if (alwaysSet) return "required";
  // A section's value is the sum of its keys' defaults, each documented on its own.
  if (!isValueKey(key) && key.meta.defaultText === undefined && key.shape !== "list") return "the defaults of its keys, below";
  const prefix = !key.optional && derived ? `required when \`${derived.unset}\` is set; when it is unset: ` : "";
  if (!texts) return `${prefix}none`;
  if (typeof key.meta.defaultText === "string") return prefix + key.meta.defaultText;
  const all = ENVIRONMENTS.map((e) => texts[e]);
  if (all.every((t) => t === all[0])) return `${prefix}${all[0]} (every environment)`;
  return prefix + ENVIRONMENTS.map((e) => `${e} ${texts[e]}`).join(" · ");
}

/** Everything the reference says of one key. */
export interface KeyReference {
  readonly key: ConfigKey;
  readonly type: string;
  readonly allowed?: string;
  readonly defaults?: Record<Environment, string>;
  readonly defaultLine: string;
  readonly example?: string;
}

/** The reference entries of every key, in schema order. */
export function keyReferences(): KeyReference[] {
  return configKeys().map((key) => {
    const derived = deriveDefault(key);
    const defaults = defaultsText(key, derived);
    return {
      key,
      type: typeText(key),
      allowed: isValueKey(key) ? allowedText(key) : undefined,
      defaults,
      defaultLine: defaultLine(key, defaults, derived),
      example: exampleText(key),
    };
  });
}

/** Markdown of the whole reference, grouped by top-level key. */
export function configReferenceText(refs: readonly KeyReference[] = keyReferences()): string {
  const lines: string[] = [
    "# Stack configuration reference",
    "",
    "<!-- Generated from the zod schema (stacks/schema/*.ts) by `npm run schema`; do not edit by hand. -->",
    "",
    "Every key of the `app-platform:` namespace of a `Pulumi.<stack>.yaml` file. Paths are written",
    "from the namespace down: `monitoring.prometheus.retention` is",
    "",
    "```yaml",
    "config:",
    "  app-platform:monitoring:",
    "    prometheus:",
    "      retention: 30d",
    "```",
    "",
    "`services[].port` is the `port` of each item of the `services` list, and `<name>` stands for a",
    "map key you choose. **Default** is what the program uses when the key is left out, per",
    "environment (`dev`, `staging`, `production`), read from the program itself (stacks/resolve.ts",
    "and the table in stacks/schema/defaults.ts); *required when `x` is set* means the key must be",
    "given whenever its parent `x` is, and the default shown applies when `x` is left out.",
    "The same descriptions and defaults are in `schema/stack-config.schema.json`, which editors show",
    "on hover.",
    "",
  ];
  // A section per top-level map or list; the top-level single values together, and the credentials.
  const sections = new Map<string, KeyReference[]>();
  const about = new Map<string, string>([
    ["General", "the stack's environment and cluster."],
    ["Credentials", "secrets issued elsewhere, set with `pulumi config set --secret`."],
  ]);
  for (const r of refs) {
    const top = (r.key.segments[0] as { name: string }).name;
    const first = refs.find((o) => (o.key.segments[0] as { name: string }).name === top)!;
    const section = first.key.shape !== "value" ? top : (SECRET_KEYS as readonly string[]).includes(top) ? "Credentials" : "General";
    if (section === top) about.set(top, firstSentence(first.key.meta.description ?? ""));
    sections.set(section, [...(sections.get(section) ?? []), r]);
  }
  lines.push("## Sections", "");
  for (const top of sections.keys()) lines.push(`- [${top === "General" || top === "Credentials" ? top : `\`${top}\``}](#${top.toLowerCase()}) — ${about.get(top)}`);
  lines.push("");
  for (const [top, rs] of sections) {
    lines.push(`## ${top}`, "");
    for (const r of rs) {
      lines.push(`### \`${r.key.path}\``, "");
      if (r.key.meta.description) lines.push(r.key.meta.description, "");
      const facts = [`- **Type**: ${r.type}`];
      if (r.allowed) facts.push(`- **Allowed**: ${r.allowed}`);
      facts.push(`- **Default**: ${r.defaultLine}`);
      if (r.example) facts.push(`- **Example**: ${r.example}`);
      lines.push(...facts, "");
      if (r.key.meta.entries) lines.push(...entriesTable(r), "");
    }
  }
  return lines.join("\n").replace(/\n+$/, "\n");
}

/** A map's known entries (meta `entries`): name, meaning and the default per environment, as text. */
export interface EntryReference {
  readonly name: string;
  readonly meaning: string;
  readonly defaults: Readonly<Record<Environment, string | undefined>>;
}

/** The known entries of a map key with their defaults, read from the resolver like every default. */
export function entryReferences(key: ConfigKey): EntryReference[] {
  const entries = key.meta.entries;
  if (!entries) return [];
  const derived = deriveDefault(key);
  return Object.entries(entries).map(([name, meaning]) => {
    const defaults = {} as Record<Environment, string | undefined>;
    for (const env of ENVIRONMENTS) {
      const v = (derived?.values[env] as Record<string, unknown> | undefined)?.[name];
      defaults[env] = v === undefined ? undefined : valueText(v);
    }
    return { name, meaning, defaults };
  });
}

/** A table of a map's known entries with their meaning and default per environment. */
function entriesTable(r: KeyReference): string[] {
  const rows = ["| Entry | Meaning | dev | staging | production |", "|---|---|---|---|---|"];
  for (const e of entryReferences(r.key)) {
    rows.push(`| \`${e.name}\` | ${e.meaning.replace(/\|/g, "\\|")} | ${ENVIRONMENTS.map((env) => e.defaults[env] ?? "").join(" | ")} |`);
  }
  return rows;
}

/** The first sentence of a description, for the table of sections. */
export function firstSentence(text: string): string {
  // "e.g. x" does not end a sentence; a full stop before a capital (or the end) does.
  const m = /^(.*?[.!?])(\s+[A-Z]|\s*$)/s.exec(text);
  return (m ? m[1] : text).replace(/\s+/g, " ");
}
