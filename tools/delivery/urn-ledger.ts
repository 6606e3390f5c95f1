/**
 * The URN ledger: every URN a stack's program registers, committed in `docs/urns/<stack>.txt`,
 * so that a change which would delete a deployed resource (a rename, a new type or parent
 * without an alias) fails a test instead of surfacing in `pulumi up` as a delete and a create.
 * Pure: renders and ledger text in, plain data out.
 *
 * URNs are computed as Pulumi's engine computes them, not taken from the mock runtime's
 * registrations: the mock monitor prefixes only the parent's own type (and keeps
 * `pulumi:pulumi:Stack$` on top-level resources), while the engine writes the whole parent type
 * chain and drops the root stack's type (`urn:pulumi:<stack>::<project>::<parent
 * types$>type::name`, as @pulumi/pulumi's `createUrn` and the engine's `resource.NewURN` build
 * it). Aliases follow the engine as well: a spec alias replaces the name, type, parent, stack or
 * project it sets; `noParent` puts the resource under the stack; a full URN is taken as is; and
 * each alias of a parent gives its children an inherited alias (the same child type and name
 * under the parent's old URN, with the parent's old name as prefix when the child's name starts
 * with the parent's new one), down the whole tree.
 */
import type { RenderedResource } from "../render/rendered-resource";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** One registered resource with the URN the engine gives it and the old URNs its aliases name. */
export interface EngineResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Every URN this resource also answers to: its own aliases and those inherited from its parents. */
  readonly aliases: readonly string[];
}

/** The parts of a URN: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
export interface UrnParts {
  readonly stack: string;
  readonly project: string;
  /** The parent types and the type, joined by `$`. */
  readonly qualifiedType: string;
  readonly name: string;
}

/** Splits a URN; names may contain `::` (everything after the third `::` is the name). */
export function parseUrn(urn: string): UrnParts {
  const m = /^urn:pulumi:(.*?)::(.*?)::(.*?)::(.*)$/s.exec(urn);
  if (!m) throw new Error(`not a Pulumi URN: ${urn} (expected urn:pulumi:<stack>::<project>::<type>::<name>)`);
  return { stack: m[1], project: m[2], qualifiedType: m[3], name: m[4] };
}

/** The last type of a URN's type chain (the resource's own type). */
export function urnType(urn: string): string {
  const chain = parseUrn(urn).qualifiedType.split("$");
  return chain[chain.length - 1];
}

/**
 * A URN as the engine builds it: the parent's whole type chain before the type, except when the
 * parent is the root stack (or there is none).
 */
export function newUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
  const parentType = parentUrn === undefined ? "" : parseUrn(parentUrn).qualifiedType;
  const prefix = parentType === "" || parentType === STACK_TYPE ? "" : `${parentType}$`;
  return `urn:pulumi:${stack}::${project}::${prefix}${type}::${name}`;
}

/** An alias as the mock runtime records it (the SDK's Alias message, `toObject()`). */
interface RecordedAlias {
  readonly urn?: string;
  readonly spec?: { name?: string; type?: string; stack?: string; project?: string; parenturn?: string; noparent?: boolean };
}

/**
 * The engine's URN and alias URNs of every registered resource, in registration order.
 * `stack` and `project` are the render's.
 */
