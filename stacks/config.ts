import { z } from "zod";
import { ENVIRONMENTS, type Environment } from "./schema/common";
import { ENVIRONMENT_DEFAULTS } from "./schema/defaults";
import { SECRET_KEYS, configSchema, type ConfigInput } from "./schema/stack-config";
import { resolvePlatform, type PlatformConfig } from "./resolve";
import { checkPlatform } from "./config-rules";
import { escapeNonAscii, nonAsciiNote } from "./validate/text";
import { PROJECT, didYouMean, formatPath, formatValue, problem, type ConfigProblem } from "./validate/problem";
import { unknownConfigKeys } from "./validate/config-keys";
import { checkInputs, type InputCheckContext } from "./validate";

export { PROJECT, didYouMean, editDistance, formatPath, formatValue, problem, type ConfigProblem } from "./validate/problem";

export { SECRET_KEYS, configSchema, type ConfigInput, type SecretKey } from "./schema/stack-config";

/** Thrown when a stack's config is invalid; carries every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[], readonly stackName?: string) {
    super(
      `invalid configuration${stackName ? ` for stack "${stackName}"` : ""} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as string];
  }
  return v;
}

function shapeKeysAt(path: readonly PropertyKey[]): string[] {
  // Walk the schema along the path to list the keys that the object there accepts.
  let s: z.ZodType = configSchema;
  for (const seg of path) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[seg as string];
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else if (s instanceof z.ZodRecord) s = s.valueType as z.ZodType;
    if (!s) return [];
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function unwrap(s: z.ZodType): z.ZodType {
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) {
    s = s.unwrap() as z.ZodType;
  }
  return s;
}

/** Keys that moved, by `<parent key>.<key>`: the hint replaces "not a known key"'s list. */
const MOVED_KEYS: Record<string, string> = {
  "promotion.scaleDownDelaySeconds":
    "it moved to strategy.scaleDownDelaySeconds, the warm window during which platform promote keeps the old colour at its size after a switch; move it there",
};

function issueToProblems(issue: z.core.$ZodIssue, input: unknown): ConfigProblem[] {
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const known = shapeKeysAt(issue.path);
        const guess = didYouMean(key, known);
        const path = [...issue.path, key];
        const where = issue.path.length === 0 ? "" : ` under ${PROJECT}:${formatPath(issue.path)}`;
        const parent = [...issue.path].reverse().find((p) => typeof p === "string");
        const moved = MOVED_KEYS[`${String(parent)}.${key}`];
        const hint = moved
          ? moved
          : guess
          ? `did you mean "${guess}"? Rename it`
          : `known keys${where}: ${known.join(", ")}; remove it or fix its spelling`;
        return problem(path, valueAt(input, path), `is not a known key: ${hint}${nonAsciiNote(key)}`);
      });
    case "invalid_type":
      if (value === undefined) {
        return [problem(issue.path, value, `is required: set it in Pulumi.<stack>.yaml (${article(issue.expected)})`)];
      }
      return [problem(issue.path, value, `must be ${article(issue.expected)}; write it as ${example(issue.expected)}`)];
    case "invalid_value": {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      if (value === undefined) {
        return [problem(issue.path, value, `is required: set it in Pulumi.<stack>.yaml to one of ${allowed.join(", ")}`)];
      }
      const guess = typeof value === "string" ? didYouMean(value, issue.values.map(String)) : undefined;
      const note = typeof value === "string" ? nonAsciiNote(value) : "";
      return [
        problem(issue.path, value, `must be one of ${allowed.join(", ")}${guess ? `: did you mean "${guess}"?` : ""}${note}`),
      ];
    }
    case "too_small":
      if (issue.origin === "array") return [problem(issue.path, value, `must have at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}`)];
      if (issue.origin === "string") return [problem(issue.path, value, issue.minimum === 1 ? "must not be empty" : `must be at least ${issue.minimum} characters`)];
      return [problem(issue.path, value, `must be ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`)];
    case "too_big":
      if (issue.origin === "string") return [problem(issue.path, value, `must be at most ${issue.maximum} characters`)];
      if (issue.origin === "array") return [problem(issue.path, value, `must have at most ${issue.maximum} entries`)];
      if (issue.maximum === INT32_MAX) {
        return [problem(issue.path, value, `must be <= ${INT32_MAX}, the largest 32-bit integer: Kubernetes stores counts such as replicas as int32, and a larger value is refused by the API server`)];
      }
      return [problem(issue.path, value, `must be ${issue.inclusive ? "<=" : "<"} ${issue.maximum}`)];
    case "invalid_key": {
      // A record key failed its pattern: the value to show is the key itself.
      const key = issue.path[issue.path.length - 1];
      return [problem(issue.path, key, `is not a valid key: ${issue.issues.map(rule).join("; ")}`)];
    }
    case "invalid_union": {
      // Say what each alternative accepts, e.g. "a number or a duration such as "5m"".
      const options = issue.errors.map((branch) => (branch[0] ? rule(branch[0]).replace(/^must be /, "") : "")).filter(Boolean);
      return [problem(issue.path, value, `must be ${[...new Set(options)].join(" or ")}`)];
    }
    default: {
      const note = typeof value === "string" && (issue.code === "invalid_format" || issue.code === "custom") ? nonAsciiNote(value) : "";
      return [problem(issue.path, value, `${rule(issue)}${note}`)];
    }
  }
}

