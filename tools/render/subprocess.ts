import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RenderResult } from "./mock-runtime";
import { REPO_ROOT } from "./paths";
import { tempDir } from "../programs";

/** The outcome of a render in a child process. */
export type ChildRender =
  | { readonly ok: true; readonly result: RenderResult }
  | { readonly ok: false; readonly exitCode: number; readonly stderr: string; readonly stdout: string };

/** Options of {@link renderInChild}. */
export interface ChildRenderOptions {
  /** Stack name. */
  readonly stack: string;
  /** Folder with Pulumi.yaml and the stack files; @default the repository root. */
  readonly rootDir?: string;
  /** Config values to set over the stack file (`app-platform:key` -> string). */
  readonly overrides?: Record<string, string>;
}

/**
 * Node arguments that load this repository's TypeScript (see tools/render/ts-require.js), for
 * child processes: faster to start than `--import tsx`, which also starts tsx's ESM loader thread.
 */
export const TS_NODE_ARGS: readonly string[] = ["--require", path.join(REPO_ROOT, "tools", "render", "ts-require.js")];

/** Renders one stack in a fresh Node process (the Pulumi runtime is process-global). */
export function renderInChild(opts: ChildRenderOptions): Promise<ChildRender> {
  const args = [...TS_NODE_ARGS, path.join(REPO_ROOT, "tools", "render", "child.ts"), opts.stack, opts.rootDir ?? REPO_ROOT];
  if (opts.overrides) args.push(JSON.stringify(opts.overrides));
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: REPO_ROOT, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) resolve({ ok: false, exitCode: typeof err.code === "number" ? err.code : 1, stderr, stdout });
      else resolve({ ok: true, result: JSON.parse(stdout) as RenderResult });
    });
  });
}

/**
 * Writes a stack file (YAML text) beside a copy of Pulumi.yaml in a temporary folder and
 * returns that folder, for renders of edited copies of a stack.
 */
export function stackFolder(stack: string, yamlText: string): string {
  const dir = tempDir("stack");
  fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), yamlText);
  return dir;
}
