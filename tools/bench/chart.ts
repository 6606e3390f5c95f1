// Bench section "chart": what rendering the kube-prometheus-stack chart with Helm adds to
// `platform render <stack>` (fresh process per render, median of 5, started as the bench's
// render section starts it): without chart children (an empty chart folder: the render before
// Helm was added), with the parsed output cached under out/.chart-cache (every render after the
// first for the same chart and values), and cold (cache removed before each render).
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../harness/processes";
import { CHART_DIR_ENV, sharedChartDir } from "../render/chart";
import { REPO_ROOT } from "../render/mock-runtime";
import { LOADERS, median } from "./render";

const STACKS = ["dev", "staging", "production"] as const;
const RUNS = 5;
const ONCE = path.join(REPO_ROOT, "tools", "bench", "render-once.ts");
const CACHE = path.join(REPO_ROOT, "out", ".chart-cache");

function renderOnce(stack: string, chartDir: string): Promise<{ wallMillis: number; resources: number }> {
  const out = path.join(tempDir("bench-chart"), stack);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...LOADERS.tsx, ONCE, stack, out], { cwd: REPO_ROOT, env: { ...process.env, [CHART_DIR_ENV]: chartDir }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const wallMillis = performance.now() - started;
      if (err) return reject(new Error(`render of ${stack} failed: ${stderr.trim() || err.message}`));
      resolve({ wallMillis, resources: (JSON.parse(stdout) as { resources: number }).resources });
    });
  });
}

/** Runs the section; lines `name: value unit`. */
export async function run(): Promise<string[]> {
  const charts = process.env[CHART_DIR_ENV] ?? sharedChartDir(REPO_ROOT);
  if (!fs.existsSync(charts)) throw new Error(`no chart folder at ${charts}; set ${CHART_DIR_ENV}`);
  const none = tempDir("no-charts");
  const lines: string[] = [];
  for (const stack of STACKS) {
    const series = async (dir: string, cold: boolean) => {
      const runs = [];
      // Sequential: concurrent renders would compete for the same two cores.
      for (let i = 0; i < RUNS; i++) {
        if (cold) fs.rmSync(CACHE, { recursive: true, force: true });
        runs.push(await renderOnce(stack, dir));
      }
      return runs;
    };
    const without = await series(none, false);
    await renderOnce(stack, charts); // fills the cache
    const warm = await series(charts, false);
    const cold = await series(charts, true);
    const base = median(without.map((r) => r.wallMillis));
    const cached = median(warm.map((r) => r.wallMillis));
    lines.push(`render.${stack}.withoutChart.median: ${Math.round(base)} ms`);
    lines.push(`render.${stack}.withChart.median: ${Math.round(cached)} ms`);
    lines.push(`render.${stack}.withChartCold.median: ${Math.round(median(cold.map((r) => r.wallMillis)))} ms`);
    lines.push(`render.${stack}.withChart.ratio: ${(cached / base).toFixed(2)} x`);
    lines.push(`chart.${stack}.objects: ${warm[0].resources - without[0].resources} objects`);
  }
  return lines;
}
