// Resolved configs of the real stack files, and of edited copies of the base test stacks.
import { loadPlatformConfig, type PlatformConfig } from "../../../stacks/config";
import type { Environment } from "../../../lib/environment";
import { REPO_ROOT } from "../../../tools/render/mock-runtime";
import { readStackConfig } from "../../../tools/render/stack-files";

/** The resolved config of Pulumi.<stack>.yaml, exactly as the program loads it. */
export function stackConfig(stack: Environment): PlatformConfig {
  const s = readStackConfig(REPO_ROOT, stack);
  return loadPlatformConfig(s.config, new Set(s.secretKeys), stack);
}

/** Every node of a JSON-like tree, with its path, for "never appears anywhere" assertions. */
export function* walk(value: unknown, path: string[] = []): Generator<{ path: string[]; value: unknown }> {
  yield { path, value };
  if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* walk(v, [...path, String(i)]);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) yield* walk(v, [...path, k]);
}
