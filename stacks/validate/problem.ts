// The house style of a config problem, `app-platform:<path> (<value>) <rule and fix>`, and the
// did-you-mean behind suggestions. A leaf module: every validator imports it, it imports nothing
// of the loader, so that no validator joins an import cycle with it.
import { escapeNonAscii } from "./text";

import { PROJECT } from "../../lib/project";

export { PROJECT } from "../../lib/project";

/** One problem found in a stack's config. */
export interface ConfigProblem {
  /** Key path without the project prefix, e.g. `services[1].replicas.min`. */
  readonly path: string;
  /** The full message: path, value, rule and fix. */
  readonly message: string;
}

/** Formats a key path as written in messages: `services[1].replicas.min`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? escapeNonAscii(String(seg)) : `.${escapeNonAscii(String(seg))}`;
  }
  return out;
}

/**
 * Renders a value for a message, shortened so that one message stays one line. Characters
 * outside printable ASCII are escaped (`"pr\u043eduction"`), so that a look-alike or invisible
 * character can be seen and the value never looks identical to a suggestion.
 */
export function formatValue(value: unknown): string {
  const text = value === undefined ? "unset" : JSON.stringify(value) ?? String(value);
  const escaped = escapeNonAscii(text);
  if (escaped.length <= 60) return escaped;
  // Cut before an escape sequence rather than through it.
  const cut = escaped.slice(0, 57).replace(/\\(u(\{[0-9a-f]*)?[0-9a-f]{0,3})?$/, "");
  return `${cut}...`;
}

/** Builds one problem in the house style: `app-platform:<path> (<value>) <rule>`. */
export function problem(path: readonly PropertyKey[], value: unknown, rule: string): ConfigProblem {
  const p = formatPath(path);
  return { path: p, message: `${PROJECT}:${p} (${formatValue(value)}) ${rule}` };
}

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest known key to `key`, if it is close enough to be a likely misspelling. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  // An abbreviation ("prod" for "production") is as likely as a typo.
  const expanded = key.length >= 3 ? known.filter((k) => k.toLowerCase().startsWith(key.toLowerCase())) : [];
  if (expanded.length === 1) return expanded[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

