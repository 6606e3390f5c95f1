// Bench section "commands": the commands README tells users to type, each in fresh processes
// (median of 5 for renders, 3 for diffs, without and with the base render cached), beside the floor a render cannot go below (a bare
// `node` that only loads the provider SDKs the stack uses) measured in the same run, and the
// targets of issue #18.
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../harness/processes";
import { CHART_DIR_ENV, sharedChartDir } from "../render/chart";
import { REPO_ROOT } from "../render/paths";
import { lines, loadLine, median, series, timed, type Timed } from "./timed";

const STACKS = ["dev", "staging", "production"] as const;
const RENDER_RUNS = 5;
const DIFF_RUNS = 3;
/** The target of `render production` in a fresh process, and what README's command may add (issue #18). */
const RENDER_TARGET_MS = 1000;
const LAUNCHER_EXTRA_MS = 300;
/** How README tells users to start the CLI (the launcher in the repository root). */
const README_COMMAND = "./platform";
const DIFF_TARGET_MS = 2000;

/**
 * The provider SDK packages a render used: @pulumi/pulumi and the package of each custom
 * resource's provider (`aws:s3/bucket:Bucket` -> @pulumi/aws), where installed.
 */
export function providerPackages(resourcesJson: string): string[] {
  const resources = (JSON.parse(resourcesJson) as { resources: { type: string; custom: boolean }[] }).resources;
  const sdks = new Set(["@pulumi/pulumi"]);
  for (const r of resources) {
    const pkg = r.type.split(":")[0];
    if (!r.custom || pkg === "pulumi" || !/^[a-z0-9-]+$/.test(pkg)) continue;
    try {
      require.resolve(`@pulumi/${pkg}`, { paths: [REPO_ROOT] });
      sdks.add(`@pulumi/${pkg}`);
    } catch {
      // Not an SDK package (e.g. a component's type prefix).
    }
  }
  return [...sdks].sort();
}

/** Runs the section; lines `name: value unit`. */
export async function run(): Promise<string[]> {
  const out: string[] = [];
  // The pinned chart, where tests and CI find it, unless the caller named a chart folder.
  process.env[CHART_DIR_ENV] ??= sharedChartDir(REPO_ROOT);
  const bin = path.join("tools", "bin", "platform.js");
  const scratch = tempDir("bench-commands");
  try {
    for (const stack of STACKS) {
      const dir = path.join(scratch, stack);
      // As README writes it, with --out so that the bench does not touch out/.
      const render = await series(RENDER_RUNS, process.execPath, [bin, "render", stack, "--out", dir], REPO_ROOT);
      const sdks = providerPackages(fs.readFileSync(path.join(dir, "resources.json"), "utf8"));
      const floor = await series(RENDER_RUNS, process.execPath, ["-e", sdks.map((p) => `require(${JSON.stringify(p)})`).join(";")], REPO_ROOT);
      out.push(
        ...lines(`commands.render.${stack}`, render, stack === "production" ? RENDER_TARGET_MS : undefined),
        `commands.render.${stack}.floor.median: ${Math.round(median(floor.map((r) => r.wallMs)))} ms (bare node loading ${sdks.join(", ")})`,
        `commands.render.${stack}.floor.cpu.median: ${Math.round(median(floor.map((r) => r.cpuMs)))} ms`,
        `commands.render.${stack}.above-floor: ${Math.round(median(render.map((r) => r.wallMs)) - median(floor.map((r) => r.wallMs)))} ms`,
        `commands.render.${stack}.loads-aws: ${sdks.includes("@pulumi/aws") ? "yes" : "no"} (stack uses AWS: ${sdks.includes("@pulumi/aws") ? "yes" : "no"})`,
      );
    }
    // README's form, `./platform ...` (a node script), against `node tools/bin/platform.js`,
    // alternating so that a change in load hits both alike; `npx platform ...` (the package's
    // bin, which CI uses) starts npm first: measured too, as written.
    const direct: Timed[] = [];
    const readme: Timed[] = [];
    for (let i = 0; i < RENDER_RUNS; i++) {
      direct.push(await timed(process.execPath, [bin, "render", "production", "--out", path.join(scratch, "direct")], REPO_ROOT));
      readme.push(await timed(README_COMMAND, ["render", "production", "--out", path.join(scratch, "readme")], REPO_ROOT));
    }
    const npx = await series(RENDER_RUNS, "npx", ["platform", "render", "production", "--out", path.join(scratch, "npx")], REPO_ROOT);
    const over = (runs: Timed[]) => median(runs.map((r) => r.wallMs)) - median(direct.map((r) => r.wallMs));
    out.push(
      ...lines("commands.readme-render.production", readme),
      `commands.readme-render.production.extra: ${Math.round(over(readme))} ms for ${README_COMMAND} render production over node ${bin} (target < ${LAUNCHER_EXTRA_MS} ms: ${over(readme) < LAUNCHER_EXTRA_MS ? "met" : "missed"})`,
      ...lines("commands.npx-render.production", npx),
      `commands.npx-render.production.extra: ${Math.round(over(npx))} ms for npx platform render production over node ${bin}`,
    );
    for (const stack of STACKS) {
      // Both renders, concurrently; then with the base render cached by commit (the second and
      // later diffs against one base, e.g. each push to a pull request; the first run fills it).
      const cold = await series(DIFF_RUNS, process.execPath, [bin, "diff", stack, "--base", "HEAD", "--no-cache"], REPO_ROOT, [0, 1]);
      const cached = (await series(DIFF_RUNS + 1, process.execPath, [bin, "diff", stack, "--base", "HEAD"], REPO_ROOT, [0, 1])).slice(1);
      const target = stack === "production" ? DIFF_TARGET_MS : undefined;
      out.push(...lines(`commands.diff.${stack}`, cold, target), ...lines(`commands.diff.${stack}.base-cached`, cached, target));
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  out.push(loadLine("commands"));
  return out;
}
