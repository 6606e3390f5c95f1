import type { DashboardsConfig } from "./inputs";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { ServiceConfig } from "../../app/service-spec";
import { APP_METRICS, nonUserPathsMatcher } from "../contract";
import { BUDGET_WINDOW_RATIO, budgetWindow } from "../rules/slo";
import { errorRatio, note, numberPanels, platformDashboard, stat, timeseries, type BuiltDashboard } from "./panels";

const R = APP_METRICS.durationCount;
const B = APP_METRICS.durationBucket;
const S = APP_METRICS.statusLabel;

/** PromQL of a service's SLIs over a window: the error ratio and the share of slow requests. */
export function sloQueries(s: ServiceConfig, window: string): { errorRatio: string; slowRatio: string } {
  // User requests of the service, as its SLO recording rules count them.
  const m = `service="${s.name}",role="active",${nonUserPathsMatcher([s])}`;
  // The histogram's `le` label is the threshold as Prometheus formats it ("0.5", "1").
  const le = String(s.slo.latency.thresholdSeconds);
  return {
    errorRatio: errorRatio(`sum(rate(${R}{${m},${S}=~"5.."}[${window}]))`, `sum(rate(${R}{${m}}[${window}]))`),
    slowRatio: `1 - (sum(rate(${B}{${m},le="${le}"}[${window}])) / sum(rate(${B}{${m},le="+Inf"}[${window}])))`,
  };
}

/** The error budget of an objective (1 - objective), rounded to 10 decimals. */
export function errorBudget(objective: number): number {
  return Number((1 - objective).toFixed(10));
}

/**
 * One row per service with its objectives from config: availability and latency over the
 * budget window (the SLO period cut to the Prometheus retention, see `budgetWindow`), the
 * error budget left, and burn rates over the windows multi-window alerts use. The window and
 * budget panels read the SLO recording rules, so the dashboard shows exactly what
 * SLOErrorBudgetLow alerts on.
 */
export function sloDashboard(config: DashboardsConfig): BuiltDashboard {
  const window = budgetWindow(config);
  let d = platformDashboard("app-platform-slo", "SLOs and error budgets", ["slo"]).time({ from: `now-${window}`, to: "now" });
  if (config.services.length === 0) {
    d = d.withPanel(note("No services", "This stack configures no services, so there are no objectives to show."));
  }
  for (const s of config.services) {
    // Rounded: 1 - 0.999 is 0.0010000000000000009 in floating point, which reads badly in a query.
    const budget = errorBudget(s.slo.availability);
    const sel = (slo: string) => `{service="${s.name}",slo="${slo}"}`;
    d = d
      .withRow(new RowBuilder(`${s.name}: availability ${(s.slo.availability * 100).toFixed(2)}%, ${(s.slo.latency.objective * 100).toFixed(1)}% under ${s.slo.latency.thresholdSeconds}s`))
      .withPanel(stat(`Availability (${window})`, [{ expr: `1 - ${BUDGET_WINDOW_RATIO}${sel("availability")}` }], { unit: "percentunit", thresholds: [[s.slo.availability, "green"]], width: 4 }))
      .withPanel(
        stat(`Error budget left (${window})`, [{ expr: `slo:error_budget_remaining:ratio${sel("availability")}` }], {
          unit: "percentunit",
          width: 4,
          thresholds: [[0, "red"], [0.25, "orange"], [0.5, "green"]],
        }),
      )
      .withPanel(stat(`Fast requests (${window})`, [{ expr: `1 - ${BUDGET_WINDOW_RATIO}${sel("latency")}` }], { unit: "percentunit", width: 4 }))
      .withPanel(
        stat(`Latency budget left (${window})`, [{ expr: `slo:error_budget_remaining:ratio${sel("latency")}` }], {
          unit: "percentunit",
          width: 4,
          thresholds: [[0, "red"], [0.25, "orange"], [0.5, "green"]],
        }),
      )
      .withPanel(
        timeseries(
          "Error budget burn rate",
          ["5m", "1h", "6h", "3d"].map((w) => ({ expr: `(${sloQueries(s, w).errorRatio}) / ${budget}`, legend: w })),
          { unit: "x", width: 8, thresholds: [[6, "orange"], [14.4, "red"]], description: "1 = spending the budget exactly over 30 days; 14.4 over 1h pages." },
        ),
      );
  }
  return { slug: "slo", dashboard: numberPanels(d.build()) };
}