/** Largest value of a Kubernetes `int32` field (2^31 - 1). */
const INT32_MAX = 2147483647;

/** The rule an issue states, in our words where zod's default message would be generic. */
function rule(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return `must be ${article(issue.expected)}`;
  if (issue.code === "invalid_format" && /^Invalid /.test(issue.message)) {
    const formats: Record<string, string> = {
      email: 'must be an email address such as "oncall@example.com"',
      url: 'must be a URL such as "https://example.com/path"',
    };
    return formats[issue.format] ?? `must be in ${issue.format} format`;
  }
  return issue.message;
}

function article(expected: string): string {
  if (expected === "int") return "a whole number";
  if (expected === "array") return "a list";
  if (expected === "object") return "a map of keys";
  return `a ${expected}`;
}

function example(expected: string): string {
  return (
    { number: "a number such as 3", int: "a number such as 3", string: 'a string such as "value"', boolean: "true or false", array: "a YAML list", object: "a YAML map" } as Record<string, string>
  )[expected] ?? expected;
}

/**
 * Reads the raw `app-platform:` values that the Pulumi language host passes (strings; structured
 * values JSON-encoded) into plain values. Keys of other namespaces (`kubernetes:`, `aws:`) belong
 * to providers and are left alone.
 */
export function decodeRawConfig(raw: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(raw)) {
    const [namespace, key] = splitKey(fullKey);
    if (namespace !== PROJECT) continue;
    out[key] = decodeValue(text);
  }
  return out;
}

function splitKey(fullKey: string): [string, string] {
  const i = fullKey.indexOf(":");
  const namespace = fullKey.slice(0, i);
  // Older language hosts pass "project:config:key".
  const key = fullKey.slice(i + 1).replace(/^config:/, "");
  return [namespace, key];
}

function decodeValue(text: string): unknown {
  const t = text.trim();
  if (t.startsWith("{") || t.startsWith("[") || /^-?\d+(\.\d+)?$/.test(t) || t === "true" || t === "false") {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Validates a stack's config and fills in the environment's defaults.
 *
 * @param raw the config map as the language host passes it (`app-platform:key` -> string)
 * @param secretKeys full keys (`app-platform:key`) whose values came from `--secret` config
 * @param stack the stack's name; selects `policy/config/<stack>.json` for the registry check
 * @returns the resolved config; throws {@link ConfigError} listing every problem otherwise
 */
export function loadPlatformConfig(
  raw: Readonly<Record<string, string>>,
  secretKeys: ReadonlySet<string>,
  stack?: string,
  opts: { /** Folder holding `policy/config/<stack>.json`; @default the working directory. */ readonly rootDir?: string } = {},
): PlatformConfig {
  const input = decodeRawConfig(raw);
  const problems: ConfigProblem[] = [];

  for (const u of unknownConfigKeys(Object.keys(raw), PROJECT, didYouMean)) {
    const value = secretKeys.has(u.key) ? "[secret]" : decodeValue(raw[u.key]);
    problems.push({ path: u.key, message: `${escapeNonAscii(u.key)} (${formatValue(value)}) ${u.rule}${nonAsciiNote(u.key)}` });
  }
  for (const key of SECRET_KEYS) {
    if (input[key] !== undefined && !secretKeys.has(`${PROJECT}:${key}`)) {
      problems.push(
        problem([key], "[plaintext]", `is a credential given in plaintext: remove it from the stack file and run \`pulumi config set --secret ${key} <value>\``),
      );
    }
  }
  const secure = secretsWherePlaintext(input, secretKeys);
  problems.push(...secure.problems);
  const underSecure = (path: readonly PropertyKey[]) => secure.paths.some((s) => s.every((seg, i) => path[i] === seg));

  const parsed = configSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) if (!underSecure(issue.path)) problems.push(...issueToProblems(issue, input));
    problems.push(...rulesDespiteSchemaProblems(input, problems, { stack, rootDir: opts.rootDir }));
    throw new ConfigError(dedupe(problems), stack);
  }

  const resolved = resolvePlatform(parsed.data, ENVIRONMENT_DEFAULTS[parsed.data.environment as Environment]);
  problems.push(...allRules(resolved, parsed.data, { stack, rootDir: opts.rootDir }));
  if (problems.length > 0) throw new ConfigError(dedupe(problems), stack);
  return resolved;
}

