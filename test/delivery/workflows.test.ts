import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { COMMANDS } from "../../tools/cli";
import { REPO_ROOT } from "../../tools/render/mock-runtime";
import { listStacks } from "../../tools/render/stack-files";

const DIR = path.join(REPO_ROOT, ".github", "workflows");
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));

/**
 * Inputs of pulumi/actions v6, from its action.yml; an input outside this list is silently
 * ignored by GitHub (with only a warning), which is how a typo turns a gate off.
 */
const PULUMI_ACTION_INPUTS = new Set([
  "command", "stack-name", "work-dir", "comment-on-pr", "comment-on-pr-number", "comment-on-summary", "github-token",
  "cloud-url", "secrets-provider", "parallel", "message", "config-map", "expect-no-changes", "diff", "replace", "exclude",
  "exclude-dependents", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh", "upsert", "remove",
  "edit-pr-comment", "color", "exclude-protected", "plan", "suppress-outputs", "suppress-progress", "always-include-summary",
  "continue-on-error", "log-verbosity", "log-flow", "debug", "pulumi-version", "pulumi-version-file",
]);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}
interface Job {
  steps: Step[];
  needs?: string | string[];
  environment?: string | { name: string };
  concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
  strategy?: { matrix?: Record<string, unknown[]> };
  if?: string;
  permissions?: Record<string, string>;
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  permissions?: Record<string, string>;
}

function load(file: string): Workflow {
  return YAML.parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Workflow;
}

const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const workflows = Object.fromEntries(files.map((f) => [f, load(f)]));

/** Every command a workflow runs, one per shell line or `&&`/`||`/`;` segment. */
function commandsOf(run: string): string[] {
  return run
    .split("\n")
    .flatMap((l) => l.split(/&&|\|\||;/))
    .map((c) => c.trim())
    .filter((c) => c && !c.startsWith("#"));
}

