import { execFile } from "node:child_process";
import type { PlatformConfig } from "../../stacks/config";
import type { Artifact } from "../render/artifacts";
import type { RenderResult } from "../render/mock-runtime";

/** What every check stage receives: one stack's render, already written to `outDir`. */
export interface CheckContext {
  readonly stack: string;
  readonly outDir: string;
  readonly result: RenderResult;
  readonly files: readonly Artifact[];
  readonly config: PlatformConfig;
}

/** The outcome of one stage. */
export interface StageResult {
  readonly ok: boolean;
  /** One line for the summary table. */
  readonly summary: string;
  /** Lines printed under the table for failures (what, where, how to fix). */
  readonly problems: readonly string[];
  /** Contract lines printed after the table, e.g. `alerts tested: 52/52`. */
  readonly reportLines?: readonly string[];
}

/** One stage of `platform check`. */
export interface CheckStage {
  readonly name: string;
  run(ctx: CheckContext): Promise<StageResult>;
}

/** How one program run of a stage is made and named. */
export interface StageToolOptions {
  /** The stage's name, as the summary table shows it. */
  readonly stage: string;
  /** The file (or files) the run judges, as a path the user can open. */
  readonly file: string;
  /** Milliseconds after which the run is stopped. */
  readonly timeoutMs: number;
  readonly cwd?: string;
  readonly maxBuffer?: number;
}

/** What a stage's program run printed, and whether it was stopped for taking too long. */
export interface StageToolRun {
  readonly ok: boolean;
  readonly output: string;
  readonly timedOut: boolean;
}

/**
 * The message for a run stopped at its time limit: which stage, which program on which file,
 * after how long, and why that happens. A stopped run otherwise looks like a failure with a
 * cut-off (or empty) output that names none of these.
 */
export function timeoutMessage(stage: string, program: string, file: string, timeoutMs: number): string {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return (
    `${stage}: ${program} on ${file} was stopped after ${seconds} s without finishing (its time limit). ` +
    "On a busy machine, rerun when it is idle; if it also times out on an idle machine, the file asks for more work than the limit allows " +
    "(for example test series spanning very long durations): report it with the file attached"
  );
}

/** Runs one program of a stage with a time limit; a run that hits the limit says so in its output. */
export function runStageTool(bin: string, args: readonly string[], opts: StageToolOptions): Promise<StageToolRun> {
  return new Promise((resolve) => {
    execFile(bin, [...args], { cwd: opts.cwd, timeout: opts.timeoutMs, maxBuffer: opts.maxBuffer ?? 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const printed = `${stdout}${stderr}`.trim();
      // Node sets `killed` when it sent the kill signal itself, which it does only at the timeout.
      const timedOut = err !== null && (err as { killed?: boolean }).killed === true;
      if (!timedOut) return resolve({ ok: !err, output: printed, timedOut: false });
      const program = bin.split("/").pop() ?? bin;
      const message = timeoutMessage(opts.stage, `${program} ${args.filter((a) => !a.startsWith("--config.file=")).slice(0, 2).join(" ")}`.trim(), opts.file, opts.timeoutMs);
      resolve({ ok: false, output: printed ? `${message}\noutput before it was stopped:\n${printed}` : message, timedOut: true });
    });
  });
}
