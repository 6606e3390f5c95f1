import type { DashboardsConfig } from "./inputs";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { BUDGET_WINDOW_RATIO, budgetWindow, sliErrorRatioRecord } from "../rules/slo";
import { note, numberPanels, platformDashboard, stat, timeseries, type BuiltDashboard } from "./panels";

/** The error budget of an objective (1 - objective), rounded to 10 decimals. */
export function errorBudget(objective: number): number {
  return Number((1 - objective).toFixed(10));
}

/**
 * One row per service with its objectives from config: availability and latency over the
 * budget window (the SLO period cut to the Prometheus retention, see `budgetWindow`), the
 * error budget left, and burn rates over the windows multi-window alerts use. Every panel reads
 * the SLO recording rules, so the dashboard shows exactly what SLOErrorBudgetLow and the
 * burn-rate alerts alert on (user requests only, an idle window as no errors).
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
          // The recording rules the burn-rate alerts compare (user requests only, 0 when idle).
          (["5m", "1h", "6h", "3d"] as const).map((w) => ({ expr: `${sliErrorRatioRecord(w)}${sel("availability")} / ${budget}`, legend: w })),
          { unit: "x", width: 8, thresholds: [[6, "orange"], [14.4, "red"]], description: "1 = spending the budget exactly over 30 days; 14.4 over 1h pages." },
        ),
      );
  }
  return { slug: "slo", dashboard: numberPanels(d.build()) };
}
