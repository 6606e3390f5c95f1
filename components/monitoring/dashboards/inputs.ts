import type { ServiceConfig } from "../../app/service-spec";
import type { BackupSpec } from "../../backup/backup-spec";
import type { PostgresSpec, RedisSpec } from "../../datastores/datastore-spec";
import type { NamespacesSpec } from "../../foundation/namespaces-spec";
import type { MonitoringSpec } from "../monitoring-spec";

/** The slice of stack config the dashboards are built from. */
export interface DashboardsConfig {
  /** Services with their SLOs (the SLO dashboard's variables). */
  readonly services: readonly ServiceConfig[];
  readonly namespaces: Pick<NamespacesSpec, "backup">;
  readonly backup: Pick<BackupSpec, "enabled">;
  readonly postgres: Pick<PostgresSpec, "mode" | "host" | "port" | "database">;
  readonly redis: Pick<RedisSpec, "mode" | "host" | "port">;
  /** Prometheus retention bounds the SLO dashboard's budget window. */
  readonly monitoring: Pick<MonitoringSpec, "prometheus">;
}