describe("GitHub Actions workflows", () => {
  it("exist and parse", () => {
    expect(files.sort()).toEqual(expect.arrayContaining(["deploy.yml", "drift.yml", "pr.yml"]));
    for (const [f, w] of Object.entries(workflows)) {
      expect(w.name, f).toBeTruthy();
      expect(Object.keys(w.jobs).length, f).toBeGreaterThan(0);
    }
  });

  it("call only npm scripts, platform commands and files that exist", () => {
    const problems: string[] = [];
    let platformCalls = 0;
    for (const [f, w] of Object.entries(workflows)) {
      for (const [jobName, job] of Object.entries(w.jobs)) {
        for (const step of job.steps) {
          const where = `${f} ${jobName} "${step.name ?? step.uses ?? step.run?.slice(0, 30)}"`;
          if (step.uses?.startsWith("./")) {
            if (!fs.existsSync(path.join(REPO_ROOT, step.uses))) problems.push(`${where}: local action ${step.uses} is missing`);
          } else if (step.uses && !/^[\w.-]+\/[\w./-]+@v\d+$/.test(step.uses)) {
            problems.push(`${where}: ${step.uses} is not pinned to a major version`);
          }
          for (const cmd of commandsOf(step.run ?? "")) {
            for (const m of cmd.matchAll(/\bnpm run ([\w:-]+)/g)) if (!pkg.scripts?.[m[1]]) problems.push(`${where}: npm script "${m[1]}" is not in package.json`);
            if (/\bnpm test\b/.test(cmd) && !pkg.scripts?.test) problems.push(`${where}: no "test" script`);
            if (/\bnpm ci\b/.test(cmd) && !fs.existsSync(path.join(REPO_ROOT, "package-lock.json"))) problems.push(`${where}: npm ci without package-lock.json`);
            for (const m of cmd.matchAll(/\bnpx platform ([\w-]+)/g)) {
              platformCalls++;
              if (!(m[1] in COMMANDS)) problems.push(`${where}: platform ${m[1]} is not a command in tools/cli.ts`);
              if (!pkg.bin?.platform) problems.push(`${where}: package.json has no "platform" bin`);
            }
            for (const m of cmd.matchAll(/\b(?:bash|sh|node|tsx)\s+([\w./-]+\.(?:sh|js|ts|mjs))/g)) {
              if (!fs.existsSync(path.join(REPO_ROOT, m[1]))) problems.push(`${where}: ${m[1]} does not exist`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(platformCalls).toBeGreaterThanOrEqual(2);
  });

  it("has run scripts that bash can parse", () => {
    const problems: string[] = [];
    for (const [f, w] of Object.entries(workflows)) {
      for (const [jobName, job] of Object.entries(w.jobs)) {
        for (const step of job.steps.filter((x) => x.run)) {
          // GitHub substitutes ${{ }} before the shell sees the script; a word stands in for it.
          const script = step.run!.replace(/\$\{\{[^}]*\}\}/g, "EXPR");
          const r = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
          if (r.status !== 0) problems.push(`${f} ${jobName} "${step.name ?? step.run!.slice(0, 30)}": ${r.stderr.trim()}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("preview and deploy only stacks that exist, with the policy pack and known pulumi/actions inputs", () => {
    const stacks = listStacks(REPO_ROOT);
    const problems: string[] = [];
    for (const [f, w] of Object.entries(workflows)) {
      for (const s of (w.env?.STACKS ?? "").split(/\s+/).filter(Boolean)) if (!stacks.includes(s)) problems.push(`${f}: STACKS names ${s}`);
      for (const [jobName, job] of Object.entries(w.jobs)) {
        for (const s of (job.strategy?.matrix?.stack ?? []) as string[]) if (!stacks.includes(s)) problems.push(`${f} ${jobName}: matrix stack ${s}`);
        for (const step of job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"))) {
          for (const k of Object.keys(step.with ?? {})) if (!PULUMI_ACTION_INPUTS.has(k)) problems.push(`${f} ${jobName}: pulumi/actions has no input "${k}"`);
          const stack = String(step.with?.["stack-name"]);
          if (!stack.includes("${{") && !stacks.includes(stack)) problems.push(`${f} ${jobName}: stack-name ${stack}`);
          const pack = step.with?.policyPacks;
          if (pack !== undefined && !fs.existsSync(path.join(REPO_ROOT, String(pack), "PulumiPolicy.yaml"))) problems.push(`${f} ${jobName}: policy pack ${pack} has no PulumiPolicy.yaml`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("pr.yml runs untrusted code without secrets or write access, and previews with credentials only for trusted pull requests", () => {
    const pr = workflows["pr.yml"];
    expect(Object.keys(pr.on)).toEqual(["pull_request"]); // never pull_request_target
    expect(pr.permissions).toEqual({ contents: "read" });
    const offline = pr.jobs.offline;
    expect(offline.permissions).toBeUndefined();
    const text = JSON.stringify(offline);
    expect(text).not.toMatch(/secrets\./);
    const runs = offline.steps.map((s) => s.run ?? "").join("\n");
    expect(runs).toMatch(/npm test/);
    expect(runs).toMatch(/npx platform check "\$stack"/);
    expect(runs).toMatch(/npx platform diff "\$stack" --base "origin\/\$BASE_REF"/);
    expect(offline.steps[0].with?.["fetch-depth"]).toBe(0);
    expect(offline.steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with?.["node-version"]).toBe(20);
    expect(runs).toContain("bash scripts/setup.sh");
    // One comment, found again by its marker and edited in place.
    expect(pr.env?.COMMENT_MARKER).toMatch(/^<!-- .* -->$/);
    expect(JSON.stringify(pr.jobs.comment)).toContain("-X PATCH");
    expect(pr.jobs.comment.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    const preview = pr.jobs.preview;
    expect(preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    const action = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(action.with).toMatchObject({ command: "preview", "comment-on-pr": true, "always-include-summary": true, diff: true, policyPacks: "policy" });
    expect(String(action.with?.policyPackConfigs)).toContain("policy/config/");
  });

  it("pr-comment.yml posts fork previews without running their code", () => {
    const w = workflows["pr-comment.yml"];
    expect(Object.keys(w.on)).toEqual(["workflow_run"]);
    const steps = w.jobs.comment.steps;
    expect(steps.some((s) => s.uses?.startsWith("actions/checkout"))).toBe(false);
    const run = steps.map((s) => s.run ?? "").join("\n");
    expect(run).toContain(".head.sha");
    expect(run).toContain("-X PATCH");
  });

  it("deploy.yml updates staging, then production behind an environment, never two at once", () => {
    const d = workflows["deploy.yml"];
    expect(d.on).toHaveProperty("push.branches", ["main"]);
    expect(d.concurrency).toMatchObject({ "cancel-in-progress": false });
    const { staging, production } = d.jobs;
    expect(staging.needs).toBe("test");
    expect(production.needs).toBe("staging");
    expect(production.environment).toBe("production");
    expect(staging.concurrency).toEqual({ group: "pulumi-staging", "cancel-in-progress": false });
    expect(production.concurrency).toEqual({ group: "pulumi-production", "cancel-in-progress": false });
    for (const [job, stack] of [[staging, "staging"], [production, "production"]] as const) {
      expect(job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))?.with).toMatchObject({ command: "up", "stack-name": stack, policyPacks: "policy" });
    }
  });

  it("deploy.yml promotes each release with the gate after pulumi up, flags ungated flips, and has an emergency rollback", () => {
    const d = workflows["deploy.yml"];
    for (const stack of ["staging", "production"] as const) {
      const steps = d.jobs[stack].steps;
      const at = (pred: (s: Step) => boolean) => steps.findIndex(pred);
      const releases = at((s) => s.run?.includes(`tools/delivery/changed-releases.ts ${stack}`) ?? false);
      const up = at((s) => s.uses?.startsWith("pulumi/actions@") ?? false);
      const promote = at((s) => s.run?.includes(`npx platform promote ${stack} "$svc"`) ?? false);
      expect(releases, stack).toBeGreaterThanOrEqual(0);
      expect(up, stack).toBeGreaterThan(releases);
      expect(promote, stack).toBeGreaterThan(up);
      expect(steps[promote].if).toBe("steps.releases.outputs.services != ''");
      // The promote loop fails the job when any release did not promote (production waits on staging).
      expect(steps[promote].run).toContain("exit $status");
    }
    // Production's promotions run in the job held by the environment's reviewers.
    expect(d.jobs.production.environment).toBe("production");
    const rollback = d.jobs.rollback;
    expect(rollback.if).toBe("inputs.rollback_service != ''");
    expect(rollback.steps.some((s) => s.run?.includes('npx platform rollback "$STACK" "$SERVICE"'))).toBe(true);
    expect(d.on).toHaveProperty("workflow_dispatch.inputs.rollback_service");
  });

  it("runs no step twice in a job (a copied step runs twice: deploy.yml posted each Slack message twice), and each deploy job posts to Slack once", () => {
    const problems: string[] = [];
    for (const [f, w] of Object.entries(workflows)) {
      for (const [job, j] of Object.entries(w.jobs)) {
        const seen = new Set<string>();
        for (const s of j.steps) {
          const key = JSON.stringify([s.uses, s.run, s.with]);
          if (seen.has(key)) problems.push(`${f} ${job}: step "${s.name ?? s.uses}" repeats an earlier step`);
          seen.add(key);
        }
      }
    }
    expect(problems).toEqual([]);
    const d = workflows["deploy.yml"];
    for (const stack of ["staging", "production"]) {
      expect(d.jobs[stack].steps.filter((s) => s.run?.includes('"$SLACK_DEPLOY_WEBHOOK_URL"')), stack).toHaveLength(1);
    }
  });

  it("drift.yml previews each stack with refresh and expect-no-changes on a schedule, and reports failures", () => {
    const d = workflows["drift.yml"];
    expect(d.on).toHaveProperty("schedule");
    const job = d.jobs.drift;
    expect(job.strategy?.matrix?.stack).toEqual(["staging", "production"]);
    expect(job.concurrency).toMatchObject({ group: "pulumi-${{ matrix.stack }}" });
    expect(job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))?.with).toMatchObject({ command: "preview", refresh: true, "expect-no-changes": true });
    expect(job.steps.at(-1)?.if).toBe("failure()");
    expect(job.steps.at(-1)?.run).toContain("gh issue create");
  });
});
