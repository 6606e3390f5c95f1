// The commands README's performance table measures, run as a user types them: a render with
// the fast form of the command, and `platform diff` with and without the base render cache.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../tools/render/paths";

const README = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["tools/bin/platform.js", ...args], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("README performance commands", () => {
  it("lists them in the form measured", () => {
    for (const c of ["`render <stack>`", "`diff <stack> --base HEAD --no-cache`", "`diff <stack> --base HEAD`", "`node tools/bin/platform.js …`"]) expect(README).toContain(c);
  });

  it("node tools/bin/platform.js render dev", async () => {
    const r = await run(["render", "dev"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rendered dev: \d+ resources/);
    expect(fs.existsSync(path.join(REPO_ROOT, "out", "dev", "resources.json"))).toBe(true);
  }, 120_000);

  it("node tools/bin/platform.js diff dev --base HEAD --no-cache, then --base HEAD from the cache", async () => {
    const cold = await run(["diff", "dev", "--base", "HEAD", "--no-cache"]);
    // 0: the working tree renders as HEAD does; 1: it has changes to the dev stack.
    expect([0, 1], cold.stderr).toContain(cold.code);
    expect(cold.stdout).toMatch(/^### `dev`: /);
    const first = await run(["diff", "dev", "--base", "HEAD"]);
    const cached = await run(["diff", "dev", "--base", "HEAD"]);
    expect(cached.code).toBe(cold.code);
    expect(cached.stdout).toBe(first.stdout);
    expect(cached.stdout.split("\n")[0]).toBe(cold.stdout.split("\n")[0]);
  }, 240_000);
});
