import { durationSeconds } from "../../../stacks/schema/common";

const UNITS: readonly [string, number][] = [
  ["d", 86400],
  ["h", 3600],
  ["m", 60],
  ["s", 1],
];

/** Formats whole seconds in the largest Prometheus unit that divides them ("600" -> "10m"). */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of UNITS) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/**
 * Multiplies a Prometheus duration by the stack's `timeScale` and rounds it to whole seconds,
 * never below 1 s (Prometheus refuses a zero range and a sub-second `for:` means nothing at a
 * one-second evaluation interval). With factor 1 the duration keeps its value.
 */
export function scaleDuration(duration: string, factor: number): string {
  return formatDuration(scaleSeconds(durationSeconds(duration), factor));
}

/** {@link scaleDuration} for a number of seconds; returns whole seconds, at least 1. */
export function scaleSeconds(seconds: number, factor: number): number {
  return Math.max(1, Math.round(seconds * factor));
}
