// Monitoring values the schema accepts one by one that would make `platform check` fail later
// with raw promtool output, or make alerting silently useless.
import { checkAlertThresholds } from "../schema/alerting";
import { durationSeconds } from "../schema/common";
import { problem, type ConfigProblem } from "./problem";

/**
 * Prometheus' default lookback delta (`--query.lookback-delta`, 5m): a series with no sample for
 * longer looks absent to every query, so scraping or evaluating less often than this makes
 * alerts flap on data that is merely between samples (Prometheus docs, "Staleness").
 */
export const LOOKBACK_DELTA_SECONDS = 300;

/** The part of the resolved config that these rules read. */
export interface MonitoringView {
  readonly monitoring: { readonly scrapeInterval: string; readonly evaluationInterval: string };
  readonly alerting: { readonly thresholds: Readonly<Record<string, number | string>> };
}

/** Pairs of thresholds where the first must be below the second: a warning fires before its critical. */
const ORDERED_PAIRS: readonly (readonly [string, string, "number" | "duration"])[] = [
  ["errorRatioWarning", "errorRatioCritical", "number"],
  ["nodeMemoryWarning", "nodeMemoryCritical", "number"],
  ["postgresConnectionsWarning", "postgresConnectionsCritical", "number"],
  // Time left on a certificate: the critical alert is the one closer to expiry.
  ["tlsExpiryCritical", "tlsExpiryWarning", "duration"],
];

/** Scrape and evaluation intervals within the lookback delta; warning thresholds below their critical ones. */
export function checkMonitoringValues(config: MonitoringView, overrides: Readonly<Record<string, unknown>> = {}): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const key of ["scrapeInterval", "evaluationInterval"] as const) {
    const value = config.monitoring[key];
    if (durationSeconds(value) > LOOKBACK_DELTA_SECONDS) {
      out.push(problem(["monitoring", key], value, "must be at most 5m, Prometheus' lookback delta: series older than that look absent to queries, so alerts would flap between samples; use e.g. \"30s\""));
    }
  }
  const t = config.alerting.thresholds;
  for (const [low, high, kind] of ORDERED_PAIRS) {
    const a = t[low];
    const b = t[high];
    if (a === undefined || b === undefined) continue;
    const value = (v: number | string) => (kind === "duration" && typeof v === "string" && /^\d+(ms|s|m|h|d|w|y)$/.test(v) ? durationSeconds(v) : typeof v === "number" ? v : NaN);
    const [va, vb] = [value(a), value(b)];
    // A value of the wrong kind or range is reported by the threshold check itself.
    if (Number.isNaN(va) || Number.isNaN(vb) || checkAlertThresholds({ [low]: a, [high]: b }, () => undefined).length > 0) continue;
    if (!(va < vb)) {
      // Name the value the stack set; when it set both, the first of the pair.
      const why = "the warning must come before the critical alert, and the generated alert tests assume it";
      if (high in overrides && !(low in overrides)) {
        out.push(problem(["alerting", "thresholds", high], b, `must be above alerting.thresholds.${low} (${a}, its default): ${why}`));
      } else {
        out.push(problem(["alerting", "thresholds", low], a, `must be below alerting.thresholds.${high} (${b}${high in overrides ? "" : ", its default"}): ${why}`));
      }
    }
  }
  return out;
}
