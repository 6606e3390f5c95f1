import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../tools/harness/processes";
import { platform, ROOT, type CliRun } from "./cli-support";

const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const COMMAND_NAMES = ["render", "check", "policy", "diff", "graph", "promote", "rollback"];

/** The flags a command's module really reads (`flags.x`, `flags["x-y"]`): the source, not the help text. */
function flagsReadBy(command: string): string[] {
  // rollback runs promote's code, where --preview-url (smoke test), --summary and --slack serve promote only
  if (command === "rollback") return flagsReadBy("promote").filter((f) => f !== "preview-url" && f !== "summary" && f !== "slack");
  const src = fs.readFileSync(path.join(ROOT, "tools", "commands", `${command}.ts`), "utf8");
  const found = new Set<string>();
  for (const m of src.matchAll(/\bflags(?:\.([a-z][\w]*)|\["([\w-]+)"\])/g)) found.add(m[1] ?? m[2]);
  return [...found].sort();
}

/** The flags a help text lists (`--name`), --help itself aside. */
function flagsListed(help: string): string[] {
  return [...new Set([...help.matchAll(/--([a-z][\w-]*)/g)].map((m) => m[1]))].filter((f) => f !== "help").sort();
}

/** Runs the platform command with a preload that reports which files it loaded. */
function platformReportingLoads(args: readonly string[]): Promise<CliRun & { loaded: string[] }> {
  const preload = path.join(__dirname, "fixtures", "report-loaded.js");
  return new Promise((resolve) => {
    execFile(process.execPath, ["--require", preload, path.join(ROOT, "tools", "bin", "platform.js"), ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      const m = /\nLOADED (.*)\n$/.exec(stderr);
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr: m ? stderr.slice(0, m.index) : stderr, loaded: m ? JSON.parse(m[1]) : [] });
    });
  });
}

