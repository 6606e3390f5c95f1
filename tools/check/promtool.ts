import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PlatformConfig } from "../../stacks/resolve";
import type { Artifact } from "../render/artifacts";
import type { CheckStage } from "./stage";
import { buildRuleGroups, duplicateAlertNames } from "../../components/monitoring/rules/catalogue";
import { ruleFilePath, testFileTexts } from "../../components/monitoring/rules/files";
import { testedAlerts } from "../../components/monitoring/rules/promtool-tests";
import { isAlertingRule } from "../../components/monitoring/rules/types";
import { MissingProgramError, PROGRAMS, requireProgram, tempDir } from "../harness/processes";

/** Output of one promtool run. */
export interface ToolRun {
  readonly ok: boolean;
  readonly output: string;
}

/** Runs promtool with arguments in a folder. Throws {@link MissingProgramError} when it is not installed. */
export function promtool(args: readonly string[], cwd: string): Promise<ToolRun> {
  const bin = requireProgram(PROGRAMS.promtool);
  return new Promise((resolve) => {
    execFile(bin, [...args], { cwd, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stdout}${stderr}`.trim() });
    });
  });
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
  readonly duplicates: readonly string[];
  /** Folder with the rule files and the generated test files. */
  readonly dir: string;
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
  const check = names.length > 0 ? await promtool(["check", "rules", ...names], dir) : { ok: false, output: "no rule files rendered" };
  const built = buildRuleGroups(config).filter((b) => !opts.groups || opts.groups.includes(b.group.name));
  let testCases = 0;
  const files = built.map((b) => (ruleFiles.some((f) => f.path === ruleFilePath(b.group.name)) ? testFileTexts(b) : []));
  const jobs = files.flat().map((f) => () => {
    fs.writeFileSync(path.join(dir, f.name), f.text);
    return promtool(["test", "rules", f.name], dir);
  });
  // promtool waits on its temporary TSDB more than it computes: run more than one per CPU.
  const runs = await inParallel(jobs, Math.max(4, os.cpus().length * 4));
  let at = 0;
  const groups = built.map((b, i) => {
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
      for (const g of s.groups) if (!g.run.ok) problems.push(`promtool test rules ${g.group}.*.test.yaml failed in ${s.dir}:\n${g.run.output}`);
      for (const g of s.groups) {
        const missing = g.alerts.filter((a) => !g.tested.includes(a));
        if (g.run.ok && missing.length > 0) problems.push(`${g.group}: no test case on both sides for ${missing.join(", ")}; add cases in components/monitoring/rules/`);
      }
      if (s.duplicates.length > 0) problems.push(`alert names defined twice: ${s.duplicates.join(", ")}`);
      return {
        ok: problems.length === 0,
        summary: `${files.length} rule files checked, ${s.groups.filter((g) => g.run.ok).length}/${s.groups.length} test files pass (${s.testCases} cases)`,
        problems,
        reportLines: [`alerts tested: ${s.testedAlerts}/${s.alerts}`],
      };
    } catch (e) {
      if (e instanceof MissingProgramError) return { ok: false, summary: "promtool missing", problems: [e.message] };
      throw e;
    }
  },
};
