// Bench section "cli": how fast the `platform` command answers when it need not run a command:
// `platform --help` and an argument error (`render dev --outt x`). Both must answer without
// loading a command module, the program or Pulumi; the target is under 0.2 s. Wall time of a
// fresh process, as a user waits for it, median of RUNS (node's own start-up included).
import { execFile } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "../render/mock-runtime";
import { median } from "./render";

const RUNS = 11;
const BIN = path.join(REPO_ROOT, "tools", "bin", "platform.js");

/** The cases measured: name in the output, arguments, expected exit code. */
export const CLI_CASES = [
  { name: "cli.help", args: ["--help"], code: 0 },
  { name: "cli.argError", args: ["render", "dev", "--outt", "x"], code: 2 },
] as const;

function once(args: readonly string[], code: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd: REPO_ROOT }, (err, _stdout, stderr) => {
      const millis = performance.now() - started;
      const got = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      if (got !== code) return reject(new Error(`platform ${args.join(" ")} exited ${got}, expected ${code}: ${stderr.trim()}`));
      resolve(millis);
    });
  });
}

/** Runs the section: `cli.help.median: 120 ms`, `cli.argError.median: 118 ms`, and the fastest run of each. */
export async function run(): Promise<string[]> {
  const lines: string[] = [];
  for (const c of CLI_CASES) {
    await once(c.args, c.code); // warm the transpile cache, as every later start finds it
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await once(c.args, c.code));
    lines.push(`${c.name}.median: ${Math.round(median(times))} ms`, `${c.name}.min: ${Math.round(Math.min(...times))} ms`);
  }
  return lines;
}
