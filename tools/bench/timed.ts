// Runs a command in a fresh process under GNU time: wall clock, CPU seconds and peak memory,
// for the bench sections that measure commands as a user types them.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** GNU time (Debian package `time`, installed by scripts/setup-system.sh). */
export const GNU_TIME = "/usr/bin/time";

/** One measured run of a command. */
export interface Timed {
  readonly wallMs: number;
  /** User + system CPU of the command and its children. */
  readonly cpuMs: number;
  /** Peak resident memory of the command (or its largest child), in MB. */
  readonly peakMb: number;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args` in `cwd`; `okCodes` are the exit codes that count as success. */
export function timed(command: string, args: readonly string[], cwd: string, okCodes: readonly number[] = [0]): Promise<Timed> {
  if (!fs.existsSync(GNU_TIME)) return Promise.reject(new Error(`${GNU_TIME} is missing: install it with \`apt-get install -y time\` (scripts/setup-system.sh)`));
  const out = path.join(os.tmpdir(), `app-platform-timed-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(GNU_TIME, ["-o", out, "-f", "%U %S %M", command, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const wallMs = performance.now() - started;
      const exitCode = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      let line = "";
      try {
        line = fs.readFileSync(out, "utf8").trim().split("\n").pop() ?? "";
      } finally {
        fs.rmSync(out, { force: true });
      }
      const [user, sys, kb] = line.split(" ").map(Number);
      if (!okCodes.includes(exitCode) || ![user, sys, kb].every(Number.isFinite)) {
        reject(new Error(`${command} ${args.join(" ")} exited ${exitCode}: ${stderr.trim().split("\n").slice(-5).join(" | ")}`));
        return;
      }
      resolve({ wallMs, cpuMs: (user + sys) * 1000, peakMb: kb / 1024, exitCode, stdout, stderr });
    });
  });
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs a command `runs` times in sequence (concurrent runs would share the CPUs). */
export async function series(runs: number, command: string, args: readonly string[], cwd: string, okCodes?: readonly number[]): Promise<Timed[]> {
  const out: Timed[] = [];
  for (let i = 0; i < runs; i++) out.push(await timed(command, args, cwd, okCodes));
  return out;
}

/** `name.median: X ms`, `name.cpu.median: Y ms`, `name.peak-memory: Z MB`, with a target beside the median. */
export function lines(name: string, runs: readonly Timed[], targetMs?: number): string[] {
  const wall = median(runs.map((r) => r.wallMs));
  const verdict = targetMs === undefined ? "" : ` (target < ${targetMs} ms: ${wall < targetMs ? "met" : "missed"})`;
  return [
    `${name}.median: ${Math.round(wall)} ms${verdict}`,
    `${name}.cpu.median: ${Math.round(median(runs.map((r) => r.cpuMs)))} ms`,
    `${name}.peak-memory: ${Math.round(Math.max(...runs.map((r) => r.peakMb)))} MB`,
  ];
}

/** The 1-minute load average, printed beside wall-clock figures taken on a shared machine. */
export function loadLine(section: string): string {
  return `${section}.load-average: ${os.loadavg()[0].toFixed(2)} load (1-minute, ${os.cpus().length} CPUs: wall-clock figures compare only at similar load; CPU figures less affected)`;
}
