import { z } from "zod";
import { hostName } from "./network";
import { bytesQuantity } from "./common";
import { rotationKeeper } from "./backup";
import "./meta";
import { SQL_IDENTIFIER, SQL_IDENTIFIER_RULE } from "../../lib/sql";

const sqlIdentifier = z.string().regex(SQL_IDENTIFIER, { error: SQL_IDENTIFIER_RULE });

/** The keys Postgres and Redis share; `what` names the store in descriptions. */
const endpoint = (what: string, secret: string) =>
  z.strictObject({
    mode: z.enum(["in-cluster", "external"]).meta({
      description: `\`in-cluster\`: a throwaway, unreplicated ${what} in the apps namespace with a generated password (dev); \`external\`: an endpoint managed elsewhere (e.g. Amazon RDS / ElastiCache), whose password is the credential \`${secret}\`. Production refuses in-cluster.`,
      examples: ["in-cluster", "external"],
    }),
    host: hostName({ ip: true }).optional().meta({
      description: `Host name or IPv4 address of the external ${what}; required with mode external, refused with in-cluster.`,
      defaultText: `in-cluster: the in-cluster Service's name in the apps namespace (\`${what === "Postgres" ? "postgres" : "redis"}.<namespaces.apps>.svc.cluster.local\`); external: required`,
      allowed: "a host name (RFC 1123) or an IPv4 address, without a port",
      examples: [what === "Postgres" ? "orders.cluster-abc.eu-west-1.rds.amazonaws.com" : "orders.abc123.euw1.cache.amazonaws.com"],
    }),
    port: z.int32().min(1).max(65535).optional().meta({ description: `TCP port of ${what}.`, examples: [what === "Postgres" ? 5433 : 6380] }),
    rotation: rotationKeeper.optional().meta({
      description: "In-cluster mode: change it (to any new value, e.g. a date) to regenerate the password on purpose. Nothing else regenerates it, so a refactor never rotates it by accident.",
      examples: ["2026-01"],
    }),
    storageSize: bytesQuantity.optional().meta({ description: `Volume size of the in-cluster ${what}.`, examples: ["10Gi"] }),
  });

/** `app-platform:postgres` */
export const postgresSchema = endpoint("Postgres", "postgresPassword").extend({
  database: sqlIdentifier.optional().meta({ description: "Database the services use; the owner is `user`.", examples: ["orders"] }),
  user: sqlIdentifier.optional().meta({ description: "Role the services log in as; owns the database. Its password is the credential `postgresPassword` (external mode).", examples: ["orders"] }),
  monitoringUser: sqlIdentifier.optional().meta({
    description: "The exporter's own role (member of pg_monitor), never the owner. External mode: its password is the credential `postgresMonitoringPassword`; in-cluster (dev): the dev Postgres creates it at init with a generated password.",
    examples: ["orders_monitoring"],
  }),
  backupUser: sqlIdentifier.optional().meta({
    description: "External mode: the backup jobs' own read-only role (member of pg_read_all_data), never the owner; its password is the credential `postgresBackupPassword`.",
    examples: ["orders_backup"],
  }),
  sslMode: z
    .enum(["disable", "require", "verify-ca", "verify-full"])
    .optional()
    .meta({
      description: "libpq sslmode of the exporter and the backup jobs. `verify-full` checks the server certificate against `caBundle` and its name against `host`.",
      defaultText: "in-cluster: `disable`; external: `verify-full`",
      examples: ["verify-full"],
    }),
  caBundle: z
    .string()
    .regex(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/, { error: "must be PEM: one or more -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks" })
    .optional()
    .meta({
      description: "PEM bundle of the CA(s) that signed the server certificate (verify-ca, verify-full), e.g. the RDS global bundle; mounted into the exporter and the backup jobs. Required on AWS with verify-ca/verify-full when backups are disabled and `backup.image` is unset: no image then carries the RDS bundle.",
      defaultText: "none: the public CAs and the RDS CA bundle of the backup tools image",
      examples: ["-----BEGIN CERTIFICATE-----\nMIID...\n-----END CERTIFICATE-----"],
    }),
  maxConnections: z.int32().min(1).optional().meta({
    description: "Postgres' max_connections; the connection alerts compare the connections in use with it.",
    examples: [200],
  }),
}).strict();

/** `app-platform:redis` */
export const redisSchema = endpoint("Redis", "redisPassword").extend({
  tls: z.boolean().optional().meta({ description: "Connect with TLS (ElastiCache in-transit encryption).", defaultText: "in-cluster: `false`; external: `true`", examples: [true] }),
}).strict();
