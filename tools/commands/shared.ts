import * as path from "node:path";
import { ConfigError, loadPlatformConfig, type PlatformConfig } from "../../stacks/config";
import { REPO_ROOT, renderProgram, type RenderResult } from "../render/mock-runtime";
import { StackFileError, readStackConfig } from "../render/stack-files";
import { writeRender } from "../render/write";
import { OutputFolderError, readOwnership } from "../render/output-folder";
import type { Artifact } from "../render/artifacts";

export { CommandError, parseArgs, type ParsedArgs } from "./args";
import { CommandError } from "./args";

/**
 * Validates a stack's config exactly as the program will, before the runtime starts: an
 * invalid stack registers nothing.
 */
export function validateStack(stack: string, rootDir = REPO_ROOT): PlatformConfig {
  try {
    const sc = readStackConfig(rootDir, stack);
    return loadPlatformConfig(sc.config, new Set(sc.secretKeys), stack, { rootDir });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StackFileError) throw new CommandError(e.message);
    throw e;
  }
}

/** A stack rendered and written to disk. */
export interface RenderedStack {
  readonly config: PlatformConfig;
  readonly result: RenderResult;
  readonly files: Artifact[];
  readonly outDir: string;
  readonly millis: number;
}

/**
 * Validates, renders under mocks and writes one stack (one per process). `chartDir` holds the
 * chart archives (`--chart-dir`; see tools/render/chart.ts for the default).
 */
export async function renderStack(stack: string, outDir?: string, rootDir = REPO_ROOT, chartDir?: string): Promise<RenderedStack> {
  const started = performance.now();
  const config = validateStack(stack, rootDir);
  const dir = outDir ?? path.join(rootDir, "out", stack);
  guardOutput(() => readOwnership(dir)); // refuse a folder that is not ours before the slow render
  const result = await renderProgram({ stack, rootDir, chartDir });
  const written = guardOutput(() => writeRender(result, dir));
  return { config, result, files: written, outDir: dir, millis: performance.now() - started };
}

/** Runs `write`, turning a refused output folder into a user-facing error. */
export function guardOutput<T>(write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (e instanceof OutputFolderError) throw new CommandError(e.message);
    throw e;
  }
}

/** Formats rows as an aligned plain-text table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
