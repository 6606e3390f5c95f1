// Host names, URLs and time zones, each checked as a class wherever config takes one.
import { z } from "zod";
import { editDistance } from "../validate/problem";
import { escapeNonAscii } from "../validate/text";

/** Options of {@link hostNameProblem}. */
export interface HostNameOptions {
  /** Kubernetes object fields (Ingress hosts) take lowercase names only. @default false */
  readonly lowercase?: boolean;
  /** A leading `*.` label is allowed (Ingress hosts). @default false */
  readonly wildcard?: boolean;
  /** An IPv4 address is allowed in place of a name (database endpoints). @default false */
  readonly ip?: boolean;
}

/**
 * Why `host` is not a host name by RFC 1123 (labels of 1-63 letters, digits and hyphens, neither
 * starting nor ending with a hyphen, at most 253 characters in all), or undefined. A URL or a
 * `host:port` where a bare host is expected is named as such.
 */
export function hostNameProblem(host: string, opts: HostNameOptions = {}): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    return "is a URL where a host name is expected: write the host alone, e.g. \"db.example.com\"";
  }
  if (/:\d+$/.test(host)) return "has a port: write the host alone and set the port in its own field";
  if (opts.ip && /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    return host.split(".").every((o) => Number(o) <= 255) ? undefined : "is not a valid IPv4 address (each part is 0-255)";
  }
  const name = opts.wildcard && host.startsWith("*.") ? host.slice(2) : host;
  const rfc = "(RFC 1123)";
  if (name.length === 0) return "must not be empty";
  if (host.length > 253) return `is ${host.length} characters long; a host name has at most 253 ${rfc}`;
  const bad = [...name].find((c) => !/[A-Za-z0-9.-]/.test(c));
  if (bad !== undefined) return `contains "${escapeNonAscii(bad)}", but a host name has only letters, digits, "-" and "." ${rfc}${bad === "*" && opts.wildcard ? '; a wildcard is allowed only as a whole first label ("*.example.com")' : ""}`;
  if (opts.lowercase && /[A-Z]/.test(name)) return `must be lowercase: Kubernetes accepts only lowercase host names; write "${host.toLowerCase()}"`;
  const labels = name.split(".");
  if (labels.some((l) => l.length === 0)) return `has an empty label (a leading, trailing or double "."): write e.g. "app.example.com" ${rfc}`;
  const long = labels.find((l) => l.length > 63);
  if (long) return `has a label of ${long.length} characters; labels have at most 63 ${rfc}`;
  const dashed = labels.find((l) => l.startsWith("-") || l.endsWith("-"));
  if (dashed) return `has the label "${dashed}", which starts or ends with "-" ${rfc}`;
  return undefined;
}

/** A host name by RFC 1123 (see {@link hostNameProblem}). */
export const hostName = (opts: HostNameOptions = {}) =>
  z.string().superRefine((host, ctx) => {
    const why = hostNameProblem(host, opts);
    if (why) ctx.addIssue({ code: "custom", message: why, input: host });
  });

/**
 * Why `text` is not a URL with an allowed scheme and a valid host, or undefined. `javascript:`,
 * `file:`, `ftp:` and other schemes never belong in links, webhooks or probes.
 */
export function urlProblem(text: string, schemes: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `must be a URL such as "${schemes[0]}://example.com/path"`;
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (!schemes.includes(scheme)) {
    return `has the scheme "${scheme}:", but only ${schemes.map((s) => `${s}:`).join(" and ")} ${schemes.length === 1 ? "is" : "are"} allowed here: write e.g. "${schemes[0]}://example.com/path"`;
  }
  const host = url.hostname.replace(/^\[.*\]$/, "");
  if (url.hostname.startsWith("[")) return undefined; // IPv6 literal, checked by URL itself
  const why = hostNameProblem(decodeURIComponent(host), { ip: true });
  return why ? `has the host "${host}", which ${why}` : undefined;
}

/** A URL whose scheme is one of `schemes` (https and http unless stated). */
export const webUrl = (schemes: readonly string[] = ["https", "http"]) =>
  z.string().superRefine((text, ctx) => {
    const why = urlProblem(text, schemes);
    if (why) ctx.addIssue({ code: "custom", message: why, input: text });
  });

/**
 * Why `zone` is not an IANA time zone name as Alertmanager loads it (Go's time.LoadLocation,
 * case-sensitive names from the tz database), or undefined. Node's Intl knows the same database.
 */
export function timeZoneProblem(zone: string): string | undefined {
  if (zone === "UTC") return undefined;
  const known = Intl.supportedValuesOf("timeZone");
  if (known.includes(zone)) return undefined;
  let accepted = false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    accepted = true;
  } catch {
    accepted = false;
  }
  // An alias ("US/Eastern", "Etc/GMT+1") is valid if Intl knows it under exactly this spelling;
  // Intl also accepts any case ("europe/berlin"), which Go on Linux does not.
  const canonicalCase = known.find((k) => k.toLowerCase() === zone.toLowerCase());
  if (canonicalCase) return `is not an IANA time zone as written: names are case-sensitive; write "${canonicalCase}"`;
  if (accepted && /^[A-Z][A-Za-z_]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(zone)) return undefined;
  const guess = known
    .map((k) => ({ k, d: editDistance(zone, k) }))
    .sort((a, b) => a.d - b.d)[0];
  const hint = guess && guess.d <= Math.max(2, Math.floor(zone.length / 4)) ? `: did you mean "${guess.k}"?` : ': use a tz database name such as "Europe/Berlin" or "UTC"';
  return `is not an IANA time zone${hint}`;
}

/** An IANA time zone name (see {@link timeZoneProblem}). */
export const timeZone = z.string().superRefine((zone, ctx) => {
  const why = timeZoneProblem(zone);
  if (why) ctx.addIssue({ code: "custom", message: why, input: zone });
});
