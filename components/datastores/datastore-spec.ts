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
  /**
   * PEM bundle of the CA(s) that signed the server's certificate, for verify-ca/verify-full
   * (RDS and Aurora certificates chain to Amazon's RDS roots, which no public trust store has).
   * @default undefined: clients trust only what their image trusts
   */
  readonly caBundle?: string;
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

/** ConfigMap with `postgres.caBundle` (key {@link POSTGRES_CA_KEY}), in each client's namespace. */
export const POSTGRES_CA_CONFIGMAP = "postgres-ca";
/** Key of the CA bundle in {@link POSTGRES_CA_CONFIGMAP}. */
export const POSTGRES_CA_KEY = "ca.crt";
/** Where clients (the exporter, the backup job) mount {@link POSTGRES_CA_CONFIGMAP}. */
export const POSTGRES_CA_DIR = "/etc/postgres-ca";
