import type { DashboardsConfig } from "./inputs";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { numberPanels, platformDashboard, stat, timeseries, type BuiltDashboard } from "./panels";

/** Redis as redis_exporter sees it: availability, memory, clients, commands, hits, evictions. */
export function redisDashboard(config: DashboardsConfig): BuiltDashboard {
  const hits = "sum(rate(redis_keyspace_hits_total[$__rate_interval]))";
  const misses = "sum(rate(redis_keyspace_misses_total[$__rate_interval]))";
  const d = platformDashboard("app-platform-redis", "Redis", ["redis", "datastores"])
    .withRow(new RowBuilder(`${config.redis.host}:${config.redis.port} (${config.redis.mode})`))
    .withPanel(stat("Up", [{ expr: "max(redis_up)" }], { thresholds: [[1, "green"]], width: 4 }))
    .withPanel(stat("Memory used", [{ expr: "sum(redis_memory_used_bytes)" }], { unit: "bytes", width: 5 }))
    .withPanel(stat("Clients", [{ expr: "sum(redis_connected_clients)" }], { width: 5 }))
    .withPanel(stat("Hit ratio", [{ expr: `${hits} / (${hits} + ${misses})` }], { unit: "percentunit", width: 5 }))
    .withPanel(stat("Evictions (1h)", [{ expr: "sum(increase(redis_evicted_keys_total[1h]))" }], { width: 5, thresholds: [[1, "orange"]] }))
    .withRow(new RowBuilder("Load"))
    .withPanel(timeseries("Commands / s", [{ expr: "sum(rate(redis_commands_processed_total[$__rate_interval]))", legend: "commands" }], { unit: "ops" }))
    .withPanel(
      timeseries("Memory", [
        { expr: "sum(redis_memory_used_bytes)", legend: "used" },
        { expr: "sum(redis_memory_max_bytes)", legend: "maxmemory" },
      ], { unit: "bytes" }),
    )
    .withPanel(timeseries("Keys by database", [{ expr: "sum by (db) (redis_db_keys)", legend: "{{db}}" }]))
    .withPanel(timeseries("Evicted and expired keys / s", [
      { expr: "sum(rate(redis_evicted_keys_total[$__rate_interval]))", legend: "evicted" },
      { expr: "sum(rate(redis_expired_keys_total[$__rate_interval]))", legend: "expired" },
    ], { unit: "ops" }));
  return { slug: "redis", dashboard: numberPanels(d.build()) };
}
