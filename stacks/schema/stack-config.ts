import { z } from "zod";
import { CLUSTER_PLATFORMS, ENVIRONMENTS } from "../../lib/environment";
import { alertingSchema } from "./alerting";
import { awsSchema } from "./aws";
import { backupSchema } from "./backup";
import { postgresSchema, redisSchema } from "./datastores";
import { monitoringSchema } from "./monitoring";
import { namespacesSchema } from "./namespaces";
import { providedSecretsSchema } from "./secrets";
import { serviceSchema } from "./services";

/**
 * Config keys that hold credentials issued elsewhere. They must be set with
 * `pulumi config set --secret`; a plaintext value is refused.
 */
export const SECRET_KEYS = [
  "slackWebhookUrl",
  "pagerdutyRoutingKey",
  "smtpPassword",
  "heartbeatUrl",
  "postgresPassword",
  "redisPassword",
  "postgresMonitoringPassword",
  "postgresBackupPassword",
] as const;
/** One of {@link SECRET_KEYS}. */
export type SecretKey = (typeof SECRET_KEYS)[number];

const secretValue = z.string().min(1, { error: "must not be empty" });

/** Schema of the whole `app-platform:` config namespace of a stack. */
export const configSchema = z.strictObject({
  /** Which environment this stack is; selects the defaults and the strictness. */
  environment: z.enum(ENVIRONMENTS),
  /** Kind of cluster; decides which control-plane monitoring can work. */
  clusterPlatform: z.enum(CLUSTER_PLATFORMS),
  namespaces: namespacesSchema.optional(),
  services: z.array(serviceSchema).optional(),
  monitoring: monitoringSchema.optional(),
  alerting: alertingSchema.optional(),
  postgres: postgresSchema.optional(),
  redis: redisSchema.optional(),
  backup: backupSchema.optional(),
  aws: awsSchema.optional(),
  providedSecrets: providedSecretsSchema.optional(),
  /**
   * Multiplies every alerting duration (rule `for:` and range windows, evaluation and scrape
   * intervals, Alertmanager timers) by this factor, so that end-to-end tests can run the
   * rendered files in seconds. 1 in every real stack; below 1 is refused outside dev.
   */
  timeScale: z.number().gt(0).max(1).optional(),
  slackWebhookUrl: secretValue.optional(),
  pagerdutyRoutingKey: secretValue.optional(),
  smtpPassword: secretValue.optional(),
  heartbeatUrl: secretValue.optional(),
  postgresPassword: secretValue.optional(),
  redisPassword: secretValue.optional(),
  /** Password of `postgres.monitoringUser` (a pg_monitor role) for the exporter; external Postgres only. */
  postgresMonitoringPassword: secretValue.optional(),
  /** Password of `postgres.backupUser` (a pg_read_all_data role) for the backup jobs; external Postgres only. */
  postgresBackupPassword: secretValue.optional(),
});

/** The config as written in a stack file, before defaults. */
export type ConfigInput = z.infer<typeof configSchema>;
