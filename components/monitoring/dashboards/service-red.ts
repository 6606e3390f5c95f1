import type { DashboardsConfig } from "./inputs";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { APP_METRICS, userRequests } from "../contract";
import { errorRatio, latencyQuantile, numberPanels, platformDashboard, serviceVariable, stat, timeseries, type BuiltDashboard } from "./panels";

const S = APP_METRICS.statusLabel;

/**
 * Rate, errors and duration of one service (picked by the `service` variable), split by
 * colour so that a bad release shows up as one colour diverging from the other.
 */
export function serviceRedDashboard(config: DashboardsConfig): BuiltDashboard {
  // User requests only, as the alerts count them: kubelet probes and scrapes are left out.
  const count = (...more: string[]) => userRequests("count", `service="$service"`, config.services, ...more);
  const bucket = (...more: string[]) => userRequests("bucket", `service="$service"`, config.services, ...more);
  const active = `role="active"`;
  const failed = `${S}=~"5.."`;
  const errors = `sum by (color) (rate(${count(failed)}[$__rate_interval]))`;
  const total = `sum by (color) (rate(${count()}[$__rate_interval]))`;
  const quantile = (q: number) => ({
    expr: latencyQuantile(q, bucket(), count(), ["color"]),
    legend: `p${Math.round(q * 100)} {{color}}`,
  });
  const d = platformDashboard("app-platform-service-red", "Service RED (per colour)", ["red", "services"])
    .withVariable(serviceVariable())
    .withRow(new RowBuilder("Now"))
    .withPanel(stat("Requests / s", [{ expr: `sum(rate(${count(active)}[$__rate_interval]))` }], { unit: "reqps" }))
    .withPanel(
      stat("Error ratio (active)", [{ expr: errorRatio(`sum(rate(${count(active, failed)}[$__rate_interval]))`, `sum(rate(${count(active)}[$__rate_interval]))`) }], {
        unit: "percentunit",
        thresholds: [[0.01, "orange"], [0.05, "red"]],
      }),
    )
    .withPanel(
      stat("p99 latency (active)", [{ expr: latencyQuantile(0.99, bucket(active), count(active)) }], {
        unit: "s",
        thresholds: [[0.5, "orange"], [1, "red"]],
      }),
    )
    .withPanel(stat("Pods up", [{ expr: `sum(up{service="$service"})` }], { unit: "short" }))
    .withRow(new RowBuilder("Rate"))
    .withPanel(timeseries("Requests / s by colour", [{ expr: total, legend: "{{color}}" }], { unit: "reqps", width: 24 }))
    .withRow(new RowBuilder("Errors"))
    .withPanel(timeseries("Error ratio by colour (5xx / all)", [{ expr: errorRatio(errors, total), legend: "{{color}}" }], { unit: "percentunit", min: 0 }))
    .withPanel(timeseries("Responses / s by status", [{ expr: `sum by (${S}) (rate(${count()}[$__rate_interval]))`, legend: `{{${S}}}` }], { unit: "reqps" }))
    .withRow(new RowBuilder("Duration"))
    .withPanel(timeseries("Latency quantiles by colour", [quantile(0.5), quantile(0.95), quantile(0.99)], { unit: "s", width: 24 }));
  return { slug: "service-red", dashboard: numberPanels(d.build()) };
}
