import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { didYouMean, formatValue } from "../../stacks/config";
import { unknownStackFileKeys } from "../../stacks/validate/config-keys";
import { escapeNonAscii } from "../../stacks/validate/text";

/** The config that the Pulumi CLI would pass to the program for one stack. */
export interface StackConfig {
  /** Project name from Pulumi.yaml. */
  readonly project: string;
  /** `project:key` -> value as the language host passes it (objects JSON-encoded). */
  readonly config: Record<string, string>;
  /** Keys whose values were `secure:` in the stack file. */
  readonly secretKeys: string[];
  /** The placeholder values that stand in for secure values; they must never appear in output. */
  readonly secretPlaceholders: string[];
}

/** Thrown when a stack file is missing or unreadable; the message says what to do. */
export class StackFileError extends Error {
  override name = "StackFileError";
}

/** Placeholder that stands in for a `secure:` config value in offline renders. */
export function secretPlaceholder(key: string): string {
  return `offline-secret-placeholder(${key})`;
}

/** Names of the stacks that have a `Pulumi.<name>.yaml` in `rootDir`. */
export function listStacks(rootDir: string): string[] {
  return fs
    .readdirSync(rootDir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the CLI does for the program: project
 * config defaults first, stack values over them, `secure:` values replaced by placeholders
 * and listed as secret keys.
 */
export function readStackConfig(rootDir: string, stack: string): StackConfig {
  const projectFile = path.join(rootDir, "Pulumi.yaml");
  const projectText = fs.readFileSync(projectFile, "utf8");
  const stackFile = ["yaml", "yml"].map((ext) => path.join(rootDir, `Pulumi.${stack}.${ext}`)).find((f) => fs.existsSync(f));
  if (!stackFile) {
    const known = listStacks(rootDir);
    throw new StackFileError(
      `no stack file Pulumi.${stack}.yaml in ${rootDir}; known stacks: ${known.join(", ") || "none"}`,
    );
  }
  const stackText = fs.readFileSync(stackFile, "utf8");
  // A command reads a stack twice (validation, then the run): parse each text once.
  const key = JSON.stringify([projectFile, stackFile, projectText, stackText]);
  const known = parsed.get(key);
  if (known) return structuredClone(known);
  const result = parseStackConfig(projectText, stackFile, stackText);
  parsed.set(key, result);
  return structuredClone(result);
}

const parsed = new Map<string, StackConfig>();

function parseStackConfig(projectText: string, stackFile: string, stackText: string): StackConfig {
  const project = YAML.parse(projectText) as {
    name: string;
    config?: Record<string, { default?: unknown } | unknown>;
  };
  let doc: { config?: Record<string, unknown> } | null;
  try {
    doc = YAML.parse(stackText);
  } catch (e) {
    throw new StackFileError(`${path.basename(stackFile)} is not valid YAML: ${(e as Error).message}`);
  }
  if (doc !== null && typeof doc === "object" && !Array.isArray(doc)) {
    // A misspelt `config:` would silently leave the program without any config.
    const unknown = unknownStackFileKeys(doc, didYouMean);
    if (unknown.length > 0) {
      // Values are summarised: a misplaced map may hold credentials in plaintext.
      const shown = (v: unknown) => (v !== null && typeof v === "object" ? `a map of ${Object.keys(v).length} keys` : formatValue(v));
      const lines = unknown.map((u) => `  - ${escapeNonAscii(u.key)} (${shown((doc as Record<string, unknown>)[u.key])}) ${u.rule}`);
      throw new StackFileError(`invalid stack file ${path.basename(stackFile)} (${unknown.length} problem${unknown.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
    }
  }
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const secretPlaceholders: string[] = [];

  for (const [key, decl] of Object.entries(project.config ?? {})) {
    if (decl && typeof decl === "object" && "default" in decl && decl.default !== undefined) {
      config[qualify(project.name, key)] = encode((decl as { default: unknown }).default);
    }
  }
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    const full = qualify(project.name, key);
    if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      const placeholder = secretPlaceholder(full);
      config[full] = placeholder;
      secretKeys.push(full);
      secretPlaceholders.push(placeholder);
    } else {
      config[full] = encode(value);
    }
  }
  return { project: project.name, config, secretKeys, secretPlaceholders };
}

function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function encode(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
