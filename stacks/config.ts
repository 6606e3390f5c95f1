import { z } from "zod";
import { ENVIRONMENTS, type Environment } from "./schema/common";
import { ENVIRONMENT_DEFAULTS } from "./schema/defaults";
import {
  CLUSTER_PLATFORMS,
  alertingSchema,
  awsSchema,
  backupSchema,
  monitoringSchema,
  namespacesSchema,
  postgresSchema,
  redisSchema,
} from "./schema";
import { serviceSchema } from "./schema/services";
import { resolvePlatform, type PlatformConfig } from "./resolve";
import { checkPlatform } from "./rules";

/** The Pulumi project name; every config key of ours is `app-platform:<key>`. */
export const PROJECT = "app-platform";

/**
 * Config keys that hold credentials issued elsewhere. They must be set with
 * `pulumi config set --secret`; a plaintext value is refused.
 */
export const SECRET_KEYS = [
  "slackWebhookUrl",
  "pagerdutyRoutingKey",
  "smtpPassword",
  "heartbeatUrl",
  "postgresPassword",
  "redisPassword",
] as const;
/** One of {@link SECRET_KEYS}. */
export type SecretKey = (typeof SECRET_KEYS)[number];

const secretValue = z.string().min(1, { error: "must not be empty" });

/** Schema of the whole `app-platform:` config namespace of a stack. */
export const configSchema = z.strictObject({
  /** Which environment this stack is; selects the defaults and the strictness. */
  environment: z.enum(ENVIRONMENTS),
  /** Kind of cluster; decides which control-plane monitoring can work. */
  clusterPlatform: z.enum(CLUSTER_PLATFORMS),
  namespaces: namespacesSchema.optional(),
  services: z.array(serviceSchema).optional(),
  monitoring: monitoringSchema.optional(),
  alerting: alertingSchema.optional(),
  postgres: postgresSchema.optional(),
  redis: redisSchema.optional(),
  backup: backupSchema.optional(),
  aws: awsSchema.optional(),
  /**
   * Multiplies every alerting duration (rule `for:` and range windows, evaluation and scrape
   * intervals, Alertmanager timers) by this factor, so that end-to-end tests can run the
   * rendered files in seconds. 1 in every real stack; below 1 is refused outside dev.
   */
  timeScale: z.number().gt(0).max(1).optional(),
  slackWebhookUrl: secretValue.optional(),
  pagerdutyRoutingKey: secretValue.optional(),
  smtpPassword: secretValue.optional(),
  heartbeatUrl: secretValue.optional(),
  postgresPassword: secretValue.optional(),
  redisPassword: secretValue.optional(),
});

/** The config as written in a stack file, before defaults. */
export type ConfigInput = z.infer<typeof configSchema>;

/** One problem found in a stack's config. */
export interface ConfigProblem {
  /** Key path without the project prefix, e.g. `services[1].replicas.min`. */
  readonly path: string;
  /** The full message: path, value, rule and fix. */
  readonly message: string;
}

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

/** Formats a key path as written in messages: `services[1].replicas.min`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Renders a value for a message, shortened so that one message stays one line. */
export function formatValue(value: unknown): string {
  const text = value === undefined ? "unset" : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
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

function issueToProblems(issue: z.core.$ZodIssue, input: unknown): ConfigProblem[] {
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const known = shapeKeysAt(issue.path);
        const guess = didYouMean(key, known);
        const path = [...issue.path, key];
        const where = issue.path.length === 0 ? "" : ` under ${PROJECT}:${formatPath(issue.path)}`;
        const hint = guess
          ? `did you mean "${guess}"? Rename it`
          : `known keys${where}: ${known.join(", ")}; remove it or fix its spelling`;
        return problem(path, valueAt(input, path), `is not a known key: ${hint}`);
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
      return [
        problem(issue.path, value, `must be one of ${allowed.join(", ")}${guess ? `: did you mean "${guess}"?` : ""}`),
      ];
    }
    case "too_small":
      if (issue.origin === "array") return [problem(issue.path, value, `must have at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}`)];
      if (issue.origin === "string") return [problem(issue.path, value, issue.minimum === 1 ? "must not be empty" : `must be at least ${issue.minimum} characters`)];
      return [problem(issue.path, value, `must be ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`)];
    case "too_big":
      if (issue.origin === "string") return [problem(issue.path, value, `must be at most ${issue.maximum} characters`)];
      if (issue.origin === "array") return [problem(issue.path, value, `must have at most ${issue.maximum} entries`)];
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
    default:
      return [problem(issue.path, value, rule(issue))];
  }
}

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
 * @returns the resolved config; throws {@link ConfigError} listing every problem otherwise
 */
