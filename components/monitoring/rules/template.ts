// Renders the subset of Prometheus' Go templates our annotations use, the way Prometheus does,
// so that promtool test cases can state the exact annotation text an alert will carry.

/** Go's `%.4g`: four significant digits, trailing zeros dropped. */
function g4(v: number): string {
  if (v === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 4) {
    const [m, e] = v.toExponential(3).split("e");
    const mant = String(Number(m));
    const n = Number(e);
    return `${mant}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  return String(Number(v.toPrecision(4)));
}

/** Prometheus' `humanize`: SI prefixes, four significant digits. */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  let prefix = "";
  if (Math.abs(v) >= 1) {
    for (const p of ["k", "M", "G", "T", "P", "E", "Z", "Y"]) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return `${g4(v)}${prefix}`;
  }
  for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}`;
}

/** Prometheus' `humanizePercentage`. */
export function humanizePercentage(v: number): string {
  return `${g4(v * 100)}%`;
}

/** Prometheus' `humanizeDuration` (seconds to "1d 2h 3m 4s"). */
export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return "0s";
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? "-" : "";
    const a = Math.abs(v);
    const d = Math.trunc(a);
    const seconds = d % 60;
    const minutes = Math.trunc(d / 60) % 60;
    const hours = Math.trunc(d / 3600) % 24;
    const days = Math.trunc(d / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(a)}s`;
  }
  let prefix = "";
  for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

const FILTERS: Record<string, (v: number) => string> = { humanize, humanizePercentage, humanizeDuration };

/**
 * Renders an annotation template with an alert's labels and value. Supports `{{ $labels.x }}`
 * and `{{ $value | humanize }}` / `humanizePercentage` / `humanizeDuration`; anything else throws,
 * so that a rule cannot use a construct its tests would render differently.
 */
export function renderTemplate(template: string, labels: Readonly<Record<string, string>>, value: number): string {
  return template.replace(/\{\{\s*(.*?)\s*\}\}/g, (_, body: string) => {
    const label = /^\$labels\.(\w+)$/.exec(body);
    if (label) {
      if (!(label[1] in labels)) throw new Error(`template uses $labels.${label[1]}, which the alert does not carry`);
      return labels[label[1]];
    }
    const filtered = /^\$value \| (\w+)$/.exec(body);
    if (filtered && FILTERS[filtered[1]]) return FILTERS[filtered[1]](value);
    throw new Error(`unsupported template construct {{ ${body} }}`);
  });
}
