// Monitoring values the schema accepts one by one that would make `platform check` fail later
// with raw promtool output, or make alerting silently useless.
import { NODE_DISK_FIT_WINDOW, nodeDiskFillingMaxForSeconds } from "../../components/monitoring/rules/nodes";
import { formatDuration } from "../../lib/duration";
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

/**
 * Scrape and evaluation intervals within the lookback delta; warning thresholds below their
 * critical ones; NodeDiskFillingUp's `for:` no longer than its expression can hold.
 */
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
  out.push(...checkNodeDiskFilling(t, overrides));
  return out;
}

/**
 * A `for:` longer than NodeDiskFillingUp's expression can stay true for a disk that fills up at
 * a steady rate may never fire: the bound, worked out from the expression, is
 * {@link nodeDiskFillingMaxForSeconds} of the prediction window (359m for a 1m window).
 */
function checkNodeDiskFilling(t: MonitoringView["alerting"]["thresholds"], overrides: Readonly<Record<string, unknown>>): ConfigProblem[] {
  const window = t.nodeDiskPredictWindow;
  const holdFor = t.nodeDiskFillingFor;
  if (typeof window !== "string" || typeof holdFor !== "string") return [];
  // A value of the wrong kind or range is reported by the threshold check itself.
  if (checkAlertThresholds({ nodeDiskPredictWindow: window, nodeDiskFillingFor: holdFor }, () => undefined).length > 0) return [];
  const max = nodeDiskFillingMaxForSeconds(durationSeconds(window));
  if (durationSeconds(holdFor) <= max) return [];
  const most = formatDuration(max);
  const setWindow = `alerting.thresholds.nodeDiskPredictWindow (${window}${"nodeDiskPredictWindow" in overrides ? "" : ", its default"})`;
  return [
    problem(
      ["alerting", "thresholds", "nodeDiskFillingFor"],
      holdFor,
      `must be at most ${most} with ${setWindow}: NodeDiskFillingUp's expression holds for a disk filling at a steady rate from ${window} before it is full until its ${NODE_DISK_FIT_WINDOW} fit window sees only the full disk, which on the 1-minute grid \`platform check\` tests with can be as short as ${most}, so a longer for: may never fire; lower nodeDiskFillingFor or raise nodeDiskPredictWindow`,
    ),
  ];
}
