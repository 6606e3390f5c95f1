import { execFile } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");

describe("type check", () => {
  // Renders run through tsx, which strips types without checking them; this makes
  // `tsc --noEmit` part of `npm test` so that a type error fails the run.
  it("tsc --noEmit -p . reports no errors", async () => {
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [tsc, "--noEmit", "-p", "."], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, output: `${stdout}${stderr}` });
      });
    });
    expect(output.trim(), "tsc --noEmit -p . must report no errors").toBe("");
    expect(code).toBe(0);
  }, 300_000);
});
