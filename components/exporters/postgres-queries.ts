import YAML from "yaml";
import { POSTGRES_QUERY_METRICS } from "../monitoring/contract";

export { POSTGRES_QUERY_METRICS };

/** File name of postgres_exporter's extra queries inside its ConfigMap (mounted at /config). */
export const POSTGRES_QUERIES_FILE = "queries.yaml";

/**
 * Extra queries of postgres_exporter (`--extend.query-path`), understood by the pinned image and
 * by Debian's 0.11 alike. Both fill gaps of the built-in metrics:
 *
 * - Transactions by `application_name`: the built-in `pg_stat_activity_max_tx_duration` carries
 *   only `datname` and `state` in 0.11, so the nightly backup's REPEATABLE READ snapshot (open for
 *   the whole dump) cannot be told from a stuck application transaction.
 * - Replica lag from the writer: the built-in `pg_replication_lag` is computed on the server
 *   the exporter connects to, which for the platform is always the writer, where it is 0.
 *   `pg_stat_replication.replay_lag` on the writer is each replica's lag (NULL, so 0, when the
 *   replica has nothing to replay). Aurora replicas replicate at the storage layer and are not
 *   listed there.
 */
export function postgresQueries(): Record<string, unknown> {
  return {
    app_platform_transactions: {
      query: [
        "SELECT datname, usename, COALESCE(application_name, '') AS application_name,",
        "  EXTRACT(EPOCH FROM max(clock_timestamp() - xact_start)) AS max_age_seconds",
        "FROM pg_stat_activity",
        "WHERE xact_start IS NOT NULL AND datname IS NOT NULL AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        "GROUP BY datname, usename, application_name",
      ].join("\n"),
      metrics: [
        { datname: { usage: "LABEL", description: "Database" } },
        { usename: { usage: "LABEL", description: "User of the session" } },
        { application_name: { usage: "LABEL", description: "application_name the client set" } },
        { max_age_seconds: { usage: "GAUGE", description: "Age of the oldest open transaction in seconds" } },
      ],
    },
    app_platform_replicas: {
      query: [
        "SELECT COALESCE(application_name, '') AS application_name, COALESCE(client_addr::text, '') AS client_addr,",
        "  COALESCE(EXTRACT(EPOCH FROM replay_lag), 0) AS replay_lag_seconds",
        "FROM pg_stat_replication",
      ].join("\n"),
      metrics: [
        { application_name: { usage: "LABEL", description: "Replica's application_name (its name in primary_conninfo)" } },
        { client_addr: { usage: "LABEL", description: "Replica's address" } },
        { replay_lag_seconds: { usage: "GAUGE", description: "Time the replica is behind in replaying WAL, in seconds" } },
      ],
    },
  };
}

/** {@link postgresQueries} as the YAML file the exporter reads. */
export function postgresQueriesYaml(): string {
  return YAML.stringify(postgresQueries(), { lineWidth: 0, aliasDuplicateObjects: false });
}
