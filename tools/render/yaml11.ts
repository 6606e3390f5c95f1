import YAML, { isScalar, visit, Scalar } from "yaml";

// Strings that could read as something else somewhere: booleans, numbers, nulls, timestamps,
// merge keys. Longer or other strings cannot, so they skip the (cached) reading below.
const CANDIDATE = /^[-+.~<=0-9a-zA-Z_: ]{1,40}$/;
// Of those, a name (a letter, then letters, digits, `-`, `_`, `.`) holds no syntax, and every
// other type of YAML 1.1 and 1.2 starts with a digit, sign, dot, `~` or `<`, is YAML 1.1's float
// without a mantissa (`e5`, `E-3`), or is one of these words in some capitalisation: such a name
// is a string without reading it (a render has thousands of distinct names; reading each twice
// was half a second at 100 services).
const NAME = /^(?![eE][-+]?[0-9])[A-Za-z][A-Za-z0-9_.-]*$/;
const KEYWORDS = new Set(["y", "n", "yes", "no", "true", "false", "on", "off", "null"]);
const cache = new Map<string, boolean>();

/**
 * True when a YAML 1.1 reader or a YAML 1.2 (core schema) reader would take `text`, written as
 * a plain scalar, for something other than that string. YAML 1.1 is what kubectl's
 * (sigs.k8s.io/yaml over go-yaml v2), Prometheus' and many validators' libraries read: `off`,
 * `yes`, `y`, `~`, `0x1F`, `1_000`, `1:20` are booleans, numbers or null there; YAML 1.2 adds
 * `0o17`.
 */
export function ambiguousPlainScalar(text: string): boolean {
  if (!CANDIDATE.test(text)) return false;
  if (NAME.test(text) && !KEYWORDS.has(text.toLowerCase())) return false;
  // As a key, a plain << is YAML 1.1's merge key (a value << is still a string).
  if (text === "<<") return true;
  const known = cache.get(text);
  if (known !== undefined) return known;
  let ambiguous = false;
  for (const version of ["1.1", "1.2"] as const) {
    const doc = YAML.parseDocument(text, { version });
    if (doc.errors.length > 0 || !isScalar(doc.contents) || doc.contents.value !== text) ambiguous = true;
  }
  cache.set(text, ambiguous);
  return ambiguous;
}

/**
 * YAML text of a value that every reader, YAML 1.1 or 1.2, reads back as that value: each string
 * that a plain scalar would turn into a boolean, number, null or date under either version is
 * double-quoted (keys too). Everything else is written as `yaml` writes it.
 */
export function stringifyYaml11Safe(value: unknown): string {
  return fastYaml(value) ?? libraryYaml11Safe(value);
}

