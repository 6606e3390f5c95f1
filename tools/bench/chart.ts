// Bench section "chart": what rendering the kube-prometheus-stack chart with Helm adds to
// `platform render <stack>` (fresh process per render, median of 5, started as the bench's
// render section starts it): without chart children (an empty chart folder: the render before
// Helm was added), with the parsed output cached under out/.chart-cache (every render after the
// first for the same chart and values), and cold (cache removed before each render). The three
// kinds of render take turns, so that load from elsewhere on the machine weighs on each alike;
// CPU time (the process's own) is reported beside wall time because load inflates it less.
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

interface Run {
  readonly wallMillis: number;
  readonly cpuMillis: number;
  readonly resources: number;
}

function renderOnce(stack: string, chartDir: string): Promise<Run> {
  const out = path.join(tempDir("bench-chart"), stack);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...LOADERS.tsx, ONCE, stack, out], { cwd: REPO_ROOT, env: { ...process.env, [CHART_DIR_ENV]: chartDir }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const wallMillis = performance.now() - started;
      if (err) return reject(new Error(`render of ${stack} failed: ${stderr.trim() || err.message}`));
      const r = JSON.parse(stdout) as { resources: number; cpuMillis: number };
      resolve({ wallMillis, cpuMillis: r.cpuMillis, resources: r.resources });
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
    await renderOnce(stack, charts); // fills the cache
    const without: Run[] = [];
    const warm: Run[] = [];
    const cold: Run[] = [];
    // Sequential (concurrent renders would compete for the same two cores), taking turns.
    for (let i = 0; i < RUNS; i++) {
      without.push(await renderOnce(stack, none));
      warm.push(await renderOnce(stack, charts));
      fs.rmSync(CACHE, { recursive: true, force: true });
      cold.push(await renderOnce(stack, charts));
    }
    const m = (runs: Run[], k: keyof Run) => median(runs.map((r) => r[k]));
    for (const [name, runs] of [["withoutChart", without], ["withChart", warm], ["withChartCold", cold]] as const) {
      lines.push(`render.${stack}.${name}.median: ${Math.round(m(runs, "wallMillis"))} ms`);
      lines.push(`render.${stack}.${name}.cpu.median: ${Math.round(m(runs, "cpuMillis"))} ms`);
    }
    lines.push(`render.${stack}.withChart.ratio: ${(m(warm, "wallMillis") / m(without, "wallMillis")).toFixed(2)} x`);
    lines.push(`render.${stack}.withChart.cpu.ratio: ${(m(warm, "cpuMillis") / m(without, "cpuMillis")).toFixed(2)} x`);
    lines.push(`render.${stack}.withChartCold.cpu.ratio: ${(m(cold, "cpuMillis") / m(without, "cpuMillis")).toFixed(2)} x`);
    lines.push(`chart.${stack}.objects: ${warm[0].resources - without[0].resources} objects`);
  }
  return lines;
}
