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

/** Runs `npm run bench -- <section>` as README shows it; returns its `name: value unit` lines by name. */
async function benchSection(section: string): Promise<Map<string, { value: number | string; unit: string }>> {
  const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile("npm", ["run", "--silent", "bench", "--", section], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
  expect(out.code, out.stderr).toBe(0);
  const lines = out.stdout.trim().split("\n");
  expect(lines[0]).toBe(`# ${section}`);
  const figures = new Map<string, { value: number | string; unit: string }>();
  for (const line of lines.slice(1)) {
    const m = /^([\w.-]+): (-?\d+(?:\.\d+)?|yes|no) (\S+)$/.exec(line);
    expect(m, `not a "name: value unit" line: ${line}`).not.toBeNull();
    figures.set(m![1], { value: /^-?\d/.test(m![2]) ? Number(m![2]) : m![2], unit: m![3] });
  }
  return figures;
}

describe("npm run bench -- delivery", () => {
  it("reports a rolled-back bad step in which fewer requests failed than the step's traffic share", { timeout: 600_000 }, async () => {
    const f = await benchSection("delivery");
    const failed = f.get("delivery.rollback.failed_requests")!.value as number;
    const share = f.get("delivery.rollback.step_share")!.value as number;
    expect(failed).toBeGreaterThan(0); // the bad colour did serve some requests before the rollback
    expect(failed).toBeLessThanOrEqual(share);
    expect(f.get("delivery.rollback.failed_within_share")!.value).toBe("yes");
  });
});
