import * as fs from "node:fs";
import * as path from "node:path";
import { checkStackPolicies, countViolations, formatViolation, PolicyConfigError, readRenderedResources, readStackPackConfig, violationsLine } from "../policy";
import { REPO_ROOT } from "../render/mock-runtime";
import { CommandError, parseArgs, renderStack } from "./shared";

/**
 * `platform policy <stack> [--resources FILE]`: renders the stack (or reads a render's
 * resources.json), runs the policy pack with the stack's policy config, prints every
 * violation with its URN, and exits 1 on a mandatory one.
 */
export async function policyCommand(argv: readonly string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const stack = positional[0];
  if (!stack) throw new CommandError("usage: platform policy <stack> [--resources out/<stack>/resources.json]");
  let config;
  try {
    config = readStackPackConfig(stack);
  } catch (e) {
    if (e instanceof PolicyConfigError) throw new CommandError(`platform policy: ${e.message}; every stack needs one (README: "Adding a stack")`);
    throw e;
  }
  let resources;
  if (typeof flags.resources === "string") {
    const file = path.resolve(flags.resources);
    if (!fs.existsSync(file)) throw new CommandError(`no such file: ${file}; run \`npx platform render ${stack}\` first`);
    resources = readRenderedResources(file);
  } else {
    resources = (await renderStack(stack)).result.resources;
  }
  let report;
  try {
    report = await checkStackPolicies(stack, resources, config);
  } catch (e) {
    if (e instanceof PolicyConfigError) throw new CommandError(e.message);
    throw e;
  }
  for (const v of report.violations) console.log(formatViolation(v) + "\n");
  const skipped = report.notApplicable.filter((n) => n.urn === undefined);
  for (const n of skipped) console.log(`[not applicable] ${n.policyName}: ${n.reason ?? ""}`);
  const c = countViolations(report);
  console.log(
    `\npolicy ${stack}: ${report.counts.policies} policies (${report.counts.disabled} disabled) on ${report.counts.resources} resources, config ${path.relative(REPO_ROOT, path.join(REPO_ROOT, "policy", "config", `${stack}.json`))}`,
  );
  console.log(violationsLine(report));
  return c.mandatory > 0 ? 1 : 0;
}
