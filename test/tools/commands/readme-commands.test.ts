import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findOnPath } from "../../../tools/commands/promote";
import { tempDir } from "../../../tools/harness/processes";
import { ROOT, type CliRun } from "./cli-support";

const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/**
 * Every `./platform ...` (or `npx platform ...`) command README shows (tables and code blocks),
 * `/ \`x\`` alternatives expanded.
 */
function readmePlatformCommands(): string[] {
  const found = new Set<string>();
  for (const m of README.matchAll(/`((?:npx |\.\/)platform [^`]+)`(?:\s*\/\s*`(\w+)`)?/g)) {
    found.add(m[1]);
    if (m[2]) found.add(m[1].replace(/^((?:npx |\.\/)platform) \w+/, `$1 ${m[2]}`));
  }
  for (const m of README.matchAll(/^.*?((?:\bnpx |(?<![\w/.])\.\/)platform [^\n`#]+?)\s*(?:#.*)?$/gm)) found.add(m[1].trim());
  return [...found].sort();
}

/** The command's name in a README command line (`./platform check dev` -> check). */
const commandName = (line: string): string => line.replace(/^(?:npx |\.\/)platform /, "").split(" ")[0];

/** A user's values for README's placeholders. */
const PLACEHOLDERS: Record<string, string> = { "<stack>": "dev", "<service>": "podinfo", "<ref>": "HEAD", "<command>": "render" };

/** PATH without any folder that holds a `pulumi` program: a machine where the Pulumi CLI is not installed. */
function pathWithoutPulumi(): string {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((d) => !findOnPath("pulumi", d))
    .join(path.delimiter);
}

/** Runs a command line as a user types it in the repository (through a shell, npx and all). */
function sh(line: string, env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", line], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const PULUMI_MISSING = (kind: string) =>
  `platform ${kind}: the Pulumi CLI (\`pulumi\`) is not on PATH, and ${kind} changes the stack through it: ` +
  "install it (https://www.pulumi.com/docs/iac/download-install/; `curl -fsSL https://get.pulumi.com | sh` puts it in ~/.pulumi/bin, add that to PATH), " +
  "log in (`pulumi login`, or `pulumi login --local` for dev), select the stack once (`pulumi stack select <stack>`), and run this again.";

/** What each command must do when run as README shows it, on this machine (no Pulumi CLI, no cluster). */
const EXPECT: Record<string, (r: CliRun, stack: string) => void> = {
  render: (r, stack) => {
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^rendered ${stack}: \\d+ resources, \\d+ files in out/${stack} \\(\\d+ ms\\)$`, "m"));
  },
  check: (r) => {
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^passed: dev$/m);
  },
  policy: (r) => {
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^policy violations: mandatory 0, advisory \d+$/m);
  },
  diff: (r) => {
    // 0 without changes against HEAD, 1 when the working tree has some; 2 would be an error
    expect([0, 1]).toContain(r.code);
    expect(r.stdout).toContain("dev");
  },
  graph: (r) => {
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^graph of dev: \d+ resources -> out\/dev\/graph\.dot, out\/dev\/graph\.svg$/m);
  },
  promote: (r) => {
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(PULUMI_MISSING("promote"));
  },
  rollback: (r) => {
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(PULUMI_MISSING("rollback"));
  },
  "pin-images": (r) => {
    // No registry is reachable here: it names each image, says why, and changes nothing.
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^app-platform:services\[0\]\.image\.blue \("ghcr\.io\/stefanprodan\/podinfo:[^"]+"\) could not be resolved to a digest: cannot reach ghcr\.io/m);
    expect(r.stderr).toContain("Pulumi.dev.yaml was not changed.");
  },
};

describe("every `./platform` command README lists runs as a user types it", () => {
  const commands = readmePlatformCommands();

  it("README shows the commands in the ./platform form (npx starts npm first: ~0.6 s a command)", () => {
    expect(commands.length).toBeGreaterThan(8);
    expect(commands.filter((c) => !c.startsWith("./platform "))).toEqual([]);
  });

  it("README lists every command of the platform CLI, and only those", async () => {
    const { COMMANDS } = await import("../../../tools/cli");
    const named = commands.map(commandName).filter((w) => !w.startsWith("-") && !w.startsWith("<"));
    expect([...new Set(named)].sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  // Sequentially: check, policy and graph all write out/dev.
  // check renders and runs every stage (Helm, promtool, amtool): minutes on a busy 2-core machine
  it.each(commands)("%s", { timeout: 300_000 }, async (line) => {
    const typed = line.replace(/<\w+>/g, (p) => PLACEHOLDERS[p] ?? p);
    expect(typed, `no value for a placeholder in "${line}"`).not.toMatch(/<\w+>/);
    const name = commandName(typed);
    const r = await sh(typed, { ...process.env, PATH: pathWithoutPulumi() });
    expect(r.stderr, "no stack trace").not.toMatch(/^\s+at /m);
    if (typed.endsWith(" --help")) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(name === "--help" ? /^usage: platform <command> \[args\]/ : new RegExp(`^usage: platform ${name} `));
      return;
    }
    // The stack a line names (README's placeholders stand for dev).
    const stack = typed.split(" ").find((w) => ["dev", "staging", "production"].includes(w)) ?? "dev";
    EXPECT[name](r, stack);
  });
});

describe("`npm run schema`, as README shows it", () => {
  it("regenerates schema/stack-config.schema.json and docs/config.md exactly as committed (run in a copy: it writes the files)", { timeout: 120_000 }, async () => {
    expect(README).toContain("`npm run schema`");
    const copy = path.join(tempDir("schema-copy"), "repo");
    for (const f of execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean)) {
      if (!fs.existsSync(path.join(ROOT, f))) continue;
      fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(copy, f));
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    const target = path.join(copy, "schema", "stack-config.schema.json");
    const reference = path.join(copy, "docs", "config.md");
    fs.rmSync(target);
    fs.rmSync(reference);
    const r = await new Promise<CliRun>((resolve) =>
      execFile("bash", ["-c", "npm run schema"], { cwd: copy }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr })),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("wrote schema/stack-config.schema.json");
    expect(fs.readFileSync(target, "utf8")).toBe(fs.readFileSync(path.join(ROOT, "schema", "stack-config.schema.json"), "utf8"));
    expect(r.stdout).toContain("wrote docs/config.md");
    expect(fs.readFileSync(reference, "utf8")).toBe(fs.readFileSync(path.join(ROOT, "docs", "config.md"), "utf8"));
  });
});
