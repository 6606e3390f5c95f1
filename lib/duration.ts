// Durations in Prometheus/Alertmanager notation, one implementation for the config schema, the
// alert rule builders, Alertmanager timers and the harness models.

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/**
 * Seconds in a Prometheus/Alertmanager duration: one unit (`30s`, `5m`, `7d`) or a compound one
 * (`1h30m`, `250ms`), or `0`. Throws naming the value when it is not one.
 */
export function durationSeconds(text: string): number {
  const t = text.trim();
  if (t === "0") return 0;
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched !== t.length || t.length === 0) throw new Error(`"${text}" is not a Prometheus duration (e.g. "30s", "1h30m", "250ms")`);
  return total;
}

const WHOLE_UNITS: readonly (readonly [string, number])[] = [
  ["d", 86400],
  ["h", 3600],
  ["m", 60],
  ["s", 1],
];

/**
 * Formats seconds as one Prometheus duration: whole seconds in the largest unit that divides them
 * (`600` -> `10m`, `5400` -> `90m`, `86400` -> `1d`), anything else in whole milliseconds, at
 * least `1ms` (`1.2` -> `1200ms`).
 */
export function formatDuration(seconds: number): string {
  const ms = Math.max(1, Math.round(seconds * 1000));
  if (ms % 1000 !== 0) return `${ms}ms`;
  const whole = ms / 1000;
  for (const [unit, size] of WHOLE_UNITS) if (whole % size === 0) return `${whole / size}${unit}`;
  return `${whole}s`;
}

/** {@link scaleDuration} for a number of seconds; returns whole seconds, at least 1. */
export function scaleSeconds(seconds: number, factor: number): number {
  return Math.max(1, Math.round(seconds * factor));
}

/**
 * Multiplies a Prometheus duration by a time-scale factor (the stacks' `timeScale`, for
 * end-to-end tests) and rounds it to whole seconds, never below 1 s (Prometheus refuses a zero
 * range and a sub-second `for:` means nothing at a one-second evaluation interval). With factor 1
 * the duration keeps its value.
 */
export function scaleDuration(duration: string, factor: number): string {
  return formatDuration(scaleSeconds(durationSeconds(duration), factor));
}
