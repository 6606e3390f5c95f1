import YAML from "yaml";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PlatformConfig } from "../../stacks/resolve";
import type { Artifact } from "../render/artifacts";
import { runStageTool, type CheckStage } from "./stage";
import { buildRuleGroups, duplicateAlertNames } from "../../components/monitoring/rules/catalogue";
import { ruleFilePath, ruleFileText, testFileTexts } from "../../components/monitoring/rules/files";
import { testedAlerts } from "../../components/monitoring/rules/promtool-tests";
import { isAlertingRule, type BuiltGroup } from "../../components/monitoring/rules/types";
import { MissingProgramError, PROGRAMS, requireProgram, tempDir } from "../programs";

/** Output of one promtool run. */
export interface ToolRun {
  readonly ok: boolean;
  readonly output: string;
}

/** Runs promtool with arguments in a folder. Throws {@link MissingProgramError} when it is not installed. */
export function promtool(args: readonly string[], cwd: string): Promise<ToolRun> {
  const bin = requireProgram(PROGRAMS.promtool);
  const files = args.filter((a) => a.endsWith(".yaml")).map((f) => path.join(cwd, f));
  return runStageTool(bin, args, { stage: "promtool rules", file: files.join(", ") || cwd, cwd, timeoutMs: 120_000, maxBuffer: 64 * 1024 * 1024 });
}

/** The outcome of `promtool check rules` and `promtool test rules` on a stack's rendered rules. */
export interface RuleSuite {
  /** `promtool check rules` on every rendered rule file (ours and any other group). */
  readonly check: ToolRun;
  /** `promtool test rules` per group of ours. */
  readonly groups: readonly { readonly group: string; readonly run: ToolRun; readonly alerts: readonly string[]; readonly tested: readonly string[]; readonly cases: number }[];
  /** Alerts of ours, and those covered on both sides by a passing test file. */
  readonly alerts: number;
  readonly testedAlerts: number;
  /** promtool test groups (one input set each) across the files. */
  readonly testCases: number;
  /** Groups tested once on a representative service (see {@link templatePlans}). */
  readonly templates: readonly TemplatePlan[];
  /** Groups tested on the first {@link SAMPLE_SERVICES} services (see {@link samplePlans}). */
  readonly samples: readonly { readonly group: string; readonly services: number }[];
  readonly duplicates: readonly string[];
  /** Folder with the rule files and the generated test files. */
  readonly dir: string;
}

/** A rule as Prometheus reads it, from a rendered rule file or a builder. */
type AnyRule = Record<string, unknown>;

/** Canonical text of a rule (sorted keys), to compare rendered rules with built ones. */
function ruleKey(rule: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as AnyRule)[k])])) : v;
  return JSON.stringify(sort(rule));
}

/**
 * How one rule group's unit tests run when the stack has several services. A group is a
 * per-service template when building it for all services gives exactly the rules of building it
 * for each service alone, put together (the SLO recording rules: one set per service, the
 * burn-rate alerts shared). Its tests, written on the first service's series, then run on the
 * shipped file without the other services' own rules, which read and write only series labelled
 * with their service: the template is proven once on representative series, and
 * {@link TemplatePlan.missing} checks that every service got it, as shipped.
 */
export interface TemplatePlan {
  readonly group: string;
  /** Services that share the template (all of the stack's). */
  readonly services: number;
  /** The service whose series the tests use. */
  readonly representative: string;
  /** The shipped rule file's text without the other services' own rules. */
  readonly reducedText: string;
  /** Rules of the template that a service's shipped rules lack, as `service: rule` lines. */
  readonly missing: readonly string[];
}

/**
 * The {@link TemplatePlan} of each per-service template group among `built` (none with fewer
 * than two services). `rendered` maps a group's name to the text of its shipped rule file.
 */
