// Text shown in config messages. Stack files are typed by people and pasted from chat, wikis and
// PDFs, so a name can carry a Cyrillic letter that looks Latin or a zero-width space: shown as is,
// the bad value and a did-you-mean suggestion would look identical. Everything outside printable
// ASCII is therefore shown as an escape (`\u0456`).

/** True for a code point that is printable ASCII (space to `~`). */
function printableAscii(cp: number): boolean {
  return cp >= 0x20 && cp <= 0x7e;
}

/** `text` with every character outside printable ASCII written as `\uXXXX` (or `\u{XXXXX}`). */
export function escapeNonAscii(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (printableAscii(cp)) out += ch;
    else out += cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, "0")}`;
  }
  return out;
}

/** The characters of `text` outside printable ASCII, escaped, in order of appearance, once each. */
export function nonAsciiCharacters(text: string): string[] {
  const seen = new Set<string>();
  for (const ch of text) if (!printableAscii(ch.codePointAt(0)!)) seen.add(escapeNonAscii(ch));
  return [...seen];
}

/**
 * The note appended to a message about a name, key or enum value that holds characters outside
 * ASCII, or "" when it has none. Such characters are never valid in the names this config takes
 * (Kubernetes names, environment names, config keys), so the fix is always to retype them.
 */
export function nonAsciiNote(text: string): string {
  const chars = nonAsciiCharacters(text);
  if (chars.length === 0) return "";
  const list = chars.join(", ");
  return ` (it contains ${list}, ${chars.length === 1 ? "a character" : "characters"} outside ASCII that ${chars.length === 1 ? "looks" : "look"} like a Latin letter or nothing at all: retype it)`;
}
