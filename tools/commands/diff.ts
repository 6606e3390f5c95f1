import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../render/paths";
import { CommandError, parseArgs } from "./shared";
import { containsSecret, diffResources, propertyChanges } from "../delivery/diff";
import { DEFAULT_MAX_CHARS, formatDiff, hasChanges, type DiffReport } from "../delivery/markdown";
import { secretConfigChanges } from "../delivery/secrets";
import { fileAtRef, renderAtCommit, renderCheckout, RenderAtRefError, resolveRef } from "../delivery/worktree";

const USAGE = "usage: platform diff <stack> --base <git-ref> [--max-chars N] [--out FILE] [--repo DIR] [--no-cache]";

/** Exit codes of `platform diff`: like `git diff --exit-code`. */
export const DIFF_EXIT = { noChanges: 0, changes: 1, error: 2 } as const;

/**
 * Builds the report of `stack` at `baseRef` against the working tree of `repoDir`.
 * Both sides are rendered in child processes, each by its own checkout's renderer.
 */
export async function buildDiffReport(repoDir: string, stack: string, baseRef: string, cache = true): Promise<DiffReport> {
  const commit = resolveRef(repoDir, baseRef);
  // Concurrently: two processes on two CPUs. The base comes from out/.render-cache when this
  // commit was rendered before (see renderAtCommit). The working tree's render starts first:
  // the base's checkout (git worktree add) would otherwise hold it back.
  const headRender = renderCheckout(repoDir, stack, "the working tree");
  const [base, head] = await Promise.all([renderAtCommit(repoDir, commit, stack, cache), headRender]);
  const headYaml = readIfExists(path.join(repoDir, `Pulumi.${stack}.yaml`));
  const baseYaml = fileAtRef(repoDir, commit, `Pulumi.${stack}.yaml`);
  return {
    stack,
    baseRef,
    baseCommit: commit,
    diff: diffResources(base.resources, head.resources),
    secretConfig: secretConfigChanges(baseYaml, headYaml, head.project),
    resourcesWithSecrets: head.resources.filter((r) => containsSecret(r.inputs)).map((r) => r.name),
    outputs: propertyChanges(base.outputs ?? {}, head.outputs ?? {}),
  };
}

function readIfExists(f: string): string | undefined {
  return fs.existsSync(f) ? fs.readFileSync(f, "utf8") : undefined;
}

/** `platform diff <stack> --base <git-ref>`: exit 0 without changes, 1 with changes, 2 on error. */
export async function diffCommand(argv: readonly string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv, ["no-cache"]);
  const stack = positional[0];
  if (!stack || typeof flags.base !== "string") throw new CommandError(USAGE, DIFF_EXIT.error);
  let maxChars = DEFAULT_MAX_CHARS;
  if (flags["max-chars"] !== undefined) {
    maxChars = Number(flags["max-chars"]);
    if (!Number.isInteger(maxChars) || maxChars < 1000) {
      throw new CommandError(`--max-chars (${String(flags["max-chars"])}) must be a whole number >= 1000`, DIFF_EXIT.error);
    }
  }
  const repoDir = typeof flags.repo === "string" ? path.resolve(flags.repo) : REPO_ROOT;
  let report: DiffReport;
  try {
    report = await buildDiffReport(repoDir, stack, flags.base, flags["no-cache"] !== true);
  } catch (e) {
    // Every failure exits 2: exit 1 means "changes", and CI must not mistake a crash for a diff.
    if (e instanceof RenderAtRefError) throw new CommandError(`platform diff: ${e.message}`, DIFF_EXIT.error);
    throw new CommandError(`platform diff: ${(e as Error).stack ?? e}`, DIFF_EXIT.error);
  }
  const text = formatDiff(report, { maxChars });
  if (typeof flags.out === "string") fs.writeFileSync(path.resolve(flags.out), text + "\n");
  process.stdout.write(text + "\n");
  return hasChanges(report) ? DIFF_EXIT.changes : DIFF_EXIT.noChanges;
}
