import { z } from "zod";
import { hostName } from "./network";
import { bytesQuantity } from "./common";
import { rotationKeeper } from "./backup";

const endpoint = (defaultPort: number) =>
  z.strictObject({
    /** "in-cluster": a throwaway instance for dev; "external": an endpoint managed elsewhere. */
    mode: z.enum(["in-cluster", "external"]),
    host: hostName({ ip: true }).optional(),
    port: z.int32().min(1).max(65535).optional().describe(`@default ${defaultPort}`),
    /** Regenerates the generated password (in-cluster mode) when changed. */
    rotation: rotationKeeper.optional(),
    /** Volume size of the in-cluster instance. */
    storageSize: bytesQuantity.optional(),
  });

/** `app-platform:postgres` */
export const postgresSchema = endpoint(5432).extend({
  database: z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: "must be a lowercase SQL identifier" }).optional(),
  user: z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: "must be a lowercase SQL identifier" }).optional(),
  /** External mode: the exporter's own role (member of pg_monitor); its password is the secret postgresMonitoringPassword. @default "app_monitoring" */
  monitoringUser: z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: "must be a lowercase SQL identifier" }).optional(),
  /** External mode: the backup jobs' own read-only role (member of pg_read_all_data); its password is the secret postgresBackupPassword. @default "app_backup" */
  backupUser: z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: "must be a lowercase SQL identifier" }).optional(),
  sslMode: z.enum(["disable", "require", "verify-ca", "verify-full"]).optional(),
  /** PEM bundle of the CA(s) that signed the server certificate (verify-ca/verify-full), e.g. the RDS global bundle. Mounted into the exporter and the backup jobs. */
  caBundle: z.string().regex(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/, { error: "must be PEM: one or more -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks" }).optional(),
  maxConnections: z.int32().min(1).optional(),
}).strict();

/** `app-platform:redis` */
export const redisSchema = endpoint(6379).extend({
  tls: z.boolean().optional(),
}).strict();