export function loadPlatformConfig(
  raw: Readonly<Record<string, string>>,
  secretKeys: ReadonlySet<string>,
  stack?: string,
): PlatformConfig {
  const input = decodeRawConfig(raw);
  const problems: ConfigProblem[] = [];

  for (const key of SECRET_KEYS) {
    if (input[key] !== undefined && !secretKeys.has(`${PROJECT}:${key}`)) {
      problems.push(
        problem([key], "[plaintext]", `is a credential given in plaintext: remove it from the stack file and run \`pulumi config set --secret ${key} <value>\``),
      );
    }
  }

  const parsed = configSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...issueToProblems(issue, input));
    problems.push(...rulesDespiteSchemaProblems(input, problems));
    throw new ConfigError(dedupe(problems), stack);
  }
  if (problems.length > 0) throw new ConfigError(problems, stack);

  const resolved = resolvePlatform(parsed.data, ENVIRONMENT_DEFAULTS[parsed.data.environment as Environment]);
  const semantic = checkPlatform(resolved, parsed.data);
  if (semantic.length > 0) throw new ConfigError(semantic, stack);
  return resolved;
}

/**
 * The cross-field and per-environment rules, run on what is left of an input after the values
 * the schema refused are taken out, so that one load reports the rule problems too instead of
 * a second round after the schema problems are fixed. A service with a refused field is left
 * out whole (its rules need every field); the others keep their index in messages. Nothing is
 * reported when the environment itself is unreadable (it selects the defaults), and a rule
 * problem on a path the schema already reported is not repeated.
 */
function rulesDespiteSchemaProblems(input: Record<string, unknown>, reported: readonly ConfigProblem[]): ConfigProblem[] {
  const candidate = structuredClone(input);
  let serviceIndex = Array.isArray(candidate.services) ? candidate.services.map((_, i) => i) : [];
  const removed: string[] = [];
  for (let round = 0; round < 5; round++) {
    const parsed = configSchema.safeParse(candidate);
    if (parsed.success) {
      const resolved = resolvePlatform(parsed.data, ENVIRONMENT_DEFAULTS[parsed.data.environment as Environment]);
      const renumber = (text: string) => text.replace(/services\[(\d+)\]/g, (_, k: string) => `services[${serviceIndex[Number(k)]}]`);
      // A rule about a value that was taken out (or that names it) would only echo the schema.
      const seen = [...reported.map((p) => p.path), ...removed];
      const overlaps = (p: ConfigProblem, s: string) => p.path === s || p.path.startsWith(`${s}.`) || p.path.startsWith(`${s}[`) || s.startsWith(`${p.path}.`);
      const names = (p: ConfigProblem, s: string) => p.message.includes(` ${s}`) || p.message.includes(`\`${s}`) || p.message.includes(`${s} `);
      return checkPlatform(resolved, parsed.data)
        .map((p) => ({ path: renumber(p.path), message: renumber(p.message) }))
        .filter((p) => !seen.some((s) => overlaps(p, s)) && !removed.some((s) => names(p, s)));
    }
    const dropServices = new Set<number>();
    for (const issue of parsed.error.issues) {
      const path = issue.path;
      if (path[0] === "services" && typeof path[1] === "number") {
        dropServices.add(path[1]);
      } else if (issue.code === "unrecognized_keys") {
        const parent = valueAt(candidate, path) as Record<string, unknown> | undefined;
        for (const k of issue.keys) if (parent) delete parent[k];
      } else if (path.length === 0 || path[0] === "environment") {
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
