import type { InputSeries } from "./types";

/**
 * Placeholder for the number of samples in a test's input series; the test generator replaces
 * it with enough samples to cover every evaluation of the case.
 */
export const N = "{N}";

/** One input series: `name{labels}` with values in promtool's expanding notation. */
export function series(name: string, labels: Readonly<Record<string, string>>, values: string): InputSeries {
  const l = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",");
  return { series: `${name}{${l}}`, values };
}

/** A counter that starts at 0 and grows by `perMinute` every minute. */
export function counter(perMinute: number): string {
  return `0+${num(perMinute)}x${N}`;
}

/** A counter that is 0 up to and including minute `flatMinutes`, then grows by `perMinute` every minute. */
export function counterFrom(flatMinutes: number, perMinute: number): string {
  return `0x${flatMinutes} ${num(perMinute)}+${num(perMinute)}x${N}`;
}

/** A constant gauge. */
export function gauge(value: number): string {
  return `${num(value)}x${N}`;
}

/** A gauge that holds `before` for `minutes` samples, then `after`. */
export function gaugeFrom(minutes: number, before: number, after: number): string {
  return `${num(before)}x${minutes - 1} ${num(after)}x${N}`;
}

/** Formats a number for promtool without exponent notation surprises. */
export function num(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(12)));
}

/** Rounds away binary noise (0.1 * 3) so that expected values compare cleanly. */
export function clean(v: number): number {
  return Number(v.toPrecision(12));
}

/**
 * What `increase(c[window])` gives for a {@link counterFrom}(2, `perMinute`) counter (0 up to
 * minute 2, `perMinute` more every minute from minute 3) evaluated `forMinutes` after minute 3:
 * every sample from minute 0 when the window reaches back that far (Prometheus does not
 * extrapolate a counter below its zero start), else the full window's worth.
 */
export function windowIncrease(perMinute: number, forMinutes: number, windowMinutes: number): number {
  return clean(perMinute * Math.min(forMinutes + 1, windowMinutes));
}

/**
 * What `1 - rate(c[window])/1s` gives for an idle-seconds {@link counter} of a CPU `util` busy
 * (`60 * (1 - util)` more every minute from 0) evaluated at minute `atMinute`: before the
 * window is full, rate divides the increase since minute 0 by the whole window.
 */
export function utilisationAt(util: number, atMinute: number, windowMinutes: number): number {
  return clean(1 - ((1 - util) * Math.min(atMinute, windowMinutes)) / windowMinutes);
}
