/**
 * Markdown for a stack diff, sized for a pull-request comment: GitHub refuses comments over
 * 65,536 characters (the failure mode of pulumi/actions' comment-on-pr), so the text is cut
 * at a limit with a note saying what was left out. Pure: diff in, string out.
 */
import type { ChangeKind, PropertyChange, ResourceChange, StackDiff } from "./diff";
import type { SecretConfigChange } from "./secrets";

/** Default upper bound of the whole Markdown text, below GitHub's 65,536-character limit. */
export const DEFAULT_MAX_CHARS = 60_000;
/** Longest value shown for one side of a property change; longer ones are cut with their length. */
export const MAX_VALUE_CHARS = 160;
/** Most property changes listed for one resource. */
export const MAX_PROPERTIES_PER_RESOURCE = 40;

/** What {@link formatDiff} needs. */
export interface DiffReport {
  readonly stack: string;
  /** The git ref compared against, as the user gave it. */
  readonly baseRef: string;
  /** Its commit, shown abbreviated. */
  readonly baseCommit?: string;
  readonly diff: StackDiff;
  readonly secretConfig: readonly SecretConfigChange[];
  /** Names of head resources with secret inputs (which a changed secret reaches). */
  readonly resourcesWithSecrets: readonly string[];
  /** Changes of the stack's outputs (what `pulumi stack output` will show). @default none */
  readonly outputs?: readonly PropertyChange[];
}

/** Options of {@link formatDiff}. */
export interface FormatOptions {
  /** Upper bound of the output length. @default DEFAULT_MAX_CHARS */
  readonly maxChars?: number;
}

const SYMBOL: Record<ChangeKind, string> = { add: "+", remove: "-", update: "~", replace: "+-" };
const VERB: Record<ChangeKind, string> = { add: "add", remove: "delete", update: "update", replace: "replace" };

/** A value as inline code, cut to {@link MAX_VALUE_CHARS}. */
export function formatValue(v: unknown): string {
  if (v === undefined) return "_(none)_";
  let s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  if (s.length > MAX_VALUE_CHARS) s = `${s.slice(0, MAX_VALUE_CHARS)}… (${s.length} chars)`;
  return code(s);
}

function code(s: string): string {
  return s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``;
}

/**
 * A long multi-line text (a script in a ConfigMap) as a line summary: lines added and
 * removed, and the first line that differs; two cut 8 kB strings would say nothing.
 */
export function textChange(oldText: string, newText: string): string {
  const a = oldText.split("\n");
  const b = newText.split("\n");
  const count = (lines: string[]) => lines.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const ca = count(a);
  const cb = count(b);
  let added = 0;
  let removed = 0;
  for (const [l, n] of cb) added += Math.max(0, n - (ca.get(l) ?? 0));
  for (const [l, n] of ca) removed += Math.max(0, n - (cb.get(l) ?? 0));
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `text, ${a.length} → ${b.length} lines (+${added} −${removed}); first difference at line ${i + 1}: ${formatValue(a[i])} → ${formatValue(b[i])}`;
}

/** One property line; secrets never show a value. */
export function formatChange(c: PropertyChange): string {
  let body: string;
  if (c.secret) {
    const what = c.old === undefined ? "added" : c.new === undefined ? "removed" : "changed";
    body = `[secret] ${what}`;
  } else if (typeof c.old === "string" && typeof c.new === "string" && (c.old.includes("\n") || c.new.includes("\n")) && Math.max(c.old.length, c.new.length) > MAX_VALUE_CHARS) {
    body = textChange(c.old, c.new);
  } else {
    body = `${formatValue(c.old)} → ${formatValue(c.new)}`;
  }
  return `  - ${code(c.path)}: ${body}${c.replaces ? ` — **forces replacement** (${c.replaces})` : ""}`;
}

function resourceBlock(r: ResourceChange): string {
  const head = `- **\`${SYMBOL[r.kind]}\` ${VERB[r.kind]}** ${code(r.type)} **${r.name}**`;
  const lines = [head];
  if (r.oldUrn && r.aliased) lines[0] += ` (renamed, covered by an alias)`;
  for (const reason of r.replaceReasons) if (reason.startsWith("renamed")) lines.push(`  - ⚠ ${reason}`);
  const shown = r.changes.slice(0, MAX_PROPERTIES_PER_RESOURCE);
  for (const c of shown) lines.push(formatChange(c));
  if (r.changes.length > shown.length) lines.push(`  - … ${r.changes.length - shown.length} more property changes`);
  return lines.join("\n") + "\n";
}

