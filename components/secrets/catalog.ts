import { POSTGRES_CREDENTIALS_SECRET, REDIS_CREDENTIALS_SECRET } from "../monitoring/contract";

/** Name of the dev Postgres backup user (read-only through pg_read_all_data). */
export const BACKUP_DB_USER = "backup";
/** Secret in the apps namespace from which the dev Postgres sets the backup user's password. */
export const POSTGRES_BACKUP_USER_SECRET = "postgres-backup-credentials";
/** Secret in the apps namespace from which the dev Postgres sets the exporter's (pg_monitor) user's password. */
export const POSTGRES_MONITORING_USER_SECRET = "postgres-monitoring-credentials";

/** A Kubernetes Secret by name, with the keys it holds. */
export interface SecretShape {
  readonly name: string;
  readonly keys: readonly string[];
}

/**
 * The Secrets that {@link PlatformSecrets} creates in the apps namespace, with their keys: the
 * only Secrets (besides those the stack declares as provided outside the program) that a
 * service's `secretSettings` may reference. Config validation reads this list, so it must
 * follow what PlatformSecrets creates; a render test compares the two.
 *
 * - `postgres-credentials`: the application owner's user (`username`, `password`), generated
 *   in-cluster or from `--secret postgresPassword` for an external endpoint;
 * - `redis-credentials`: `password`, likewise;
 * - in-cluster Postgres only: `postgres-backup-credentials` and `postgres-monitoring-credentials`,
 *   from which the dev Postgres sets its backup user's and its exporter user's passwords.
 */
export function appsNamespaceSecrets(postgresMode: "in-cluster" | "external"): SecretShape[] {
  return [
    { name: POSTGRES_CREDENTIALS_SECRET, keys: ["username", "password"] },
    { name: REDIS_CREDENTIALS_SECRET, keys: ["password"] },
    ...(postgresMode === "in-cluster"
      ? [
          { name: POSTGRES_BACKUP_USER_SECRET, keys: ["username", "password"] },
          { name: POSTGRES_MONITORING_USER_SECRET, keys: ["username", "password"] },
        ]
      : []),
  ];
}
