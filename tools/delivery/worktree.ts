/**
 * Renders a stack as it was at a git ref: the ref is checked out into a temporary worktree
 * and the worktree's OWN program is run with its OWN renderer (tools/render/child.ts), so the
 * base is rendered exactly as that commit would render it. The repository's node_modules is
 * symlinked in: dependencies come from the lockfile, which a pull request rarely changes.
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RenderResult } from "../render/mock-runtime";
import { tempDir } from "../programs";
import { TS_NODE_ARGS } from "../render/subprocess";
import { CHART_CACHE_DIR } from "../render/paths";

/** A render that could not be made; the message says why and what to do. */
export class RenderAtRefError extends Error {
  override name = "RenderAtRefError";
}

/** The renderer entry point inside a checkout; refs older than it cannot be rendered. */
export const CHILD_RENDERER = path.join("tools", "render", "child.ts");

/** Resolves a ref to a commit id, or throws naming the ref. */
export function resolveRef(repoDir: string, ref: string): string {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: repoDir, encoding: "utf8" }).trim();
  } catch {
    throw new RenderAtRefError(`git ref "${ref}" does not name a commit in ${repoDir}; fetch it first (e.g. \`git fetch origin main\`) or pass another --base`);
  }
}

/** The text of a file at a commit, or undefined when it does not exist there. */
export function fileAtRef(repoDir: string, commit: string, file: string): string | undefined {
  try {
    return execFileSync("git", ["show", `${commit}:${file}`], { cwd: repoDir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

/**
 * Runs `<codeRoot>/tools/render/child.ts <stack> <rootDir>` with Node and tsx and resolves to
 * the render. The child's stdout goes to a FILE, not a pipe: the renderer prints its JSON and
 * then calls process.exit(), and writes to a pipe still queued at exit are lost (renders over
 * 64 KiB came back cut short); writes to a file are synchronous, whatever the ref's renderer.
 *
 * @param codeRoot the checkout whose program and renderer run
 * @param rootDir the folder with Pulumi.yaml and the stack file; @default codeRoot
 */
export function renderWithChild(codeRoot: string, stack: string, label: string, rootDir = codeRoot): Promise<RenderResult> {
  const entry = path.join(codeRoot, CHILD_RENDERER);
  if (!fs.existsSync(entry)) {
    return Promise.reject(new RenderAtRefError(`${label} has no ${CHILD_RENDERER}: it predates the offline renderer, so it cannot be rendered; choose a newer --base`));
  }
  const dir = tempDir("render-out");
  const outFile = path.join(dir, "render.json");
  const fd = fs.openSync(outFile, "w");
  return new Promise<RenderResult>((resolve, reject) => {
    // This checkout's TypeScript loader runs the ref's renderer: it transpiles any checkout's .ts.
    const child = spawn(process.execPath, [...TS_NODE_ARGS, entry, stack, rootDir], { cwd: codeRoot, stdio: ["ignore", fd, "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-20000)));
    child.on("error", (e) => reject(new RenderAtRefError(`cannot start the renderer of ${label}: ${e.message}`)));
    child.on("close", (code) => {
      if (code !== 0) {
        const why = stderr.trim().split("\n").slice(0, 30).join("\n");
        reject(new RenderAtRefError(`rendering ${stack} at ${label} failed (exit ${code}):\n${why}`));
        return;
      }
      try {
        resolve(JSON.parse(fs.readFileSync(outFile, "utf8")) as RenderResult);
      } catch (e) {
        reject(new RenderAtRefError(`rendering ${stack} at ${label} printed no complete render (${(e as Error).message})`));
      }
    });
  }).finally(() => {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * Replaces the checkout's absolute path in every string of a render with `<repo>`: inputs
 * such as a Docker build context are absolute, and two checkouts of the same commit must
 * render the same.
 */
export function relativizePaths(result: RenderResult, root: string): RenderResult {
  const roots = [...new Set([root, fs.existsSync(root) ? fs.realpathSync(root) : root])].sort((a, b) => b.length - a.length);
  // A value without such a path is returned as it is (not copied): few strings hold one.
  const fix = (v: unknown): unknown => {
    if (typeof v === "string") return roots.some((r) => v.includes(r)) ? roots.reduce((s, r) => s.split(r).join("<repo>"), v) : v;
    if (Array.isArray(v)) {
      const fixed = v.map(fix);
      return fixed.some((x, i) => x !== v[i]) ? fixed : v;
    }
    if (v && typeof v === "object") {
      const entries = Object.entries(v);
      const fixed = entries.map(([k, x]) => [k, fix(x)] as const);
      return fixed.some(([, x], i) => x !== entries[i][1]) ? Object.fromEntries(fixed) : v;
    }
    return v;
  };
  return { ...result, resources: result.resources.map((r) => ({ ...r, inputs: fix(r.inputs) as Record<string, unknown> })) };
}

/** Renders a checkout's own stack file with its own program (see {@link renderWithChild}). */
export async function renderCheckout(checkout: string, stack: string, label: string): Promise<RenderResult> {
  return relativizePaths(await renderWithChild(checkout, stack, label), checkout);
}

/** Where `platform diff` keeps base renders, under the repository's git-ignored out/. */
export const RENDER_CACHE_DIR = path.join("out", ".render-cache");
/** Base renders kept; the oldest beyond this are removed. */
const RENDER_CACHE_ENTRIES = 30;

/**
 * The cache file of a base render. A commit fixes the program and the stack file; what else
 * the render depends on is in the key too: the dependencies (`package-lock.json`, which
 * node_modules follows), the Helm binary and the chart folder, and the Node.js version.
 */
export function renderCacheFile(repoDir: string, commit: string, stack: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash("sha256");
  for (const f of ["package-lock.json", path.join(".tools", "bin", "helm")]) {
    const p = path.join(repoDir, f);
    const st = fs.existsSync(p) ? fs.statSync(p) : undefined;
    hash.update(`${f}\0${f.endsWith(".json") && st ? fs.readFileSync(p, "utf8") : st ? `${st.size}:${st.mtimeMs}` : "-"}\0`);
  }
  hash.update(`${env.PLATFORM_CHART_DIR ?? "-"}\0${process.version}`);
  return path.join(repoDir, RENDER_CACHE_DIR, `${commit}-${stack}-${hash.digest("hex").slice(0, 16)}.json`);
}

function readCached(file: string): RenderResult | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as RenderResult;
  } catch {
    return undefined;
  }
}

function writeCached(file: string, result: RenderResult): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(result));
    fs.renameSync(tmp, file);
    const entries = fs
      .readdirSync(path.dirname(file))
      .filter((f) => f.endsWith(".json"))
      .map((f) => ({ f: path.join(path.dirname(file), f), at: fs.statSync(path.join(path.dirname(file), f)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const e of entries.slice(RENDER_CACHE_ENTRIES)) fs.rmSync(e.f, { force: true });
  } catch {
    // A cache that cannot be written only costs the next diff a render.
  }
}

/**
 * Renders `stack` at `commit` in a temporary worktree of `repoDir`, which is removed
 * afterwards whatever happens. A stack that does not exist at that commit renders as empty
 * (every resource is then an addition). A commit's render is kept under
 * {@link RENDER_CACHE_DIR} (see {@link renderCacheFile}) unless `cache` is false: the next diff
 * against the same base (every push to a pull request) renders only the working tree.
 */
export async function renderAtCommit(repoDir: string, commit: string, stack: string, cache = true): Promise<RenderResult> {
  const hasStack = ["yaml", "yml"].some((ext) => fileAtRef(repoDir, commit, `Pulumi.${stack}.${ext}`) !== undefined);
  if (!hasStack) return { stack, project: "", resources: [], outputs: {}, secretValues: [] };
  const cacheFile = cache ? renderCacheFile(repoDir, commit, stack) : undefined;
  const cached = cacheFile && readCached(cacheFile);
  if (cached) return cached;
  const result = await renderAtCommitUncached(repoDir, commit, stack);
  if (cacheFile) writeCached(cacheFile, result);
  return result;
}

async function renderAtCommitUncached(repoDir: string, commit: string, stack: string): Promise<RenderResult> {
  const dir = path.join(tempDir("base"), "tree");
  execFileSync("git", ["worktree", "add", "--detach", "--quiet", dir, commit], { cwd: repoDir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    const modules = path.join(repoDir, "node_modules");
    if (fs.existsSync(modules) && !fs.existsSync(path.join(dir, "node_modules"))) fs.symlinkSync(modules, path.join(dir, "node_modules"), "dir");
    // The Helm binary (scripts/install-helm.sh) is git-ignored like node_modules: the base renders its chart with the same one.
    const tools = path.join(repoDir, ".tools");
    if (fs.existsSync(tools) && !fs.existsSync(path.join(dir, ".tools"))) fs.symlinkSync(tools, path.join(dir, ".tools"), "dir");
    // Helm's output for the same chart, values and Helm is the same in any checkout (the key
    // says so): the base reads and fills the repository's chart cache instead of running Helm
    // and parsing its megabytes of YAML again in every fresh worktree.
    const chartCache = path.join(repoDir, CHART_CACHE_DIR);
    fs.mkdirSync(chartCache, { recursive: true });
    fs.mkdirSync(path.dirname(path.join(dir, CHART_CACHE_DIR)), { recursive: true });
    if (!fs.existsSync(path.join(dir, CHART_CACHE_DIR))) fs.symlinkSync(chartCache, path.join(dir, CHART_CACHE_DIR), "dir");
    return await renderCheckout(dir, stack, `base ${commit.slice(0, 12)}`);
  } finally {
    execFileSync("git", ["worktree", "remove", "--force", dir], { cwd: repoDir, stdio: "ignore" });
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}