export function engineResources(resources: readonly RenderedResource[], stack: string, project: string): EngineResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const done = new Map<string, EngineResource>();
  // A parent's recorded URN (the mock's) -> its engine URN; a URN the render does not hold (a
  // parent named only in an alias) is taken as written.
  const engineUrnOf = (recorded: string | undefined): string | undefined => {
    if (recorded === undefined || recorded === "") return undefined;
    const r = byUrn.get(recorded);
    return r ? compute(r).urn : recorded;
  };
  const compute = (r: RenderedResource, depth = 0): EngineResource => {
    const known = done.get(r.urn);
    if (known) return known;
    if (depth > 1000) throw new Error(`parent cycle at ${r.urn}`);
    const parent = r.parent !== undefined ? byUrn.get(r.parent) : undefined;
    const parentEngine = parent ? compute(parent, depth + 1) : undefined;
    const parentUrn = parentEngine?.urn ?? (r.parent || undefined);
    const urn = r.type === STACK_TYPE ? newUrn(stack, project, undefined, r.type, r.name) : newUrn(stack, project, parentUrn, r.type, r.name);

    const own: string[] = [];
    for (const raw of r.options?.aliases ?? []) {
      const a = raw as RecordedAlias | string;
      if (typeof a === "string") own.push(a);
      else if (a.urn) own.push(a.urn);
      else if (a.spec) {
        const s = a.spec;
        const aliasParent = s.noparent ? undefined : s.parenturn ? engineUrnOf(s.parenturn) : parentUrn;
        own.push(newUrn(s.stack || stack, s.project || project, aliasParent, s.type || r.type, s.name || r.name));
      }
    }
    const inherited: string[] = [];
    if (parent && parentEngine) {
      for (const parentAlias of parentEngine.aliases) {
        inherited.push(inheritedChildAlias(r.type, r.name, parent.name, parentAlias));
        for (const o of own) inherited.push(inheritedChildAlias(urnType(o), parseUrn(o).name, parent.name, parentAlias));
      }
    }
    const aliases = [...new Set([...own, ...inherited])].filter((x) => x !== urn);
    const out: EngineResource = { urn, type: r.type, name: r.name, aliases };
    done.set(r.urn, out);
    return out;
  };
  return resources.map((r) => compute(r));
}

/**
 * The alias a child gets from one alias of its parent: under the parent's old URN, and renamed
 * with the parent's old name when its name starts with the parent's current name (components
 * name children `${name}-<role>`).
 */
export function inheritedChildAlias(childType: string, childName: string, parentName: string, parentAlias: string): string {
  const p = parseUrn(parentAlias);
  const name = childName.startsWith(parentName) ? p.name + childName.slice(parentName.length) : childName;
  return newUrn(p.stack, p.project, parentAlias, childType, name);
}

/** A URN deleted on purpose, with why. */
export interface RetiredUrn {
  readonly urn: string;
  readonly reason: string;
}

/** A stack's ledger file. */
export interface UrnLedger {
  /** URNs that must stay registered, or be named by an alias of a registered resource. */
  readonly urns: readonly string[];
  /** URNs deleted on purpose. */
  readonly retired: readonly RetiredUrn[];
}

/** Folder of the ledgers, from the repository root. */
export const LEDGER_DIR = "docs/urns";
/** The ledger of a stack, from the repository root. */
export const ledgerPath = (stack: string): string => `${LEDGER_DIR}/${stack}.txt`;
/** The command that writes the ledgers. */
export const LEDGER_COMMAND = "npm run urns";
const RETIRED_HEADING = "## retired";

/** Reads a ledger file; `file` names it in errors. */
export function parseLedger(text: string, file: string): UrnLedger {
  const urns: string[] = [];
  const retired: RetiredUrn[] = [];
  let inRetired = false;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith(RETIRED_HEADING)) {
      inRetired = true;
      return;
    }
    if (line === "" || line.startsWith("#")) return;
    const at = `${file}:${i + 1}`;
    const cut = line.indexOf(" # ");
    const urn = (cut < 0 ? line : line.slice(0, cut)).trim();
    const note = cut < 0 ? "" : line.slice(cut + 3).trim();
    try {
      parseUrn(urn);
    } catch (e) {
      throw new Error(`${at}: ${(e as Error).message}`);
    }
    if (!inRetired) urns.push(urn);
    else if (note === "") throw new Error(`${at}: the retired URN ${urn} needs a reason after " # " (why the resource was deleted on purpose)`);
    else retired.push({ urn, reason: note });
  });
  return { urns, retired };
}

