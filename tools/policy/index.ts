import * as fs from "node:fs";
import * as path from "node:path";
import { createPolicies } from "../../policy/policies";
import { REPO_ROOT, type RenderedResource, type RenderResult } from "../render/mock-runtime";
import { readStackPackConfig, type PackConfig } from "./config";
import { countViolations, runPolicyPack, type PolicyReport, type Violation } from "./runner";

export * from "./config";
export * from "./runner";
export { SECRET_PLACEHOLDER, UNKNOWN_PLACEHOLDER, SecretPlaceholderError } from "./props";

/** The pack's version, as the CLI reads it from policy/package.json. */
export function packVersion(rootDir = REPO_ROOT): string {
  return (JSON.parse(fs.readFileSync(path.join(rootDir, "policy", "package.json"), "utf8")) as { version: string }).version;
}

/**
 * Runs the whole pack (the same policy modules the CLI loads through policy/index.ts, at the
 * pack's mandatory default) on one stack's render (its records, or the RenderResult), with that
 * stack's config file unless `config` is given.
 */
export async function checkStackPolicies(stack: string, render: readonly RenderedResource[] | RenderResult, config?: PackConfig): Promise<PolicyReport> {
  return runPolicyPack({
    resources: "resources" in render ? render.resources : render,
    policies: createPolicies(),
    config: config ?? readStackPackConfig(stack),
    pack: { name: "app-platform", version: packVersion() },
    packEnforcementLevel: "mandatory",
  });
}

/** Reads the records of `out/<stack>/resources.json` (or another render's file). */
export function readRenderedResources(file: string): RenderedResource[] {
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { resources?: RenderedResource[] } | RenderedResource[];
  return Array.isArray(parsed) ? parsed : (parsed.resources ?? []);
}

/** One violation as printed: level, policy, resource URN, then the message. */
export function formatViolation(v: Violation): string {
  return `[${v.enforcementLevel}] ${v.policyName}${v.severity ? ` (${v.severity})` : ""}\n    ${v.urn ?? "(stack)"}\n    ${v.message}`;
}

/** The contract line of `platform check`. */
export function violationsLine(report: PolicyReport): string {
  const c = countViolations(report);
  return `policy violations: mandatory ${c.mandatory}, advisory ${c.advisory}`;
}
