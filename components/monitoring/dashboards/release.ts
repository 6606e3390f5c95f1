import type { DashboardsConfig } from "./inputs";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { APP_METRICS, userRequests } from "../contract";
import { errorRatio, latencyQuantile, numberPanels, platformDashboard, serviceVariable, stat, timeseries, type BuiltDashboard } from "./panels";

const S = APP_METRICS.statusLabel;

/**
 * A release seen side by side: which colour is active, the pods of each colour, and their
 * traffic, error ratio and latency, so a promotion (or rollback) can be judged at a glance.
 */
export function releaseDashboard(config: DashboardsConfig): BuiltDashboard {
  const svc = `service="$service"`;
  // User requests: probes and scrapes answer 200 at once and would hide a failing colour.
  const count = (...more: string[]) => userRequests("count", svc, config.services, ...more);
  const ratio = (color: string) =>
    errorRatio(`sum(rate(${count(`color="${color}"`, `${S}=~"5.."`)}[$__rate_interval]))`, `sum(rate(${count(`color="${color}"`)}[$__rate_interval]))`);
  const p99 = (color: string) => latencyQuantile(0.99, userRequests("bucket", svc, config.services, `color="${color}"`), count(`color="${color}"`));
  const d = platformDashboard("app-platform-release", "Release: blue vs green", ["release", "services"])
    .time({ from: "now-3h", to: "now" })
    .withVariable(serviceVariable())
    .withRow(new RowBuilder("Colours"))
    .withPanel(stat("Active colour pods", [{ expr: `count by (color) (up{${svc},role="active"} == 1)`, legend: "{{color}}" }], { width: 8 }))
    .withPanel(stat("Preview colour pods", [{ expr: `count by (color) (up{${svc},role="preview"} == 1)`, legend: "{{color}}" }], { width: 8 }))
    .withPanel(
      stat("Error ratio green - blue", [{ expr: `(${ratio("green")}) - (${ratio("blue")})` }], {
        unit: "percentunit",
        width: 8,
        description: "Positive: green fails more often than blue.",
        thresholds: [[0.005, "orange"], [0.02, "red"]],
      }),
    )
    .withRow(new RowBuilder("Blue against green"))
    .withPanel(timeseries("User requests / s", [{ expr: `sum by (color, role) (rate(${count()}[$__rate_interval]))`, legend: "{{color}} ({{role}})" }], { unit: "reqps", width: 8 }))
    .withPanel(
      timeseries("Error ratio", [
        { expr: ratio("blue"), legend: "blue" },
        { expr: ratio("green"), legend: "green" },
      ], { unit: "percentunit", width: 8, min: 0 }),
    )
    .withPanel(
      timeseries("p99 latency", [
        { expr: p99("blue"), legend: "blue" },
        { expr: p99("green"), legend: "green" },
      ], { unit: "s", width: 8 }),
    )
    .withPanel(timeseries("Pods ready by colour", [{ expr: `sum by (color) (up{${svc}})`, legend: "{{color}}" }], { width: 24 }));
  return { slug: "release", dashboard: numberPanels(d.build()) };
}