/** Writes a ledger file; `aliasedBy` annotates kept old URNs with the URN whose alias names them. */
export function formatLedger(stack: string, ledger: UrnLedger, aliasedBy: ReadonlyMap<string, string> = new Map()): string {
  const lines = [
    `# URNs of stack ${stack}, as Pulumi's engine computes them from the program's registrations`,
    "# (chart objects included), with the services' colours as committed and flipped (a release",
    `# deletes and creates per-colour objects by design). Written by \`${LEDGER_COMMAND}\`; test/delivery/urn-ledger.test.ts fails`,
    "# when a URN below is neither registered nor named by an alias of a registered resource (Pulumi",
    "# would delete that resource and create another), and when the program registers a URN that is",
    "# not listed. An old URN stays listed while an alias names it. A resource deleted on purpose is",
    `# moved to "${RETIRED_HEADING}" with the reason (\`${LEDGER_COMMAND} -- --retire "<why>"\`).`,
    ...[...ledger.urns].sort().map((u) => (aliasedBy.has(u) ? `${u} # aliased by ${aliasedBy.get(u)}` : u)),
    "",
    `${RETIRED_HEADING} (deleted on purpose: URN # reason)`,
    ...ledger.retired.map((r) => `${r.urn} # ${r.reason}`),
  ];
  return lines.join("\n") + "\n";
}

/** What a render does to a ledger. */
export interface LedgerCheck {
  /** Ledger URNs neither registered, nor named by an alias, nor retired: Pulumi would delete them. */
  readonly missing: readonly string[];
  /** Registered URNs the ledger does not list (new resources: regenerate the ledger). */
  readonly unlisted: readonly string[];
  /** Ledger URNs not registered but named by an alias: old URN -> the registered URN. */
  readonly aliased: ReadonlyMap<string, string>;
}

/** Compares a render's resources with a ledger. */
export function checkLedger(ledger: UrnLedger, resources: readonly EngineResource[]): LedgerCheck {
  const registered = new Set(resources.map((r) => r.urn));
  const aliasOwner = new Map<string, string>();
  for (const r of resources) for (const a of r.aliases) if (!aliasOwner.has(a)) aliasOwner.set(a, r.urn);
  const listed = new Set(ledger.urns);
  const retired = new Set(ledger.retired.map((r) => r.urn));
  const missing: string[] = [];
  const aliased = new Map<string, string>();
  for (const u of ledger.urns) {
    if (registered.has(u)) continue;
    const by = aliasOwner.get(u);
    if (by !== undefined) aliased.set(u, by);
    else if (!retired.has(u)) missing.push(u);
  }
  const unlisted = [...registered].filter((u) => !listed.has(u)).sort();
  return { missing, unlisted, aliased };
}

/**
 * The ledger after a render: every registered URN, plus old URNs an alias still names. Missing
 * URNs are retired with `retireReason`; without one they are an error naming each and the fix.
 */
export function updateLedger(
  stack: string,
  old: UrnLedger,
  resources: readonly EngineResource[],
  retireReason?: string,
): { ledger: UrnLedger; check: LedgerCheck } {
  const check = checkLedger(old, resources);
  if (check.missing.length > 0 && !retireReason) throw new Error(missingMessage(stack, check.missing));
  const registered = new Set(resources.map((r) => r.urn));
  const stillRetired = old.retired.filter((r) => !registered.has(r.urn));
  const newlyRetired = check.missing.map((urn) => ({ urn, reason: retireReason! }));
  return {
    ledger: { urns: [...new Set([...registered, ...check.aliased.keys()])].sort(), retired: [...stillRetired, ...newlyRetired] },
    check,
  };
}

/** The error for URNs a render no longer registers and no alias names. */
export function missingMessage(stack: string, missing: readonly string[]): string {
  return [
    `${ledgerPath(stack)}: ${missing.length} URN(s) are neither registered nor named by an alias: \`pulumi up -s ${stack}\` would delete these resources (and create any that replace them):`,
    ...missing.map((u) => `  ${u}`),
    `Fix: if a resource was renamed, retyped or moved to another parent, add an alias to it (aliases: [{ name | type | parent: <old> }], see README "Refactoring without redeploying");`,
    `if the deletion is intended, record it: ${LEDGER_COMMAND} -- --retire "<why>" (it moves them to the retired section).`,
  ].join("\n");
}

/** The error for registered URNs the ledger does not list. */
export function unlistedMessage(stack: string, unlisted: readonly string[]): string {
  return [
    `${ledgerPath(stack)}: ${unlisted.length} registered URN(s) are not in the ledger (new resources): run \`${LEDGER_COMMAND}\` and commit ${ledgerPath(stack)}:`,
    ...unlisted.map((u) => `  ${u}`),
  ].join("\n");
}
