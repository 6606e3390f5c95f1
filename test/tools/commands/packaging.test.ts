import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../tools/harness/processes";
import { ROOT, type CliRun } from "./cli-support";

interface LockEntry {
  readonly dev?: boolean;
  readonly link?: boolean;
  readonly resolved?: string;
}

/**
 * The top-level packages `npm ci --omit=dev` installs: package-lock.json marks every package
 * that only devDependencies need with `dev: true`, and that flag is what npm omits by.
 */
function productionPackages(): Map<string, LockEntry> {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const out = new Map<string, LockEntry>();
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.startsWith("node_modules/")) continue;
    const name = key.slice("node_modules/".length);
    if (name.includes("node_modules/") || entry.dev) continue;
    out.set(name, entry);
  }
  return out;
}

/**
 * A copy of the repository's committed files with a node_modules that holds the production
 * packages only (each a link to the installed package: what a package itself requires is its
 * own business, what OUR code requires must be in `dependencies`). Node resolves our imports
 * from the copy's node_modules, so an import of a devDependency fails as on a deploy machine.
 */
function productionCopy(): string {
  const dir = path.join(tempDir("prod-deps"), "repo");
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const f of files) {
    if (!fs.existsSync(path.join(ROOT, f))) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  for (const [name, entry] of productionPackages()) {
    const target = entry.link && entry.resolved ? path.join(ROOT, entry.resolved) : path.join(ROOT, "node_modules", name);
    const link = path.join(dir, "node_modules", name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(target, link, "dir");
  }
  // Helm is a program the setup script installs (scripts/install-helm.sh), not a package the
  // program imports: the copy uses the repository's, so that the chart's children render too.
  if (fs.existsSync(path.join(ROOT, ".tools"))) fs.symlinkSync(path.join(ROOT, ".tools"), path.join(dir, ".tools"), "dir");
  return dir;
}

function run(cwd: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(cwd, "tools", "bin", "platform.js"), ...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("packaging: the program runs with production dependencies only (npm ci --omit=dev)", () => {
  it.each(["dev", "production"])("renders %s from a copy whose node_modules has no devDependencies", async (stack) => {
    const dir = productionCopy();
    const installed = fs.readdirSync(path.join(dir, "node_modules"));
    // The copy really lacks what devDependencies bring (else this test could not fail).
    for (const devOnly of ["vitest", "kubernetes-models", "@kubernetes-models", "s3rver", "eslint"]) expect(installed).not.toContain(devOnly);
    expect(installed).toContain("@pulumi");
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies)) expect(fs.existsSync(path.join(dir, "node_modules", dep)), dep).toBe(true);

    const r = await run(dir, ["render", stack, "--out", path.join(dir, "out", stack)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^rendered ${stack}: \\d+ resources`, "m"));
  });
});
