// Bench section "render": wall time of `platform render <stack>` work in a fresh process
// (median of 5), started the way Pulumi.yaml and the `platform` command start the program
// (node --require tsx/cjs), and for
// comparison through Pulumi's stock TypeScript path (ts-node with type checking).
import { execFile } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "../render/mock-runtime";
import { tempDir } from "../harness/processes";

const STACKS = ["dev", "staging", "production"] as const;
const RUNS = 5;
const ONCE = path.join(REPO_ROOT, "tools", "bench", "render-once.ts");

/** The two ways of starting the program. */
export const LOADERS = {
  tsx: ["--require", "tsx/cjs"],
  "ts-node": ["-r", path.join(REPO_ROOT, "tools", "bench", "ts-node-register.js")],
} as const;

interface Run {
  readonly wallMillis: number;
  readonly cpuMillis: number;
  readonly resources: number;
}

function renderOnce(loader: keyof typeof LOADERS, stack: string): Promise<Run> {
  const out = path.join(tempDir("bench-render"), stack);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...LOADERS[loader], ONCE, stack, out], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const wallMillis = performance.now() - started;
      if (err) return reject(new Error(`${loader} render of ${stack} failed: ${stderr.trim() || err.message}`));
      const r = JSON.parse(stdout) as { resources: number; cpuMillis: number };
      resolve({ wallMillis, cpuMillis: r.cpuMillis, resources: r.resources });
    });
  });
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function series(loader: keyof typeof LOADERS, stack: string): Promise<Run[]> {
  // Sequential: concurrent renders would compete for the same two cores.
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await renderOnce(loader, stack));
  return runs;
}

/** Runs the section; lines `name: value unit`. */
export async function run(): Promise<string[]> {
  const lines: string[] = [];
  for (const stack of STACKS) {
    const fast = await series("tsx", stack);
    const slow = await series("ts-node", stack);
    const fastWall = median(fast.map((r) => r.wallMillis));
    const slowWall = median(slow.map((r) => r.wallMillis));
    lines.push(
      `render.${stack}.median: ${Math.round(fastWall)} ms`,
      `render.${stack}.cpu.median: ${Math.round(median(fast.map((r) => r.cpuMillis)))} ms`,
      `render.${stack}.resources: ${fast[0].resources} count`,
      `render.${stack}.ts-node.median: ${Math.round(slowWall)} ms`,
      `render.${stack}.ts-node.cpu.median: ${Math.round(median(slow.map((r) => r.cpuMillis)))} ms`,
      `render.${stack}.speedup: ${(slowWall / fastWall).toFixed(1)} x`,
    );
  }
  return lines;
}