export function templatePlans(config: PlatformConfig, built: readonly BuiltGroup[], rendered: ReadonlyMap<string, string>): TemplatePlan[] {
  if (config.services.length < 2) return [];
  const single = config.services.map((svc) => new Map(buildRuleGroups({ ...config, services: [svc] }).map((b) => [b.group.name, b.group.rules.map(ruleKey)])));
  const plans: TemplatePlan[] = [];
  for (const b of built) {
    const text = rendered.get(b.group.name);
    const perService = single.map((m) => m.get(b.group.name));
    if (text === undefined || perService.some((r) => r === undefined)) continue;
    const full = new Set(b.group.rules.map(ruleKey));
    const union = new Set(perService.flatMap((r) => r!));
    // Not a template: some rule of the full build depends on several services at once.
    if (full.size !== union.size || [...full].some((k) => !union.has(k))) continue;
    const own = new Set(perService[0]!);
    // Rules that belong to other services only: dropped from the test file, never the rest.
    const othersOnly = new Set([...union].filter((k) => !own.has(k)));
    if (othersOnly.size === 0) continue;
    const doc = YAML.parse(text) as { groups?: { name: string; rules?: AnyRule[] }[] };
    const group = doc?.groups?.[0];
    if (!group || !Array.isArray(group.rules)) continue;
    const shipped = new Set(group.rules.map(ruleKey));
    const missing = config.services.flatMap((svc, i) =>
      perService[i]!.filter((k) => !shipped.has(k)).map((k) => {
        const r = JSON.parse(k) as AnyRule;
        return `${svc.name}: ${String(r.alert ?? r.record)} ${JSON.stringify(r.labels ?? {})}`;
      }),
    );
    const reduced = { ...doc, groups: [{ ...group, rules: group.rules.filter((r) => !othersOnly.has(ruleKey(r))) }] };
    plans.push({ group: b.group.name, services: config.services.length, representative: config.services[0]!.name, reducedText: YAML.stringify(reduced, { lineWidth: 0 }), missing });
  }
  return plans;
}

/** Services a group that is not a per-service template is unit-tested with, at most. */
export const SAMPLE_SERVICES = 3;

/**
 * A group that is not a per-service template but names every service (ServiceDown checks each
 * configured service for absence), in a stack of more than {@link SAMPLE_SERVICES} services:
 * when the shipped rules are exactly what the builder makes for all services, the unit tests
 * run on what the same builder makes for the first {@link SAMPLE_SERVICES} (the tests' series
 * cover the first service, with the others present), so their cost does not grow with the
 * stack. Otherwise the shipped file is tested as it is.
 */
export interface SamplePlan {
  readonly group: string;
  readonly services: number;
  /** The group built for the sample: its rule file text and its test cases. */
  readonly built: BuiltGroup;
  readonly ruleText: string;
}

/** The {@link SamplePlan}s of `built` (groups not in `templates`). */
export function samplePlans(config: PlatformConfig, built: readonly BuiltGroup[], rendered: ReadonlyMap<string, string>, templates: readonly TemplatePlan[]): SamplePlan[] {
  if (config.services.length <= SAMPLE_SERVICES) return [];
  const sample = new Map(buildRuleGroups({ ...config, services: config.services.slice(0, SAMPLE_SERVICES) }).map((b) => [b.group.name, b]));
  const plans: SamplePlan[] = [];
  for (const b of built) {
    const text = rendered.get(b.group.name);
    const small = sample.get(b.group.name);
    if (text === undefined || !small || templates.some((t) => t.group === b.group.name)) continue;
    const full = b.group.rules.map(ruleKey);
    // Nothing to gain when the group does not grow with the services.
    if (ruleKey(small.group) === ruleKey(b.group)) continue;
    const shipped = (YAML.parse(text) as { groups?: { rules?: AnyRule[] }[] })?.groups?.[0]?.rules;
    if (!Array.isArray(shipped) || shipped.length !== full.length || shipped.some((r, i) => ruleKey(r) !== full[i])) continue;
    plans.push({ group: b.group.name, services: config.services.length, built: small, ruleText: ruleFileText(small.group) });
  }
  return plans;
}

/**
 * Writes a stack's rendered rule files (exactly what ships) and the promtool test files
 * generated from the rule modules' typed cases into one folder, then checks and tests them.
 */