/** The rules that run on a config the schema accepted: cross-field, per-environment and input checks. */
function allRules(resolved: PlatformConfig, input: ConfigInput, ctx: InputCheckContext): ConfigProblem[] {
  return [...checkPlatform(resolved, input), ...checkInputs(resolved, { ...ctx, thresholdOverrides: input.alerting?.thresholds })];
}

/**
 * `{secure: ...}` values where plain text is expected: a top-level key set with `--secret` that
 * is not a credential (the Pulumi CLI passes it decrypted and marks it secret), and a nested
 * `secure:` map (as the offline tools read the stack file). Either way the value would be kept
 * as a secret by nobody: it is configuration, not a credential.
 */
function secretsWherePlaintext(
  input: Record<string, unknown>,
  secretKeys: ReadonlySet<string>,
): { problems: ConfigProblem[]; paths: PropertyKey[][] } {
  const problems: ConfigProblem[] = [];
  const paths: PropertyKey[][] = [];
  const rule = (path: readonly PropertyKey[]) =>
    `is a secret (\`secure:\`) where plain text is expected: it is configuration, not a credential, and is used as written; set it without --secret: \`pulumi config set${path.length > 1 ? " --path" : ""} ${formatPath(path)} <value>\``;
  for (const full of secretKeys) {
    const [namespace, key] = splitKey(full);
    if (namespace !== PROJECT || (SECRET_KEYS as readonly string[]).includes(key)) continue;
    problems.push(problem([key], "[secret]", rule([key])));
    paths.push([key]);
  }
  const walk = (v: unknown, path: PropertyKey[]) => {
    if (v === null || typeof v !== "object") return;
    const keys = Object.keys(v);
    if (!Array.isArray(v) && keys.length === 1 && keys[0] === "secure" && typeof (v as { secure: unknown }).secure === "string") {
      if (!paths.some((p) => p.every((seg, i) => path[i] === seg))) {
        problems.push(problem(path, "[secret]", rule(path)));
        paths.push(path);
      }
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else for (const k of keys) walk((v as Record<string, unknown>)[k], [...path, k]);
  };
  for (const [k, v] of Object.entries(input)) if (!(SECRET_KEYS as readonly string[]).includes(k)) walk(v, [k]);
  return { problems, paths };
}

/**
 * Fields of a service that every rule needs. When the schema refuses one, it is replaced by a
 * neutral stand-in so that the service's other fields are still checked; problems that mention
 * the field are then left out, since they would only be about the stand-in.
 */
const SERVICE_STAND_INS: Readonly<Record<string, (index: number) => unknown>> = {
  name: (i) => `invalid-service-${i}`,
  activeColor: () => "blue",
  image: () => ({ blue: "stand-in.invalid/image:1.0.0", green: "stand-in.invalid/image:1.0.0" }),
  port: () => 8080,
  replicas: () => ({ min: 2, max: 2 }),
};

/**
 * The cross-field and per-environment rules, run on what is left of an input after the values
 * the schema refused are taken out, so that one load reports the rule problems too instead of
 * a second round after the schema problems are fixed. A refused optional value falls back to its
 * default; a refused required field of a service gets a neutral stand-in, so that one bad field
 * does not hide the service's other faults. When the environment itself is unreadable, the rules
 * run for each environment and the problems all of them share are reported (they hold whichever
 * environment was meant). A rule problem on a path the schema already reported is not repeated.
 */
function rulesDespiteSchemaProblems(
  input: Record<string, unknown>,
  reported: readonly ConfigProblem[],
  ctx: InputCheckContext,
): ConfigProblem[] {
  if (!(ENVIRONMENTS as readonly unknown[]).includes(input.environment)) {
    const perEnvironment = ENVIRONMENTS.map((environment) => rulesDespiteSchemaProblems({ ...input, environment }, reported, ctx));
    return perEnvironment[0].filter((p) => perEnvironment.every((list) => list.some((q) => q.message === p.message)));
  }
  const candidate = structuredClone(input);
  let serviceIndex = Array.isArray(candidate.services) ? candidate.services.map((_, i) => i) : [];
  const removed: string[] = [];
  /** Per kept service (by original index): fields replaced by a stand-in or a default. */
  const standIns = new Map<number, Set<string>>();
  for (let round = 0; round < 10; round++) {
    const parsed = configSchema.safeParse(candidate);
    if (parsed.success) {
      const resolved = resolvePlatform(parsed.data, ENVIRONMENT_DEFAULTS[parsed.data.environment as Environment]);
      const renumber = (text: string) => text.replace(/services\[(\d+)\]/g, (_, k: string) => `services[${serviceIndex[Number(k)]}]`);
      // A rule about a value that was taken out (or that names it) would only echo the schema.
      const seen = [...reported.map((p) => p.path), ...removed];
      const overlaps = (p: ConfigProblem, s: string) => p.path === s || p.path.startsWith(`${s}.`) || p.path.startsWith(`${s}[`) || s.startsWith(`${p.path}.`);
      const names = (p: ConfigProblem, s: string) => p.message.includes(` ${s}`) || p.message.includes(`\`${s}`) || p.message.includes(`${s} `);
      const aboutStandIn = (p: ConfigProblem) => {
        const m = /^services\[(\d+)\]/.exec(p.path);
        const fields = m ? standIns.get(Number(m[1])) : undefined;
        if (!fields) return p.message.includes("invalid-service-") || p.message.includes("stand-in.invalid");
        return [...fields].some((f) => new RegExp(`\\b${f}\\b`).test(p.message.slice(PROJECT.length + 1))) || p.message.includes("stand-in.invalid");
      };
      return allRules(resolved, parsed.data, ctx)
        .map((p) => ({ path: renumber(p.path), message: renumber(p.message) }))
        .filter((p) => !seen.some((s) => overlaps(p, s)) && !removed.some((s) => names(p, s)) && !aboutStandIn(p));
    }
    const dropServices = new Set<number>();
    for (const issue of parsed.error.issues) {
      const path = issue.path;
      if (issue.code === "unrecognized_keys") {
        const parent = valueAt(candidate, path) as Record<string, unknown> | undefined;
        for (const k of issue.keys) if (parent) delete parent[k];
      } else if (path[0] === "services" && typeof path[1] === "number") {
        const i = path[1];
        const service = (candidate.services as unknown[])[i] as Record<string, unknown> | undefined;
        const original = serviceIndex[i];
        if (path.length === 2 || service === null || typeof service !== "object") {
          dropServices.add(i);
          continue;
        }
        const missing = valueAt(candidate, path) === undefined;
        const at = missing ? path.slice(0, -1) : path;
        if (at.length === 2) {
          // A required field of the service is missing: stand in for it.
          const field = String(path[2]);
          const make = SERVICE_STAND_INS[field];
          if (!make) {
            dropServices.add(i);
            continue;
          }
          service[field] = make(original);
          standIns.set(original, new Set([...(standIns.get(original) ?? []), field]));
          removed.push(formatPath(["services", original, field]));
          continue;
        } else if (at.length === 3 && SERVICE_STAND_INS[String(at[2])] && missing) {
          const field = String(at[2]);
          service[field] = SERVICE_STAND_INS[field](original);
          standIns.set(original, new Set([...(standIns.get(original) ?? []), field]));
        } else {
          const parent = valueAt(candidate, at.slice(0, -1)) as Record<PropertyKey, unknown> | undefined;
          if (parent && typeof parent === "object") delete parent[at[at.length - 1] as string];
          // Rules of the service that mention the field would be about its default, not the input.
          standIns.set(original, new Set([...(standIns.get(original) ?? []), String(at[2])]));
        }
        removed.push(formatPath(["services", original, ...at.slice(2)]));
      } else if (path.length === 0) {
        return [];
      } else if (path[0] === "clusterPlatform") {
        // No rule depends on it; any valid value lets the others run.
        candidate.clusterPlatform = "generic";
      } else {
        // An optional value the schema refused falls back to its default; a required one
        // that is missing takes its parent object with it (repeated in the next round).
        const at = valueAt(candidate, path) === undefined ? path.slice(0, -1) : path;
        if (at.length === 0) return [];
        const parent = valueAt(candidate, at.slice(0, -1)) as Record<PropertyKey, unknown> | undefined;
        if (parent && typeof parent === "object") delete parent[at[at.length - 1] as string];
        removed.push(formatPath(at));
      }
    }
    if (dropServices.size > 0 && Array.isArray(candidate.services)) {
      const services = candidate.services as unknown[];
      candidate.services = services.filter((_, i) => !dropServices.has(i));
      serviceIndex = serviceIndex.filter((_, i) => !dropServices.has(i));
    }
  }
  return [];
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.message) ? false : (seen.add(p.message), true)));
}

export type { PlatformConfig } from "./resolve";
