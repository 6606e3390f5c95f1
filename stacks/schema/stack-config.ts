import { z } from "zod";
import { CLUSTER_PLATFORMS, ENVIRONMENTS } from "../../lib/environment";
import { alertingSchema } from "./alerting";
import { awsSchema } from "./aws";
import { backupSchema } from "./backup";
import { postgresSchema, redisSchema } from "./datastores";
import { monitoringSchema } from "./monitoring";
import { imagesSchema } from "./images";
import { namespacesSchema } from "./namespaces";
import { providedSecretsSchema } from "./secrets";
import { serviceSchema } from "./services";
import "./meta";

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

/** A credential key: documented once, with the command that sets it. */
const credential = (key: SecretKey, what: string, unset: string) =>
  secretValue.optional().meta({
    description: `${what} A credential: set it with \`pulumi config set --secret ${key} <value>\`; a plaintext value in the stack file is refused, and the value never appears in rendered output or logs.`,
    defaultText: unset,
  });

/** Schema of the whole `app-platform:` config namespace of a stack. */
export const configSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS).meta({
    description:
      "Which environment this stack is. It selects every per-environment default in this reference and how strict the checks are: production refuses what dev and staging accept (unpinned images, in-cluster datastores, backups without Object Lock, a single Prometheus).",
    examples: ["dev", "production"],
  }),
  clusterPlatform: z.enum(CLUSTER_PLATFORMS).meta({
    description:
      "Kind of cluster the stack deploys to. Managed platforms (eks, gke, aks) hide the control plane, so the scrape jobs and alerts for the API server, scheduler, controller manager and etcd are left out there; on eks a StorageClass must be named for every volume (recent EKS clusters have no default one).",
    examples: ["kind", "eks"],
  }),
  namespaces: namespacesSchema.optional().meta({
    description: "Names of the namespaces the platform creates, and the quota and container defaults of the apps namespace.",
  }),
  services: z.array(serviceSchema).optional().meta({
    description: "The application services: each runs as a blue and a green Deployment with autoscaling, probes, SLO alerts and, optionally, an Ingress and canary releases.",
  }),
  monitoring: monitoringSchema.optional().meta({
    description: "The kube-prometheus-stack deployment: Prometheus, Alertmanager and Grafana sizes, storage and retention, remote write, and blackbox probes.",
  }),
  alerting: alertingSchema.optional().meta({
    description: "Where alerts go (receivers), the heartbeat, a weekly maintenance window, alert thresholds and the runbook location.",
  }),
  postgres: postgresSchema.optional().meta({
    description: "The Postgres database the services use: a throwaway in-cluster instance (dev) or an external endpoint (staging, production), and the roles of its consumers.",
  }),
  redis: redisSchema.optional().meta({
    description: "The Redis instance the services use: in-cluster (dev) or an external endpoint (staging, production).",
  }),
  backup: backupSchema.optional().meta({
    description: "Scheduled Postgres backups to object storage (an in-cluster S3-compatible store in dev, S3 elsewhere) and the restore drill that proves them.",
  }),
  aws: awsSchema.optional().meta({
    description: "The AWS account the shared environments use: S3 for backups, KMS, Secrets Manager, ECR and IAM roles for service accounts. Required in staging and production; refused in dev, which needs no cloud account.",
    defaultText: "none (required in staging and production)",
  }),
  images: imagesSchema.optional().meta({
    description:
      "The third-party images the platform runs: the monitoring chart's and the exporters'. Set one to pin it by digest or to run a mirror of it from your own registry; production refuses any of them without a digest (`platform pin-images production` writes the digests).",
  }),
  providedSecrets: providedSecretsSchema.optional().meta({
    defaultText: "none: services may reference only the Secrets the program creates",
  }),
  timeScale: z.number().gt(0).max(1).optional().meta({
    description:
      "Multiplies every alerting duration (rule `for:` and range windows, evaluation and scrape intervals, Alertmanager timers) by this factor, so that end-to-end tests can run the rendered files in seconds. Leave it unset in real stacks; below 1 is refused outside dev.",
    examples: [0.01],
  }),
  slackWebhookUrl: credential("slackWebhookUrl", "Incoming-webhook URL of the Slack app that posts alerts to `alerting.receivers.slack.channel`.", "none; required when alerting.receivers.slack is set"),
  pagerdutyRoutingKey: credential("pagerdutyRoutingKey", "Routing (integration) key of the PagerDuty Events API v2 service that critical alerts page.", "none; required when alerting.receivers.pagerduty is set"),
  smtpPassword: credential("smtpPassword", "Password of `alerting.receivers.email.username` at the SMTP smarthost.", "none; required when alerting.receivers.email.username is set"),
  heartbeatUrl: credential("heartbeatUrl", "URL of the dead-man's-switch service (e.g. healthchecks.io) that the always-firing Watchdog alert calls; the service raises its own alarm when the calls stop.", "none; required when alerting.heartbeat is set"),
  postgresPassword: credential("postgresPassword", "Password of `postgres.user` at the external Postgres (in-cluster mode generates its own).", "none; required when postgres.mode is external"),
  redisPassword: credential("redisPassword", "Password of the external Redis (in-cluster mode generates its own).", "none; required when redis.mode is external"),
  postgresMonitoringPassword: credential("postgresMonitoringPassword", "Password of `postgres.monitoringUser` (a pg_monitor role) that the Postgres exporter logs in with; external Postgres only.", "none; required when postgres.mode is external"),
  postgresBackupPassword: credential("postgresBackupPassword", "Password of `postgres.backupUser` (a pg_read_all_data role) that the backup jobs log in with; external Postgres only.", "none; required when postgres.mode is external"),
});

/** The config as written in a stack file, before defaults. */
export type ConfigInput = z.infer<typeof configSchema>;
