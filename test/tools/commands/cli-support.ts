import { execFile } from "node:child_process";
import * as path from "node:path";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** What one run of the `platform` command printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `platform <args>` as a user would (bin script, fresh process). */
export function platform(args: readonly string[], cwd = ROOT): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, "tools", "bin", "platform.js"), ...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
