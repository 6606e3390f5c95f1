// platform diff keeps the base render of a commit: the next diff against the same base renders
// only the working tree. The cache key must change with everything else a render depends on.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../tools/harness/processes";
import type { RenderResult } from "../../tools/render/mock-runtime";
import { REPO_ROOT } from "../../tools/render/paths";
import { renderAtCommit, renderCacheFile } from "../../tools/delivery/worktree";

const HEAD = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
const cleanup: string[] = [];
afterAll(() => {
  for (const f of cleanup) fs.rmSync(f, { force: true });
});

describe("base render cache", () => {
  it("keys on commit, stack, lockfile, chart folder and Node version", () => {
    const a = tempDir("cache-key");
    const b = tempDir("cache-key");
    fs.writeFileSync(path.join(a, "package-lock.json"), '{"lockfileVersion":3}');
    fs.writeFileSync(path.join(b, "package-lock.json"), '{"lockfileVersion":3,"packages":{}}');
    const key = (dir: string, commit = HEAD, stack = "dev", env: NodeJS.ProcessEnv = {}) => path.basename(renderCacheFile(dir, commit, stack, env));
    expect(key(a)).toBe(key(a));
    expect(key(a)).toMatch(new RegExp(`^${HEAD}-dev-[0-9a-f]{16}\\.json$`));
    expect(key(a, "0".repeat(40))).not.toBe(key(a));
    expect(key(a, HEAD, "production")).not.toBe(key(a));
    expect(key(b)).not.toBe(key(a));
    expect(key(a, HEAD, "dev", { PLATFORM_CHART_DIR: "/charts" })).not.toBe(key(a));
    expect(path.dirname(renderCacheFile(a, HEAD, "dev"))).toBe(path.join(a, "out", ".render-cache"));
  });

  it("serves a commit's render from the cache, and writes what it rendered", async () => {
    const file = renderCacheFile(REPO_ROOT, HEAD, "dev");
    cleanup.push(file);
    fs.rmSync(file, { force: true });
    // A stand-in in the cache is returned as it is: no render happened.
    const standIn: RenderResult = { stack: "dev", project: "cached", resources: [], outputs: {}, secretValues: [] };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(standIn));
    expect(await renderAtCommit(REPO_ROOT, HEAD, "dev")).toEqual(standIn);
    // Without the cache the commit is rendered.
    const fresh = await renderAtCommit(REPO_ROOT, HEAD, "dev", false);
    expect(fresh.project).toBe("app-platform");
    expect(fresh.resources.length).toBeGreaterThan(50);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(standIn);
    // A miss renders and stores the render.
    fs.rmSync(file);
    const stored = await renderAtCommit(REPO_ROOT, HEAD, "dev");
    expect(stored).toEqual(fresh);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(fresh);
  }, 180_000);
});

describe("the base render and the chart cache", () => {
  it("reads and fills the repository's out/.chart-cache, which outlives the base's worktree", async () => {
    // A checkout of HEAD with an empty chart cache, as the repository the diff runs in.
    const repo = path.join(tempDir("chart-cache-repo"), "repo");
    execFileSync("git", ["worktree", "add", "--detach", "--quiet", repo, HEAD], { cwd: REPO_ROOT });
    try {
      for (const shared of ["node_modules", ".tools"]) {
        if (fs.existsSync(path.join(REPO_ROOT, shared))) fs.symlinkSync(path.join(REPO_ROOT, shared), path.join(repo, shared), "dir");
      }
      const cache = path.join(repo, "out", ".chart-cache");
      expect(fs.existsSync(cache)).toBe(false);
      const first = await renderAtCommit(repo, HEAD, "dev", false);
      expect(first.charts?.map((c) => c.status)).toEqual(["rendered"]);
      // The base's Helm output landed in the repository's cache, and removing the base's
      // worktree (which linked to it, before renderAtCommit returned) left it there.
      const entries = fs.readdirSync(cache);
      expect(entries).toHaveLength(1);
      // A stand-in for that entry is what the next base render's chart is made of: it read the cache.
      const standIn = [{ object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "from-the-shared-chart-cache", namespace: "monitoring" } } }];
      fs.writeFileSync(path.join(cache, entries[0]), JSON.stringify(standIn));
      const second = await renderAtCommit(repo, HEAD, "dev", false);
      const children = second.resources.filter((r) => r.chartChild);
      expect(children.map((r) => (r.inputs.metadata as { name: string }).name)).toEqual(["from-the-shared-chart-cache"]);
    } finally {
      execFileSync("git", ["worktree", "remove", "--force", repo], { cwd: REPO_ROOT });
    }
  }, 240_000);
});
