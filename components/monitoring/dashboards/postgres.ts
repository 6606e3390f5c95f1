import type { DashboardsConfig } from "./inputs";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { numberPanels, platformDashboard, stat, timeseries, type BuiltDashboard } from "./panels";

/** Postgres as postgres_exporter sees it: availability, connections, throughput, cache, size. */
export function postgresDashboard(config: DashboardsConfig): BuiltDashboard {
  const db = `datname="${config.postgres.database}"`;
  const d = platformDashboard("app-platform-postgres", "Postgres", ["postgres", "datastores"])
    .withRow(new RowBuilder(`${config.postgres.host}:${config.postgres.port} (${config.postgres.mode})`))
    .withPanel(stat("Up", [{ expr: "max(pg_up)" }], { thresholds: [[1, "green"]], width: 4 }))
    .withPanel(
      stat("Connections used", [{ expr: "sum(pg_stat_activity_count) / max(pg_settings_max_connections)" }], {
        unit: "percentunit",
        width: 5,
        thresholds: [[0.75, "orange"], [0.9, "red"]],
      }),
    )
    .withPanel(stat("Database size", [{ expr: `sum(pg_database_size_bytes{${db}})` }], { unit: "bytes", width: 5 }))
    .withPanel(
      stat("Cache hit ratio", [{ expr: `sum(rate(pg_stat_database_blks_hit{${db}}[$__rate_interval])) / (sum(rate(pg_stat_database_blks_hit{${db}}[$__rate_interval])) + sum(rate(pg_stat_database_blks_read{${db}}[$__rate_interval])))` }], {
        unit: "percentunit",
        width: 5,
      }),
    )
    .withPanel(stat("Deadlocks (1h)", [{ expr: `sum(increase(pg_stat_database_deadlocks{${db}}[1h]))` }], { width: 5, thresholds: [[1, "orange"]] }))
    .withRow(new RowBuilder("Activity"))
    .withPanel(timeseries("Connections by state", [{ expr: "sum by (state) (pg_stat_activity_count)", legend: "{{state}}" }]))
    .withPanel(
      timeseries("Transactions / s", [
        { expr: `sum(rate(pg_stat_database_xact_commit{${db}}[$__rate_interval]))`, legend: "commit" },
        { expr: `sum(rate(pg_stat_database_xact_rollback{${db}}[$__rate_interval]))`, legend: "rollback" },
      ], { unit: "ops" }),
    )
    .withPanel(
      timeseries("Rows / s", [
        { expr: `sum(rate(pg_stat_database_tup_fetched{${db}}[$__rate_interval]))`, legend: "fetched" },
        { expr: `sum(rate(pg_stat_database_tup_inserted{${db}}[$__rate_interval]))`, legend: "inserted" },
        { expr: `sum(rate(pg_stat_database_tup_updated{${db}}[$__rate_interval]))`, legend: "updated" },
        { expr: `sum(rate(pg_stat_database_tup_deleted{${db}}[$__rate_interval]))`, legend: "deleted" },
      ], { unit: "rowsps" }),
    )
    .withPanel(timeseries("Database size", [{ expr: `sum(pg_database_size_bytes{${db}})`, legend: "{{datname}}" }], { unit: "bytes" }));
  return { slug: "postgres", dashboard: numberPanels(d.build()) };
}
