import YAML, { isScalar, visit, Scalar } from "yaml";

// Strings that could read as something else somewhere: booleans, numbers, nulls, timestamps,
// merge keys. Longer or other strings cannot, so they skip the (cached) reading below.
const CANDIDATE = /^[-+.~<=0-9a-zA-Z_: ]{1,40}$/;
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
  const doc = new YAML.Document(value);
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === "string" && ambiguousPlainScalar(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
