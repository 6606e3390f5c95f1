import { execFile } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");

/**
 * Folders and files whose formatting `prettier --check` enforces (.prettierrc.json). The list
 * grows as code is formatted, a folder at a time, so that no single commit reformats everything
 * that others are editing.
 */
export const FORMATTED = [
  "lib",
  "test/lib",
  "test/layers.test.ts",
  "test/lint.test.ts",
  "test/support/imports.ts",
  "test/support/args-contract.ts",
  "test/components/args-contract.test.ts",
  "test/components/standalone.test.ts",
  "test/stacks/component-rules.test.ts",
  "eslint.config.mjs",
];

function run(bin: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, "node_modules", bin), ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe("lint and format", () => {
  it("eslint (eslint.config.mjs: @eslint/js + typescript-eslint recommended) reports nothing on the whole tree", async () => {
    const { code, output } = await run("eslint/bin/eslint.js", ["."]);
    expect(output.trim(), "run npx eslint . and fix what it reports").toBe("");
    expect(code).toBe(0);
  }, 300_000);

  it("prettier --check passes on the formatted part of the tree", async () => {
    const { code, output } = await run("prettier/bin/prettier.cjs", ["--check", ...FORMATTED]);
    expect(code, `${output}\nrun npx prettier --write ${FORMATTED.join(" ")}`).toBe(0);
  }, 120_000);
});
