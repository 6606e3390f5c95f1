// Bench section "scale": stacks of 1, 10, 50 and 100 services generated from production
// (tools/bench/scale-stack.ts), each measured with the commands as a user types them, in fresh
// processes: `platform render` (median of 3), `platform check` and `platform diff` (one run
// each; the diff without its base cache: both renders, concurrently), wall clock, CPU and peak memory, beside the targets of issue #18.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../harness/processes";
import { CHART_DIR_ENV, sharedChartDir } from "../render/chart";
import { CHART_CACHE_DIR, REPO_ROOT } from "../render/paths";
import { writeScaledStack } from "./scale-stack";
import { lines, loadLine, series, timed } from "./timed";

/** Service counts measured. */
export const COUNTS = [1, 10, 50, 100] as const;
const RENDER_RUNS = 3;
const STACK = "production";
/** Targets in ms, by command and service count (issue #18). */
const TARGETS: Record<string, Partial<Record<number, number>>> = {
  render: { 100: 3000 },
  check: { 50: 10_000, 100: 15_000 },
};

/**
 * A throwaway worktree of HEAD with the generated stack committed (on a detached HEAD), so
 * that `platform diff --base HEAD` renders N services on both sides, as on a pull request
 * that does not touch them. Returns the folder and a cleanup.
 */
function scaledWorktree(count: number): { dir: string; remove(): void } {
  const dir = path.join(tempDir("scale-diff"), "tree");
  const git = (args: string[], cwd: string) => execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  git(["worktree", "add", "--detach", "--quiet", dir, "HEAD"], REPO_ROOT);
  for (const ignored of ["node_modules", ".tools"]) {
    if (fs.existsSync(path.join(REPO_ROOT, ignored))) fs.symlinkSync(path.join(REPO_ROOT, ignored), path.join(dir, ignored), "dir");
  }
  // Helm's parsed output too, as in the repository: the diff measures renders, not Helm.
  fs.mkdirSync(path.join(REPO_ROOT, CHART_CACHE_DIR), { recursive: true });
  fs.mkdirSync(path.join(dir, "out"), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, CHART_CACHE_DIR), path.join(dir, CHART_CACHE_DIR), "dir");
  writeScaledStack(REPO_ROOT, STACK, count, dir);
  git(["-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "--quiet", "--no-verify", "-m", `bench: ${count} services`, `Pulumi.${STACK}.yaml`], dir);
  return {
    dir,
    remove: () => {
      git(["worktree", "remove", "--force", dir], REPO_ROOT);
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    },
  };
}

/** Runs the section; lines `name: value unit`. */
export async function run(): Promise<string[]> {
  const out: string[] = [];
  // The pinned chart, where tests and CI find it, unless the caller named a chart folder.
  process.env[CHART_DIR_ENV] ??= sharedChartDir(REPO_ROOT);
  const bin = path.join("tools", "bin", "platform.js");
  for (const n of COUNTS) {
    const root = tempDir(`scale-${n}`);
    try {
      writeScaledStack(REPO_ROOT, STACK, n, root);
      const outDir = path.join(root, "out");
      const render = await series(RENDER_RUNS, process.execPath, [bin, "render", STACK, "--root", root, "--out", outDir], REPO_ROOT);
      const resources = /(\d+) resources/.exec(render[0].stdout)?.[1] ?? "?";
      out.push(`scale.${n}.resources: ${resources} count`, ...lines(`scale.${n}.render`, render, TARGETS.render[n]));
      const check = await timed(process.execPath, [bin, "check", STACK, "--root", root], REPO_ROOT);
      const tested = /alerts tested: (\d+\/\d+)/.exec(check.stdout)?.[1] ?? "?";
      out.push(...lines(`scale.${n}.check`, [check], TARGETS.check[n]), `scale.${n}.check.alerts-tested: ${tested} alerts`);
      const tree = scaledWorktree(n);
      try {
        const diff = await timed(process.execPath, [path.join(tree.dir, bin), "diff", STACK, "--base", "HEAD", "--repo", tree.dir, "--no-cache"], tree.dir, [0, 1]);
        out.push(...lines(`scale.${n}.diff`, [diff]));
      } finally {
        tree.remove();
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  out.push(loadLine("scale"));
  return out;
}
