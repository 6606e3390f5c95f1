import * as fs from "node:fs";
import * as path from "node:path";
import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import type { PlatformPolicy } from "../../policy/lib/policy";
import { REPO_ROOT } from "../render/mock-runtime";

/** One policy's effective config: its enforcement level and its properties (schema defaults filled in). */
export interface PolicyConfig {
  readonly enforcementLevel?: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

/** A policy-pack config file, parsed: policy name (or "all") -> level and properties. */
export type PackConfig = Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>;

/** A policy-pack config that the CLI would refuse. */
export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyConfigError";
  }
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Parses a `--policy-pack-config` file as the CLI does: each key is a policy name or "all";
 * each value is an enforcement level, or an object with an optional `enforcementLevel` and
 * the policy's properties.
 */
export function parsePackConfig(text: string): PackConfig {
  if (text.trim() === "") return {};
  const raw = JSON.parse(text) as Record<string, unknown>;
  const out: PackConfig = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === "string") {
      if (!LEVELS.includes(v)) throw new PolicyConfigError(`parsing enforcement level for "${k}": "${v}" is not a valid enforcement level`);
      out[k] = { enforcementLevel: v as EnforcementLevel, properties: {} };
    } else if (v && typeof v === "object" && !Array.isArray(v)) {
      const { enforcementLevel, ...properties } = v as Record<string, unknown>;
      if (enforcementLevel !== undefined && (typeof enforcementLevel !== "string" || !LEVELS.includes(enforcementLevel))) {
        throw new PolicyConfigError(`parsing enforcement level for "${k}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level`);
      }
      out[k] = { enforcementLevel: enforcementLevel as EnforcementLevel | undefined, properties };
    } else {
      throw new PolicyConfigError(`parsing "${k}": ${JSON.stringify(v)} is not a valid value; must be a string or object`);
    }
  }
  return out;
}

/**
 * Problems of a value against the JSON-schema subset policies use (type, items, minimum, enum,
 * and for exemption lists: properties, required, additionalProperties: false, minLength,
 * pattern), with the wording of the CLI's validator.
 */
export function schemaProblems(schema: Record<string, unknown>, value: unknown, at: string): string[] {
  const type = schema.type as string | undefined;
  const typeOk =
    type === undefined ||
    (type === "string" && typeof value === "string") ||
    (type === "boolean" && typeof value === "boolean") ||
    (type === "number" && typeof value === "number") ||
    (type === "integer" && Number.isInteger(value)) ||
    (type === "array" && Array.isArray(value)) ||
    (type === "object" && value !== null && typeof value === "object" && !Array.isArray(value));
  if (!typeOk) return [`${at}: Invalid type. Expected: ${type}, given: ${Array.isArray(value) ? "array" : value === null ? "null" : typeof value}`];
  const out: string[] = [];
  if (typeof schema.minimum === "number" && typeof value === "number" && value < schema.minimum) out.push(`${at}: Must be greater than or equal to ${schema.minimum}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) out.push(`${at}: ${at} must be one of the following: ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && [...value].length < schema.minLength) out.push(`${at}: String length must be greater than or equal to ${schema.minLength}`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern).test(value)) out.push(`${at}: Does not match pattern '${schema.pattern}'`);
  }
  if (type === "array" && schema.items && Array.isArray(value)) {
    value.forEach((v, i) => out.push(...schemaProblems(schema.items as Record<string, unknown>, v, `${at}.${i}`)));
  }
  if (type === "object" && value && typeof value === "object" && !Array.isArray(value)) {
    const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    const obj = value as Record<string, unknown>;
    for (const req of (schema.required ?? []) as string[]) if (!(req in obj)) out.push(`${at}: ${req} is required`);
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) out.push(...schemaProblems(props[k], v, `${at}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${at}: Additional property ${k} is not allowed`);
    }
  }
  return out;
}

/**
 * The effective config of every policy, reconciled as the CLI does: each policy's own level and
 * its schema defaults first, then the file's "all" level, then the file's per-policy entries;
 * the result is validated against each policy's schema (every problem reported at once).
 */
export function reconcileConfig(policies: readonly PlatformPolicy[], file: PackConfig = {}): Map<string, PolicyConfig> {
  const result = new Map<string, PolicyConfig>();
  for (const p of policies) {
    const defaults: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
      if ("default" in s) defaults[k] = structuredClone((s as { default: unknown }).default);
    }
    result.set(p.name, { enforcementLevel: p.enforcementLevel, properties: defaults });
  }
  const all = file.all?.enforcementLevel;
  if (all) for (const [k, v] of result) result.set(k, { ...v, enforcementLevel: all });
  for (const [name, given] of Object.entries(file)) {
    if (name === "all") continue;
    const prev = result.get(name) ?? { properties: {} };
    result.set(name, { enforcementLevel: given.enforcementLevel ?? prev.enforcementLevel, properties: { ...prev.properties, ...given.properties } });
  }
  const problems: string[] = [];
  for (const p of policies) {
    const schema: PolicyConfigSchema | undefined = p.configSchema;
    if (!schema) continue;
    const props = result.get(p.name)!.properties;
    for (const req of schema.required ?? []) if (!(req in props)) problems.push(`${p.name}: ${req} is required`);
    for (const [k, v] of Object.entries(props)) {
      const s = schema.properties[k];
      if (s) problems.push(...schemaProblems(s as Record<string, unknown>, v, `${p.name}: ${k}`));
    }
  }
  if (problems.length > 0) throw new PolicyConfigError(`policy pack configuration is invalid:\n  ${problems.join("\n  ")}`);
  return result;
}

/** Path of a stack's policy-pack config file. */
export function stackConfigPath(stack: string, rootDir = REPO_ROOT): string {
  return path.join(rootDir, "policy", "config", `${stack}.json`);
}

/** Reads and parses a stack's policy-pack config file (it must exist: enforcement is per stack). */
export function readStackPackConfig(stack: string, rootDir = REPO_ROOT): PackConfig {
  const file = stackConfigPath(stack, rootDir);
  if (!fs.existsSync(file)) {
    throw new PolicyConfigError(`no policy config for stack "${stack}": create ${path.relative(rootDir, file)} (see policy/config/production.json)`);
  }
  try {
    return parsePackConfig(fs.readFileSync(file, "utf8"));
  } catch (e) {
    if (e instanceof PolicyConfigError) throw new PolicyConfigError(`${path.relative(rootDir, file)}: ${e.message}`);
    throw new PolicyConfigError(`${path.relative(rootDir, file)}: ${(e as Error).message}`);
  }
}
