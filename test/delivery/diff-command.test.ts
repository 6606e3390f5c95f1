import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../tools/render/mock-runtime";
import { tempDir } from "../../tools/harness/processes";
import { diffCommand, DIFF_EXIT } from "../../tools/commands/diff";
import { CommandError } from "../../tools/commands/shared";

/**
 * `platform diff` end to end in a throw-away git repository: a first commit without the
 * renderer, a second with the project as it is now, and edits in the working tree.
 */
/** The project's files as they are now: tracked and untracked, without ignored ones (node_modules, out/). */
function projectFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z", "-co", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" })
    .split("\0")
    .filter((f) => f && fs.existsSync(path.join(REPO_ROOT, f)) && fs.statSync(path.join(REPO_ROOT, f)).isFile());
}

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: dir, encoding: "utf8" });
}

describe("platform diff in a git repository", () => {
  let repo = "";
  let out = "";
  const stagingFile = () => path.join(repo, "Pulumi.staging.yaml");
  let original = "";

  beforeAll(() => {
    repo = tempDir("diff-repo");
    out = path.join(tempDir("diff-out"), "diff.md");
    git(repo, "init", "-q", "-b", "main");
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(repo, "Pulumi.yaml"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.staging.yaml"), path.join(repo, "Pulumi.staging.yaml"));
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "stack files only: older than the renderer");
    for (const f of projectFiles()) {
      fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, f), path.join(repo, f));
    }
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
    fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\nout/\n");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "the platform");
    original = fs.readFileSync(stagingFile(), "utf8");
  });
  afterAll(() => {
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
  });

  it("exits 1 with a changed image shown and a re-encrypted secret redacted", async () => {
    expect(original).toMatch(/slackWebhookUrl:\n\s+secure: (\S+)/);
    const ciphertext = /slackWebhookUrl:\n\s+secure: (\S+)/.exec(original)![1];
    const edited = original
      .replace(ciphertext, "v1:AAAAre-encrypted-by-pulumi-config-set-secret==")
      .replace("registry.example.com/orders-api:2.14.0", "registry.example.com/orders-api:2.15.0");
    expect(edited).not.toBe(original);
    fs.writeFileSync(stagingFile(), edited);
    try {
      const code = await diffCommand(["staging", "--base", "HEAD", "--repo", repo, "--out", out]);
      expect(code).toBe(DIFF_EXIT.changes);
    } finally {
      fs.writeFileSync(stagingFile(), original);
    }
    const md = fs.readFileSync(out, "utf8");
    expect(md).toMatch(/^### `staging`: \d+ to add, \d+ to update, 0 to replace, 0 to delete/);
    expect(md).toContain("`\"registry.example.com/orders-api:2.14.0\"` → `\"registry.example.com/orders-api:2.15.0\"`");
    expect(md).toContain("**Secret config:** `app-platform:slackWebhookUrl`: [secret] changed.");
    // The resources a secret can reach are named, honestly, as "may have changed".
    expect(md).toMatch(/a secret value may have changed for the resources with secret inputs \(.*`alertmanager-receivers`/);
    expect(md).not.toContain(ciphertext);
    expect(md).not.toContain("re-encrypted");
    expect(md).not.toContain("offline-secret-placeholder");
  });

  it("exits 0 when nothing changed", async () => {
    const code = await diffCommand(["staging", "--base", "HEAD", "--repo", repo, "--out", out]);
    expect(code).toBe(DIFF_EXIT.noChanges);
    expect(fs.readFileSync(out, "utf8")).toMatch(/^### `staging`: no changes\n/);
  });

  it("treats a stack that the base does not have as all additions", async () => {
    // The first commit holds only the staging stack file: dev is new.
    const code = await diffCommand(["dev", "--base", "HEAD~1", "--repo", repo, "--out", out]);
    expect(code).toBe(DIFF_EXIT.changes);
    const md = fs.readFileSync(out, "utf8");
    expect(md).toMatch(/^### `dev`: \d+ to add, 0 to update, 0 to replace, 0 to delete/);
    expect(md).toContain("0 unchanged");
    expect(md).toContain("**Stack outputs:**");
    expect(md).toContain('- `environment`: _(none)_ → `"dev"`');
  });

  it("exits 2 with a clear message for a base older than the renderer, an unknown ref, or bad flags", async () => {
    const err = await diffCommand(["staging", "--base", "HEAD~1", "--repo", repo]).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err.exitCode).toBe(DIFF_EXIT.error);
    expect(err.message).toMatch(/has no tools\/render\/child\.ts: it predates the offline renderer, so it cannot be rendered; choose a newer --base/);
    const bad = await diffCommand(["staging", "--base", "no-such-branch", "--repo", repo]).catch((e) => e);
    expect(bad.exitCode).toBe(DIFF_EXIT.error);
    expect(bad.message).toContain('git ref "no-such-branch" does not name a commit');
    await expect(diffCommand(["staging"])).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("usage: platform diff") });
    await expect(diffCommand(["staging", "--base", "HEAD", "--max-chars", "12"])).rejects.toMatchObject({ message: "--max-chars (12) must be a whole number >= 1000" });
    // No worktree is left behind.
    expect(git(repo, "worktree", "list").trim().split("\n")).toHaveLength(1);
  });
});
