import type { PlatformConfig } from "../../stacks/config";
import type { Artifact } from "../render/artifacts";
import type { RenderResult } from "../render/harness";

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