describe("platform arguments", () => {
  it("refuses an unknown flag with a did-you-mean, and writes nothing (--outt used to render into out/dev)", async () => {
    const cwd = tempDir("outt");
    const r = await platform(["render", "dev", "--outt", "x"], cwd);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe('platform render: unknown flag "--outt": did you mean "--out"? (`platform render --help` lists every flag)');
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it("refuses extra arguments, flags without their value, a flag twice, a value for a command's missing flag", async () => {
    const cases: [string[], string][] = [
      [["render", "dev", "staging"], 'platform render: unexpected argument "staging": render takes <stack>; usage: platform render <stack> [--out DIR] [--root DIR] [--chart-dir DIR]'],
      [["promote", "staging", "podinfo", "now"], 'platform promote: unexpected argument "now": promote takes <stack> <service>; usage: platform promote <stack> <service> [--prometheus URL] [--preview-url URL] [--summary FILE] [--slack FILE]'],
      [["render", "dev", "--out"], "platform render: --out needs a value (DIR): usage: platform render <stack> [--out DIR] [--root DIR] [--chart-dir DIR]"],
      [["render", "dev", "--out="], "platform render: --out needs a value (DIR): usage: platform render <stack> [--out DIR] [--root DIR] [--chart-dir DIR]"],
      [["render", "dev", "--out", "--root", "x"], "platform render: --out needs a value (DIR): usage: platform render <stack> [--out DIR] [--root DIR] [--chart-dir DIR]"],
      [["graph", "dev", "--out", "a", "--out=b"], "platform graph: --out is given twice; give it once"],
      [["check", "dev", "-o", "x"], 'platform check: unknown flag "-o" (`platform check --help` lists every flag)'],
      [["policy", "dev", "--resource", "r.json"], 'platform policy: unknown flag "--resource": did you mean "--resources"? (`platform policy --help` lists every flag)'],
      [["diff", "dev"], "usage: platform diff <stack> --base <ref> [--max-chars N] [--out FILE] [--repo DIR] [--no-cache]"],
      [["diff", "dev", "--base", "main", "--no-cache=yes"], 'platform diff: --no-cache takes no value (got "yes")'],
      [["diff", "dev", "--bsae", "main"], 'platform diff: unknown flag "--bsae": did you mean "--base"? (`platform diff --help` lists every flag)'],
      [["render", "d\u0435v", "x\u200b"], 'platform render: unexpected argument "x\\u200b": render takes <stack>; usage: platform render <stack> [--out DIR] [--root DIR] [--chart-dir DIR]'],
    ];
    const runs = await Promise.all(cases.map(([args]) => platform(args)));
    runs.forEach((r, i) => {
      expect({ args: cases[i][0], code: r.code, stderr: r.stderr.trim(), stdout: r.stdout }).toEqual({ args: cases[i][0], code: 2, stderr: cases[i][1], stdout: "" });
    });
  });

  it("suggests the command meant by a mistyped one", async () => {
    const [rendr, promte, xyz] = await Promise.all([platform(["rendr", "dev"]), platform(["promte", "dev", "x"]), platform(["xyz"])]);
    expect(rendr.code).toBe(2);
    expect(rendr.stderr.split("\n")[0]).toBe('platform: unknown command "rendr": did you mean "render"?');
    expect(promte.stderr.split("\n")[0]).toBe('platform: unknown command "promte": did you mean "promote"?');
    expect(xyz.stderr.split("\n")[0]).toBe('platform: unknown command "xyz"');
    expect(xyz.stderr).toContain("usage: platform <command> [args]");
  });

  it("`platform --help` and `platform <command> --help` list every flag each command reads", async () => {
    const [global, ...each] = await Promise.all([platform(["--help"]), ...COMMAND_NAMES.map((c) => platform([c, "--help"]))]);
    expect(global.code).toBe(0);
    for (const [i, name] of COMMAND_NAMES.entries()) {
      const reads = flagsReadBy(name);
      expect(reads.length, `${name} reads flags`).toBeGreaterThanOrEqual(1);
      expect(each[i].code).toBe(0);
      expect(each[i].stdout.split("\n")[0]).toMatch(new RegExp(`^usage: platform ${name} `));
      expect(flagsListed(each[i].stdout), `${name} --help`).toEqual(reads);
      // the global help: the command's block, up to the next command
      const block = global.stdout.split(/\n(?= {2}\S)/).find((b) => b.trimStart().startsWith(`${name} `)) ?? "";
      expect(flagsListed(block), `platform --help, ${name}`).toEqual(reads);
    }
  });

  it("answers --help and argument errors without loading any command, the program or Pulumi", async () => {
    const runs = await Promise.all([
      platformReportingLoads(["--help"]),
      platformReportingLoads(["render", "--help"]),
      platformReportingLoads(["render", "dev", "--outt", "x"]),
      platformReportingLoads(["rendr", "dev"]),
    ]);
    for (const r of runs) {
      expect(r.loaded.length).toBeGreaterThan(0); // the preload saw the modules (else this proves nothing)
      expect(r.loaded.some((f) => f.endsWith(path.join("tools", "cli.ts")))).toBe(true);
      const heavy = r.loaded.filter(
        (f) => (f.startsWith(path.join(ROOT, "tools", "commands")) && !f.endsWith("args.ts")) || f.includes(`${path.sep}@pulumi${path.sep}`) || f.startsWith(path.join(ROOT, "components")) || f === path.join(ROOT, "stacks", "config.ts"),
      );
      expect(heavy).toEqual([]);
    }
    // ...and a command that runs does load its module
    const real = await platformReportingLoads(["render"]);
    expect(real.code).toBe(2);
    const ran = await platformReportingLoads(["policy", "nosuchstack"]);
    expect(ran.loaded.some((f) => f.endsWith(path.join("tools", "commands", "policy.ts")))).toBe(true);
  });

  it("tells a new stack without policy/config/<stack>.json so before rendering anything", async () => {
    const root = tempDir("new-stack");
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(root, "Pulumi.qa.yaml"));
    const [check, policy] = await Promise.all([platform(["check", "qa", "--root", root]), platform(["policy", "qa"])]);
    const why = 'no policy config for stack "qa": create policy/config/qa.json (see policy/config/production.json); every stack needs one (README: "Adding a stack")';
    expect([check.code, check.stderr.trim(), check.stdout]).toEqual([2, `platform check: ${why}`, ""]);
    expect([policy.code, policy.stderr.trim()]).toEqual([2, `platform policy: ${why}`]);
    expect(fs.existsSync(path.join(root, "out")), "nothing rendered").toBe(false);
    expect(README).toContain("## Adding a stack");
  });

  it("every `./platform` and `npx platform` line in the workflows and docs uses only flags its command declares", async () => {
    const { COMMANDS } = await import("../../../tools/cli");
    const files = [
      "README.md",
      ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f)),
      ...fs.readdirSync(path.join(ROOT, ".github", "workflows")).map((f) => path.join(".github", "workflows", f)),
    ];
    const problems: string[] = [];
    let lines = 0;
    for (const f of files) {
      const text = fs.readFileSync(path.join(ROOT, f), "utf8");
      for (const m of text.matchAll(/(?:npx |(?<![\w/.])\.\/)platform (\w+)([^\n`|;&#]*)/g)) {
        const cmd = COMMANDS[m[1]];
        if (!cmd) continue; // `./platform --help` and friends
        lines++;
        for (const flag of m[2].matchAll(/(?:^|\s)--([a-z][\w-]*)/g)) {
          if (!cmd.flags.some((d) => d.name === flag[1])) problems.push(`${f}: platform ${m[1]} ... --${flag[1]}`);
        }
      }
    }
    expect(lines).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });
});
