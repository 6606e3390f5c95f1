import { z } from "zod";
import { bytesQuantity, cpuQuantity, dnsLabel, promDuration } from "./common";

/** Cluster platforms; managed ones hide the control plane from Prometheus. */
export const CLUSTER_PLATFORMS = ["eks", "gke", "aks", "kind", "generic"] as const;

const quota = z.strictObject({
  /** Sum of CPU requests allowed in the namespace. */
  cpu: cpuQuantity,
  /** Sum of memory requests allowed in the namespace. */
  memory: bytesQuantity,
  /** Number of pods allowed in the namespace. */
  pods: z.number().int().min(1),
});

/** `app-platform:namespaces` */
export const namespacesSchema = z.strictObject({
  apps: dnsLabel(50).optional(),
  monitoring: dnsLabel(50).optional(),
  backup: dnsLabel(50).optional(),
  /** Namespace of the ingress controller, admitted by service NetworkPolicies. */
  ingressController: dnsLabel(63).optional(),
  /** ResourceQuota of the apps namespace. */
  quota: quota.optional(),
  /** LimitRange defaults for containers that state no resources. */
  containerDefaults: z
    .strictObject({
      cpuRequest: cpuQuantity,
      memoryRequest: bytesQuantity,
      cpuLimit: cpuQuantity,
      memoryLimit: bytesQuantity,
    })
    .optional(),
});

const storage = z.strictObject({
  size: bytesQuantity,
  storageClass: z.string().min(1).optional(),
});

/** `app-platform:monitoring` */
export const monitoringSchema = z.strictObject({
  /** kube-prometheus-stack chart version. */
  chartVersion: z.string().regex(/^\d+\.\d+\.\d+$/, { error: 'must be an exact chart version such as "79.0.1"' }).optional(),
  scrapeInterval: promDuration.optional(),
  evaluationInterval: promDuration.optional(),
  prometheus: z
    .strictObject({
      replicas: z.number().int().min(1).max(10).optional(),
      retention: promDuration.optional(),
      retentionSize: bytesQuantity.optional(),
      storage: storage.optional(),
      remoteWrite: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            url: z.url({ error: "must be an https URL" }),
            /** SigV4 region for Amazon Managed Prometheus. */
            sigv4Region: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  alertmanager: z
    .strictObject({
      replicas: z.number().int().min(1).max(5).optional(),
      storage: storage.optional(),
    })
    .optional(),
  grafana: z
    .strictObject({
      replicas: z.number().int().min(1).max(5).optional(),
      host: z.string().optional(),
    })
    .optional(),
  /** Endpoints probed by the blackbox exporter. */
  probes: z
    .array(
      z.strictObject({
        name: dnsLabel(40),
        url: z.url({ error: "must be an http(s) URL" }),
        module: z.enum(["http_2xx", "http_2xx_tls"]).optional(),
      }),
    )
    .optional(),
});

/** `app-platform:alerting` */
export const alertingSchema = z.strictObject({
  receivers: z
    .strictObject({
      /** Slack channels; the webhook URL is the secret key `slackWebhookUrl`. */
      slack: z
        .strictObject({
          channel: z.string().regex(/^#[\w-]+$/, { error: 'must be a channel name such as "#alerts"' }),
          criticalChannel: z.string().regex(/^#[\w-]+$/, { error: 'must be a channel name such as "#incidents"' }).optional(),
        })
        .optional(),
      /** PagerDuty Events v2; the routing key is the secret key `pagerdutyRoutingKey`. */
      pagerduty: z.strictObject({ severity: z.enum(["critical", "error"]).optional() }).optional(),
      /** Email; the SMTP password is the secret key `smtpPassword`. */
      email: z
        .strictObject({
          to: z.array(z.email()).min(1),
          from: z.email(),
          smarthost: z.string().regex(/^[\w.-]+:\d+$/, { error: 'must be "host:port"' }),
          username: z.string().optional(),
        })
        .optional(),
      /** Plain webhook receiver (dev only): a local endpoint with no credentials. */
      webhook: z.strictObject({ url: z.url() }).optional(),
    })
    .optional(),
  /** Dead-man's-switch heartbeat for Watchdog; its URL is the secret key `heartbeatUrl`. */
  heartbeat: z.strictObject({ repeatInterval: promDuration.optional() }).optional(),
  /** Weekly maintenance window in which non-critical notifications are muted. */
  maintenance: z
    .strictObject({
      weekdays: z.array(z.string().regex(/^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(:(monday|tuesday|wednesday|thursday|friday|saturday|sunday))?$/, { error: 'must be a weekday or a range such as "saturday:sunday"' })).min(1),
      startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be "HH:MM"' }),
      endTime: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, { error: 'must be "HH:MM"' }),
      location: z.string().optional(),
    })
    .optional(),
  /** Overrides of alert thresholds and `for:` durations, by setting name. */
  thresholds: z.record(z.string(), z.union([z.number(), promDuration])).optional(),
});

const endpoint = (defaultPort: number) =>
  z.strictObject({
    /** "in-cluster": a throwaway instance for dev; "external": an endpoint managed elsewhere. */
    mode: z.enum(["in-cluster", "external"]),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional().describe(`@default ${defaultPort}`),
  });

/** `app-platform:postgres` */
export const postgresSchema = endpoint(5432).extend({
  database: z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: "must be a lowercase SQL identifier" }).optional(),
  user: z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: "must be a lowercase SQL identifier" }).optional(),
  sslMode: z.enum(["disable", "require", "verify-ca", "verify-full"]).optional(),
  maxConnections: z.number().int().min(1).optional(),
}).strict();

/** `app-platform:redis` */
export const redisSchema = endpoint(6379).extend({
  tls: z.boolean().optional(),
}).strict();

/** `app-platform:backup` */
export const backupSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** Cron schedule of the backup job (5 fields, UTC). */
  schedule: z.string().optional(),
  /** Days a backup is kept before it expires. */
  retentionDays: z.number().int().min(1).max(3650).optional(),
  /** Days before a backup moves to infrequent-access storage. */
  transitionDays: z.number().int().min(30).optional(),
  /** Object Lock retention (production). */
  objectLock: z
    .strictObject({ mode: z.enum(["GOVERNANCE", "COMPLIANCE"]), days: z.number().int().min(1) })
    .optional(),
  drill: z
    .strictObject({
      schedule: z.string().optional(),
      /** Tables whose row counts must match after a restore. */
      verifyTables: z.array(z.string().regex(/^[a-z_][a-z0-9_.]*$/, { error: "must be a table name" })).optional(),
    })
    .optional(),
});

/** `app-platform:aws` */
export const awsSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as "eu-west-1"' }),
  /** IAM OIDC provider of the EKS cluster, for IRSA roles. */
  oidcProviderArn: z.string().regex(/^arn:aws:iam::\d{12}:oidc-provider\/.+$/, { error: "must be an IAM OIDC provider ARN" }).optional(),
  /** Build service images and push them to ECR. */
  ecr: z.strictObject({ keepImages: z.number().int().min(1).max(1000).optional() }).optional(),
  /** Days Secrets Manager waits before deleting a secret. */
  secretRecoveryDays: z.number().int().min(7).max(30).optional(),
});
