const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/**
 * Seconds in a Prometheus/Alertmanager duration such as `1h30m`, `250ms` or `0s`.
 * Throws naming the value when it is not one.
 */
export function parseDuration(text: string): number {
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

/** A duration string for Prometheus/Alertmanager configs, in whole milliseconds (at least 1ms). */
export function formatDuration(seconds: number): string {
  let ms = Math.max(1, Math.round(seconds * 1000));
  const parts: string[] = [];
  for (const [unit, size] of [["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (ms >= size) {
      parts.push(`${Math.floor(ms / size)}${unit}`);
      ms %= size;
    }
  }
  if (ms > 0) parts.push(`${ms}ms`);
  return parts.join("");
}