export async function runRuleSuite(
  ruleFiles: readonly Artifact[],
  config: PlatformConfig,
  opts: { readonly dir?: string; /** Test only these groups (all by default). */ readonly groups?: readonly string[] } = {},
): Promise<RuleSuite> {
  const dir = opts.dir ?? tempDir("promtool");
  const names: string[] = [];
  for (const f of ruleFiles) {
    const name = path.basename(f.path);
    fs.writeFileSync(path.join(dir, name), f.content);
    names.push(name);
  }
  const checking = names.length > 0 ? promtool(["check", "rules", ...names], dir) : Promise.resolve({ ok: false, output: "no rule files rendered" });
  const built = buildRuleGroups(config).filter((b) => !opts.groups || opts.groups.includes(b.group.name));
  // The unit tests run in their own folder: a template group's rule file there is the reduced one.
  const testDir = path.join(dir, "tests");
  fs.mkdirSync(testDir, { recursive: true });
  const rendered = new Map(ruleFiles.map((f) => [path.basename(f.path, ".yaml"), f.content]));
  const templates = templatePlans(config, built, rendered);
  const samples = samplePlans(config, built, rendered, templates);
  for (const [group, text] of rendered) {
    fs.writeFileSync(path.join(testDir, `${group}.yaml`), templates.find((t) => t.group === group)?.reducedText ?? samples.find((x) => x.group === group)?.ruleText ?? text);
  }
  let testCases = 0;
  const tested = built.map((b) => samples.find((x) => x.group === b.group.name)?.built ?? b);
  const files = tested.map((b) => (ruleFiles.some((f) => f.path === ruleFilePath(b.group.name)) ? testFileTexts(b) : []));
  const jobs = files.flat().map((f) => () => {
    fs.writeFileSync(path.join(testDir, f.name), f.text);
    return promtool(["test", "rules", f.name], testDir);
  });
  // promtool waits on its temporary TSDB more than it computes: run more than one per CPU.
  const [check, runs] = await Promise.all([checking, inParallel(jobs, Math.max(4, os.cpus().length * 4))]);
  let at = 0;
  const groups = tested.map((b, i) => {
    const alerts = b.group.rules.filter(isAlertingRule).map((r) => r.alert);
    if (files[i].length === 0) return { group: b.group.name, run: { ok: false, output: `${ruleFilePath(b.group.name)} was not rendered` }, alerts, tested: [] as string[], cases: 0 };
    const mine = runs.slice(at, (at += files[i].length));
    const run = { ok: mine.every((r) => r.ok), output: mine.filter((r) => !r.ok).map((r) => r.output).join("\n") };
    const cases = b.cases.length * 2 + b.exprCases.length;
    testCases += cases;
    return { group: b.group.name, run, alerts, tested: run.ok ? [...testedAlerts(b)].filter((a) => alerts.includes(a)) : [], cases };
  });
  return {
    check,
    groups,
    alerts: groups.reduce((n, g) => n + g.alerts.length, 0),
    testedAlerts: groups.reduce((n, g) => n + g.tested.length, 0),
    testCases,
    duplicates: duplicateAlertNames(built),
    templates,
    samples: samples.map((x) => ({ group: x.group, services: x.services })),
    dir,
  };
}

/** Runs async jobs with at most `limit` at a time; results in job order. */
async function inParallel<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

/** `platform check` stage: promtool check and unit tests of the rendered rule files. */
export const promtoolStage: CheckStage = {
  name: "promtool rules",
  async run(ctx) {
    const files = ctx.files.filter((f) => f.path.startsWith("prometheus/rules/"));
    if (ctx.config.timeScale !== 1) {
      return { ok: true, summary: `timeScale ${ctx.config.timeScale}: rule unit tests run on stacks with timeScale 1`, problems: [], reportLines: [`alerts tested: 0/${files.length} groups (timeScale ${ctx.config.timeScale})`] };
    }
    try {
      const s = await runRuleSuite(files, ctx.config);
      const problems: string[] = [];
      if (!s.check.ok) problems.push(`promtool check rules failed in ${s.dir}:\n${s.check.output}`);
      for (const g of s.groups) if (!g.run.ok) problems.push(`promtool test rules ${g.group}.*.test.yaml failed in ${path.join(s.dir, "tests")}:\n${g.run.output}`);
      for (const g of s.groups) {
        const missing = g.alerts.filter((a) => !g.tested.includes(a));
        if (g.run.ok && missing.length > 0) problems.push(`${g.group}: no test case on both sides for ${missing.join(", ")}; add cases in components/monitoring/rules/`);
      }
      if (s.duplicates.length > 0) problems.push(`alert names defined twice: ${s.duplicates.join(", ")}`);
      for (const t of s.templates) {
        if (t.missing.length > 0) problems.push(`${ruleFilePath(t.group)} lacks rules of its per-service template (tested on ${t.representative}): ${t.missing.join("; ")}`);
      }
      // Kept for inspection when something failed (the problems name the folder).
      if (problems.length === 0) fs.rmSync(s.dir, { recursive: true, force: true });
      const templated = [
        ...s.templates.map((t) => `${t.group} tested once on ${t.representative} for ${t.services} services`),
        ...s.samples.map((x) => `${x.group} tested on ${SAMPLE_SERVICES} of ${x.services} services (shipped rules = the builder's for all)`),
      ];
      return {
        ok: problems.length === 0,
        summary: `${files.length} rule files checked, ${s.groups.filter((g) => g.run.ok).length}/${s.groups.length} test files pass (${s.testCases} cases)`,
        problems,
        reportLines: [`alerts tested: ${s.testedAlerts}/${s.alerts}`, ...(templated.length ? [`rule templates: ${templated.join("; ")}`] : [])],
      };
    } catch (e) {
      if (e instanceof MissingProgramError) return { ok: false, summary: "promtool missing", problems: [e.message] };
      throw e;
    }
  },
};
