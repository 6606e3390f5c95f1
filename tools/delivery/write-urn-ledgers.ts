// `npm run urns [-- --retire "<why>"]`: renders every stack and writes docs/urns/<stack>.txt, the
// URN ledger (see urn-ledger.ts). All or nothing: when a stack no longer registers a listed URN
// and no alias names it, nothing is written and the URNs are named with the fix, unless
// --retire gives the reason to record them as deleted on purpose.
import * as fs from "node:fs";
import * as path from "node:path";
import { CHART_DIR_ENV, sharedChartDir } from "../render/chart";
import { REPO_ROOT } from "../render/paths";
import type { RenderResult } from "../render/mock-runtime";
import { listStacks, readStackConfig } from "../render/stack-files";
import { renderInChild } from "../render/subprocess";
import { engineResources, formatLedger, ledgerPath, parseLedger, updateLedger, type EngineResource, type UrnLedger } from "./urn-ledger";

const USAGE = 'usage: npm run urns [-- --retire "<why the missing resources were deleted>"]';

/** The arguments: only `--retire <reason>`. */
export function parseUrnsArgs(argv: readonly string[]): { retire?: string } {
  if (argv.length === 0) return {};
  if (argv[0] === "--retire" && argv.length === 2 && argv[1].trim() !== "") return { retire: argv[1].trim() };
  throw new Error(`${USAGE}\n(got: ${argv.join(" ")})`);
}

/**
 * The stack's services with every activeColor flipped, as a config override; undefined without
 * services. A release moves traffic to the other colour and, where the idle colour is parked,
 * deletes one colour's HPA and PDB and creates the other's: that is not a refactor, so the
 * ledger holds the URNs of both states.
 */
export function flippedColours(config: Readonly<Record<string, string>>, project: string): Record<string, string> | undefined {
  const key = `${project}:services`;
  if (config[key] === undefined) return undefined;
  const services = JSON.parse(config[key]) as Record<string, unknown>[];
  if (!Array.isArray(services) || services.length === 0) return undefined;
  const flip = (c: unknown) => (c === "green" ? "blue" : "green");
  return { [key]: JSON.stringify(services.map((s) => ({ ...s, activeColor: flip(s.activeColor ?? "blue") }))) };
}

/** What one stack registers, in both colour states: its renders (for chart status) and the engine's resources of each. */
export interface StackStates {
  readonly stack: string;
  readonly renders: readonly RenderResult[];
  /** Engine resources of every state, concatenated (a URN appears once per state). */
  readonly resources: readonly EngineResource[];
}

/** Renders a stack as committed and with its colours flipped, each in its own process. */
export async function renderStackStates(stack: string, rootDir: string = REPO_ROOT): Promise<StackStates> {
  const stackConfig = readStackConfig(rootDir, stack);
  const flipped = flippedColours(stackConfig.config, stackConfig.project);
  const results = await Promise.all([renderInChild({ stack, rootDir }), ...(flipped ? [renderInChild({ stack, rootDir, overrides: flipped })] : [])]);
  const renders = results.map((r, i) => {
    if (!r.ok) throw new Error(`render of ${stack}${i === 1 ? " with its colours flipped" : ""} failed (exit ${r.exitCode}):\n${r.stderr.trim()}`);
    return r.result;
  });
  return { stack, renders, resources: renders.flatMap((r) => engineResources(r.resources, r.stack, r.project)) };
}

async function main(): Promise<number> {
  let retire: string | undefined;
  try {
    retire = parseUrnsArgs(process.argv.slice(2)).retire;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  // The pinned chart beside the clone, as tests and CI use it, unless the user points elsewhere.
  if (process.env[CHART_DIR_ENV] === undefined && fs.existsSync(sharedChartDir(REPO_ROOT))) process.env[CHART_DIR_ENV] = sharedChartDir(REPO_ROOT);
  const stacks = listStacks(REPO_ROOT);
  const states = await Promise.all(stacks.map((stack) => renderStackStates(stack).catch((e: Error) => e)));
  const problems: string[] = [];
  const next: { stack: string; text: string; summary: string }[] = [];
  stacks.forEach((stack, i) => {
    const st = states[i];
    if (st instanceof Error) {
      problems.push(st.message);
      return;
    }
    // Without the chart's objects the ledger would lose about a hundred URNs: refuse instead.
    const unrendered = st.renders.flatMap((r) => r.charts ?? []).filter((c) => c.status !== "rendered");
    for (const c of unrendered.slice(0, 1)) problems.push(`${stack}: chart ${c.chart} ${c.version ?? ""} is ${c.status}: ${c.message ?? ""}`);
    if (unrendered.length > 0) return;
    const file = path.join(REPO_ROOT, ledgerPath(stack));
    const old: UrnLedger = fs.existsSync(file) ? parseLedger(fs.readFileSync(file, "utf8"), ledgerPath(stack)) : { urns: [], retired: [] };
    try {
      const { ledger, check } = updateLedger(stack, old, st.resources, retire);
      const added = ledger.urns.filter((u) => !old.urns.includes(u)).length;
      next.push({
        stack,
        text: formatLedger(stack, ledger, check.aliased),
        summary: `wrote ${ledgerPath(stack)}: ${ledger.urns.length} URNs (${added} new, ${check.aliased.size} kept for an alias, ${retire ? check.missing.length : 0} retired now, ${ledger.retired.length} retired in all)`,
      });
    } catch (e) {
      problems.push((e as Error).message);
    }
  });
  if (problems.length > 0) {
    process.stderr.write(`npm run urns: nothing written.\n${problems.join("\n\n")}\n`);
    return 1;
  }
  for (const n of next) {
    const file = path.join(REPO_ROOT, ledgerPath(n.stack));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, n.text);
    process.stdout.write(`${n.summary}\n`);
  }
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
      process.exit(1);
    },
  );
}