/** The one-line summary: `2 to add, 1 to update, 1 to replace, 0 to delete`. */
export function summaryLine(d: StackDiff): string {
  const c = d.counts;
  return `${c.add} to add, ${c.update} to update, ${c.replace} to replace, ${c.remove} to delete`;
}

/** True when the report shows any change (resources or secret config). */
export function hasChanges(r: DiffReport): boolean {
  return r.diff.changes.length > 0 || r.secretConfig.length > 0 || (r.outputs ?? []).length > 0;
}

/**
 * The diff as Markdown: a summary first (counts, replacements, secret config), then the
 * resources grouped by component. At most `maxChars` characters; when cut, the last lines
 * say where and how much was left out.
 */
export function formatDiff(r: DiffReport, opts: FormatOptions = {}): string {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const d = r.diff;
  const base = `\`${r.baseRef}\`${r.baseCommit ? ` (${r.baseCommit.slice(0, 12)})` : ""}`;
  const header: string[] = [];
  header.push(`### \`${r.stack}\`: ${hasChanges(r) ? summaryLine(d) : "no changes"}`);
  header.push("");
  header.push(`Base ${base} → working tree · ${d.unchanged} unchanged · rendered offline under mocks (\`pulumi preview\` against the real state is the authority).`);
  header.push("");
  const replacements = d.changes.filter((c) => c.kind === "replace");
  if (replacements.length > 0) {
    header.push(`> [!WARNING]`);
    header.push(`> **${replacements.length} replacement${replacements.length === 1 ? "" : "s"}** (deleted and re-created):`);
    for (const c of replacements.slice(0, 20)) header.push(`> - ${code(c.type)} **${c.name}**: ${c.replaceReasons.join("; ")}`);
    if (replacements.length > 20) header.push(`> - … ${replacements.length - 20} more, listed below`);
    header.push("");
  }
  if (r.secretConfig.length > 0) {
    header.push(`**Secret config:** ${r.secretConfig.map((s) => `${code(s.key)}: [secret] ${s.kind}`).join(", ")}.`);
    if (r.resourcesWithSecrets.length > 0) {
      const names = r.resourcesWithSecrets.slice(0, 15).map((n) => code(n)).join(", ");
      const more = r.resourcesWithSecrets.length > 15 ? ` and ${r.resourcesWithSecrets.length - 15} more` : "";
      header.push(`The offline render cannot see secret values: a secret value may have changed for the resources with secret inputs (${names}${more}).`);
    }
    header.push("");
  }

  const outputs = r.outputs ?? [];
  if (outputs.length > 0) {
    header.push(`**Stack outputs:**`);
    for (const c of outputs.slice(0, 20)) header.push(formatChange(c).replace(/^  /, ""));
    if (outputs.length > 20) header.push(`- … ${outputs.length - 20} more`);
    header.push("");
  }

  const blocks: { text: string; kind?: ChangeKind }[] = [];
  let component: string | undefined;
  for (const c of d.changes) {
    if (c.component !== component) {
      component = c.component;
      const inGroup = d.changes.filter((x) => x.component === component);
      blocks.push({ text: `\n#### ${component === "(stack)" ? "stack resources" : `component ${code(component)}`} (${inGroup.length})\n\n` });
    }
    blocks.push({ text: resourceBlock(c), kind: c.kind });
  }

  let out = header.join("\n");
  const total = out.length + blocks.reduce((n, b) => n + b.text.length, 0);
  // Room for the cut note, so that the note itself never pushes the text over the limit.
  const reserve = 600;
  let i = 0;
  if (total <= maxChars) {
    for (const b of blocks) out += b.text;
    return out;
  }
  for (; i < blocks.length; i++) {
    if (out.length + blocks[i].text.length > maxChars - reserve) break;
    out += blocks[i].text;
  }
  const left = blocks.slice(i).filter((b) => b.kind);
  const byKind = (["replace", "remove", "add", "update"] as const)
    .map((k) => [k, left.filter((b) => b.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${VERB[k]}`)
    .join(", ");
  let note = `\n\n---\n> ✂️ **Output cut here** at ${out.length} of ${total} characters (limit ${maxChars}): ${left.length} of ${d.changes.length} changed resources are not shown (${byKind || "none"}). Run \`npx platform diff ${r.stack} --base ${r.baseRef}\` for the whole diff.\n`;
  if (out.length + note.length > maxChars) {
    // Only when the header alone is huge: cut it too rather than break the bound.
    out = out.slice(0, Math.max(0, maxChars - note.length));
    note = note.replace(/at \d+ of/, `at ${out.length} of`);
  }
  return out + note;
}
