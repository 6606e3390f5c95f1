import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "../commands/cli-support";

describe("npm run bench -- cli", () => {
  it("prints cli.help and cli.argError as `name: value unit` lines", { timeout: 180_000 }, async () => {
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile("npm", ["run", "--silent", "bench", "--", "cli"], { cwd: ROOT }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
      ),
    );
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split("\n");
    expect(lines[0]).toBe("# cli");
    expect(lines.slice(1).map((l) => l.replace(/\d+/, "N"))).toEqual([
      "cli.help.median: N ms",
      "cli.help.min: N ms",
      "cli.argError.median: N ms",
      "cli.argError.min: N ms",
    ]);
  });
});