/** {@link stringifyYaml11Safe} by the `yaml` library alone. */
export function libraryYaml11Safe(value: unknown): string {
  const doc = new YAML.Document(value);
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === "string" && ambiguousPlainScalar(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

// The `yaml` package's own rules for writing a string as a plain scalar (its plainString):
// a string matching NOT_PLAIN, or holding a line break, tab, control character or lone
// surrogate, or starting with a document marker, is quoted or written as a block there.
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
// eslint-disable-next-line no-control-regex -- the same class `yaml` forces into double quotes
const UNSAFE_CHAR = /[\n\t\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
// ... and a string that one of the core schema's other types would read (a number, boolean,
// null) is quoted too: the same tests it asks.
const CORE_TESTS = (new YAML.Document().schema.tags as { default?: unknown; tag: string; test?: RegExp }[])
  .filter((t) => t.default && t.tag !== "tag:yaml.org,2002:str" && t.test)
  .map((t) => t.test as RegExp);
// A key longer than this is written as an explicit `? ` key.
const MAX_IMPLICIT_KEY = 1024;
const scalarCache = new Map<string, string | null>();

/**
 * The text both `yaml` and stringifyYaml11Safe write for the string `s` (a value, or a key up
 * to 1024 characters): itself when it can be plain; in double quotes when it must be quoted and
 * quoting changes nothing inside (no `"`, `\`, line break or control character, where `yaml`
 * would pick single quotes or escapes); else null (ask the library).
 */
function stringText(s: string): string | null {
  let text = scalarCache.get(s);
  if (text === undefined) {
    if (UNSAFE_CHAR.test(s) || s.startsWith("---") || s.startsWith("...")) text = null;
    else if (s !== "" && !NOT_PLAIN.test(s) && !CORE_TESTS.some((t) => t.test(s)) && !ambiguousPlainScalar(s)) text = s;
    else text = s.includes('"') || s.includes("\\") ? null : `"${s}"`;
    if (scalarCache.size < 100_000) scalarCache.set(s, text);
  }
  return text;
}

// A line break aside, what a literal block may hold as `yaml` writes it with no indentation
// indicator, and with clip (`|`, one final line break) or strip (`|-`, none) chomping.
// eslint-disable-next-line no-control-regex -- the control characters `yaml` escapes
const BLOCK_UNSAFE = /[\t\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]|^[ \n]|[ \n]\n$| $|\n +$/u;

/**
 * A multi-line string value as `yaml` writes it (its blockString): a literal block whose lines
 * sit at `indent` (empty lines stay empty); null when it would need an indentation indicator,
 * keep chomping, quotes or escapes (ask the library).
 */
function blockText(s: string, indent: string): string | null {
  if (BLOCK_UNSAFE.test(s)) return null;
  const clip = s.endsWith("\n");
  const body = clip ? s.slice(0, -1) : s;
  return `|${clip ? "" : "-"}\n${indent}${body.replace(/\n+/g, `$&${indent}`)}`;
}

/**
 * Appends the YAML of a non-empty plain object or array to `out` as `yaml` writes it (indent 2,
 * sequences indented): a map's first entry, or a sequence's first `- `, continues the current
 * line; the following ones start with `indent`. False when something in it needs the library.
 */
function fastCollection(value: Record<string, unknown> | unknown[], indent: string, out: string[], seen: Set<object>): boolean {
  if (seen.has(value)) return false; // `yaml` writes a shared object as an anchor and aliases
  seen.add(value);
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      out.push(i === 0 ? "- " : indent + "- ");
      if (!fastValue(value[i], inner, out, seen, "")) return false;
    }
    return true;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const k = key.length > MAX_IMPLICIT_KEY ? null : stringText(key);
    if (k === null) return false;
    out.push(first ? "" : indent, k, ":");
    first = false;
    if (!fastValue(value[key], inner, out, seen, " ")) return false;
  }
  return true;
}

/**
 * Appends a value after `key:` (`space` " ") or `- ` (`space` ""): a scalar or an empty
 * collection on the same line; a map on the next lines one step in, a sequence too after a key
 * and on the same line after `- `.
 */
function fastValue(v: unknown, inner: string, out: string[], seen: Set<object>, space: string): boolean {
  if (v === null) out.push(space, "null\n");
  else if (typeof v === "boolean") out.push(space, String(v), "\n");
  else if (typeof v === "number") {
    if (!Number.isSafeInteger(v) || Object.is(v, -0)) return false;
    out.push(space, String(v), "\n");
  } else if (typeof v === "string") {
    const text = v.includes("\n") ? blockText(v, inner) : stringText(v);
    if (text === null) return false;
    out.push(space, text, "\n");
  } else if (Array.isArray(v) || isPlainObject(v)) {
    if (isEmpty(v)) out.push(space, Array.isArray(v) ? "[]\n" : "{}\n");
    else {
      if (space !== "") out.push("\n", inner);
      if (!fastCollection(v, inner, out, seen)) return false;
    }
  } else return false;
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isEmpty(v: Record<string, unknown> | unknown[]): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

/**
 * What {@link stringifyYaml11Safe} returns for `value`, written directly when every value in it
 * is of the kinds `yaml` writes with no choice to make (plain objects and arrays, strings
 * that need no escapes, safe integers, booleans, null), else undefined (then ask the library). Much
 * faster than building a YAML document; a test holds it to the library's text for every
 * manifest of every stack.
 */
export function fastYaml(value: unknown): string | undefined {
  if (!isPlainObject(value) || isEmpty(value)) return undefined;
  const out: string[] = [];
  return fastCollection(value, "", out, new Set()) ? out.join("") : undefined;
}
