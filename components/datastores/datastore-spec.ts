/** Where a datastore lives and how to reach it. */
export interface EndpointSpec {
  readonly mode: "in-cluster" | "external";
  /** Host name; for in-cluster mode the in-cluster Service's DNS name. */
  readonly host: string;
  readonly port: number;
}

/** Postgres as the platform uses it, every default applied (stack config `postgres`). */
export interface PostgresSpec extends EndpointSpec {
  readonly database: string;
  readonly user: string;
  /** Role of the Postgres exporter (pg_monitor), external mode. */
  readonly monitoringUser: string;
  /** Read-only role of the backup jobs (pg_read_all_data), external mode. */
  readonly backupUser: string;
  readonly sslMode: "disable" | "require" | "verify-ca" | "verify-full";
  readonly maxConnections: number;
  /** Keeper of the generated password (in-cluster); changing it rotates the password. */
  readonly rotation: string;
  /** Volume size of the in-cluster instance. */
  readonly storageSize: string;
}

/** Redis as the platform uses it, every default applied (stack config `redis`). */
export interface RedisSpec extends EndpointSpec {
  readonly tls: boolean;
  readonly rotation: string;
  readonly storageSize: string;
}
