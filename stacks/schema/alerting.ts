import { z } from "zod";
import { promDuration, type Environment } from "./common";
import { ALERT_THRESHOLD_DEFAULTS } from "./defaults";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

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
      weekdays: z
        .array(
          z
            .string()
            .regex(/^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(:(monday|tuesday|wednesday|thursday|friday|saturday|sunday))?$/, { error: 'must be a weekday or a range such as "monday:friday"' })
            // Alertmanager counts weeks from Sunday and refuses a range that wraps around it.
            .refine((d) => !d.includes(":") || WEEKDAYS.indexOf(d.split(":")[0]) <= WEEKDAYS.indexOf(d.split(":")[1]), {
              error: 'must not wrap around Sunday (Alertmanager weeks start on Sunday): list ["saturday", "sunday"] instead of "saturday:sunday"',
            }),
        )
        .min(1),
      startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be "HH:MM"' }),
      endTime: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, { error: 'must be "HH:MM"' }),
      location: z.string().optional(),
    })
    .optional(),
  /** Overrides of alert thresholds and `for:` durations, by name (see {@link ALERT_THRESHOLDS}). */
  thresholds: z.record(z.string(), z.union([z.number(), promDuration])).optional(),
  /** Where runbooks live; every alert's `runbook_url` is `<runbookBaseUrl>/<AlertName>.md`. */
  runbookBaseUrl: z.url().optional(),
});

/** What kind of value an alert threshold holds, which decides how it is validated. */
export type ThresholdKind = "ratio" | "seconds" | "count" | "duration";

/** One tunable of the alert catalogue. */
export interface ThresholdSpec {
  readonly kind: ThresholdKind;
  /** What it sets, for messages and documentation. */
  readonly description: string;
}

/**
 * Every alert threshold and `for:` duration that stack config may override under
 * `app-platform:alerting.thresholds`. Ratios are fractions (0.05 = 5%); durations use
 * Prometheus notation and are multiplied by `timeScale` like every other rule duration.
 */
export const ALERT_THRESHOLDS = {
  serviceDownFor: { kind: "duration", description: "how long no active pod of a service may be up before ServiceDown" },
  errorRatioWarning: { kind: "ratio", description: "5xx ratio of a service that raises ServiceElevatedErrorRatio" },
  errorRatioCritical: { kind: "ratio", description: "5xx ratio of a service that raises ServiceHighErrorRatio" },
  errorRatioFor: { kind: "duration", description: "how long the 5xx ratio must stay above its threshold" },
  latencyP95Seconds: { kind: "seconds", description: "p95 latency of a service that raises ServiceHighLatency" },
  latencyFor: { kind: "duration", description: "how long p95 latency must stay above its threshold" },
  noTrafficFor: { kind: "duration", description: "how long an active service may receive no request before ServiceNoTraffic" },
  sloMinFailures: { kind: "count", description: "minimum-traffic guard: a burn-rate alert needs a window with enough requests that this many failures are needed to reach the burn rate" },
  sloPageFastFor: { kind: "duration", description: "`for:` of the 1h/5m (14.4x) burn-rate page" },
  sloPageSlowFor: { kind: "duration", description: "`for:` of the 6h/30m (6x) burn-rate page" },
  sloTicketFastFor: { kind: "duration", description: "`for:` of the 1d/2h (3x) burn-rate ticket" },
  sloTicketSlowFor: { kind: "duration", description: "`for:` of the 3d/6h (1x) burn-rate ticket" },
  sloBudgetRemainingLow: { kind: "ratio", description: "remaining 30-day error budget below which SLOErrorBudgetLow informs" },
  sloBudgetLowFor: { kind: "duration", description: "`for:` of SLOErrorBudgetLow" },
  bothColorsFor: { kind: "duration", description: "how long both colours may serve production traffic after a switch" },
  previewErrorRatio: { kind: "ratio", description: "5xx ratio of the preview colour that raises PreviewColorFailing" },
  previewFor: { kind: "duration", description: "how long the preview colour may fail before PreviewColorFailing" },
  crashLoopFor: { kind: "duration", description: "how long a container may sit in CrashLoopBackOff" },
  podNotReadyFor: { kind: "duration", description: "how long a pod may stay not ready" },
  hpaMaxFor: { kind: "duration", description: "how long an HPA may run at its maximum before HPAAtMaxForLong" },
  hpaUnableFor: { kind: "duration", description: "how long an HPA may be unable to scale or read its metrics" },
  pdbBlockingFor: { kind: "duration", description: "how long a PodDisruptionBudget may allow no disruption" },
  replicasMismatchFor: { kind: "duration", description: "how long a Deployment may have fewer available replicas than desired" },
  nodeCpuWarning: { kind: "ratio", description: "node CPU utilisation that raises NodeHighCPU" },
  nodeCpuFor: { kind: "duration", description: "how long node CPU must stay high" },
  nodeMemoryWarning: { kind: "ratio", description: "node memory utilisation that raises NodeHighMemory" },
  nodeMemoryCritical: { kind: "ratio", description: "node memory utilisation that raises NodeMemoryCritical" },
  nodeMemoryFor: { kind: "duration", description: "how long node memory must stay high" },
  nodeDiskPredictWindow: { kind: "duration", description: "how far ahead NodeDiskFillingUp predicts a full filesystem" },
  nodeDiskFillingFor: { kind: "duration", description: "how long the prediction must hold" },
  nodeDiskFreeCritical: { kind: "ratio", description: "free fraction of a filesystem below which NodeDiskAlmostFull fires" },
  nodeDiskFullFor: { kind: "duration", description: "`for:` of NodeDiskAlmostFull" },
  nodeNotReadyFor: { kind: "duration", description: "how long a node may be not Ready" },
  postgresDownFor: { kind: "duration", description: "how long Postgres may be unreachable by its exporter" },
  postgresConnectionsWarning: { kind: "ratio", description: "used fraction of max_connections that raises PostgresConnectionsHigh" },
  postgresConnectionsCritical: { kind: "ratio", description: "used fraction of max_connections that raises PostgresConnectionsExhausted" },
  postgresReplicationLagSeconds: { kind: "seconds", description: "replica lag that raises PostgresReplicationLag" },
  postgresLongTransactionSeconds: { kind: "seconds", description: "age of the oldest transaction that raises PostgresLongTransaction" },
  postgresFor: { kind: "duration", description: "`for:` of the Postgres connection, lag and transaction alerts" },
  redisDownFor: { kind: "duration", description: "how long Redis may be unreachable by its exporter" },
  redisMemoryWarning: { kind: "ratio", description: "used fraction of maxmemory that raises RedisMemoryNearMax" },
  redisFor: { kind: "duration", description: "`for:` of the Redis memory, rejection and eviction alerts" },
  probeDownFor: { kind: "duration", description: "how long a probed endpoint may fail" },
  probeSlowSeconds: { kind: "seconds", description: "probe duration that raises EndpointSlow" },
  probeSlowFor: { kind: "duration", description: "how long probes must stay slow" },
  tlsExpiryWarning: { kind: "duration", description: "certificate lifetime left that raises TLSCertificateExpiringSoon" },
  tlsExpiryCritical: { kind: "duration", description: "certificate lifetime left that raises TLSCertificateExpiryImminent" },
  backupGrace: { kind: "duration", description: "age allowed beyond the backup schedule's period before BackupStale" },
  backupFor: { kind: "duration", description: "`for:` of the backup job alerts" },
  targetDownRatio: { kind: "ratio", description: "fraction of a job's targets down that raises ScrapeTargetsDown" },
  targetDownFor: { kind: "duration", description: "how long targets may be down" },
  monitoringFor: { kind: "duration", description: "`for:` of rule evaluation and notification failures" },
} as const satisfies Record<string, ThresholdSpec>;

/** Name of one alert threshold. */
export type ThresholdName = keyof typeof ALERT_THRESHOLDS;

/** Every threshold with its value: numbers for ratios, seconds and counts; durations as "5m". */
export type AlertThresholds = { readonly [K in ThresholdName]: (typeof ALERT_THRESHOLDS)[K]["kind"] extends "duration" ? string : number };

/** Where runbooks live unless `alerting.runbookBaseUrl` says otherwise (this repository's docs). */
export const DEFAULT_RUNBOOK_BASE_URL = "https://github.com/app-platform/app-platform/blob/main/docs/runbooks";

/**
 * The thresholds of an environment with the stack's overrides applied. Unknown names and values
 * of the wrong kind are reported by `checkAlertThresholds`, before this result is used.
 */
export function resolveThresholds(environment: Environment, overrides: Readonly<Record<string, number | string>> = {}): AlertThresholds {
  const defaults: Record<Environment, AlertThresholds> = ALERT_THRESHOLD_DEFAULTS;
  const out: Record<string, number | string> = { ...defaults[environment] };
  for (const [k, v] of Object.entries(overrides)) if (k in ALERT_THRESHOLDS) out[k] = v;
  return out as AlertThresholds;
}

/** One problem with `alerting.thresholds`: the key, the value and the rule it breaks with the fix. */
export interface ThresholdProblem {
  readonly key: string;
  readonly value: unknown;
  readonly rule: string;
}

/**
 * Checks threshold overrides: known names (with a did-you-mean for misspellings), the kind of
 * value each name takes, and ranges (ratios in (0, 1], seconds > 0, counts whole and >= 1).
 */
export function checkAlertThresholds(
  overrides: Readonly<Record<string, number | string>>,
  suggest: (key: string, known: readonly string[]) => string | undefined,
): ThresholdProblem[] {
  const out: ThresholdProblem[] = [];
  const known = Object.keys(ALERT_THRESHOLDS);
  for (const [key, value] of Object.entries(overrides)) {
    const spec = (ALERT_THRESHOLDS as Record<string, ThresholdSpec>)[key];
    if (!spec) {
      const guess = suggest(key, known);
      out.push({ key, value, rule: guess ? `is not a known alert threshold: did you mean "${guess}"? Rename it` : `is not a known alert threshold; known names: ${known.join(", ")}` });
      continue;
    }
    if (spec.kind === "duration") {
      if (typeof value !== "string") out.push({ key, value, rule: `must be a duration such as "5m" (${spec.description})` });
      continue;
    }
    if (typeof value !== "number") {
      out.push({ key, value, rule: `must be a number, not a duration (${spec.description})` });
    } else if (spec.kind === "ratio" && !(value > 0 && value <= 1)) {
      out.push({ key, value, rule: `must be a fraction in (0, 1], e.g. 0.05 for 5% (${spec.description})` });
    } else if (spec.kind === "seconds" && !(value > 0)) {
      out.push({ key, value, rule: `must be a number of seconds > 0 (${spec.description})` });
    } else if (spec.kind === "count" && !(Number.isInteger(value) && value >= 1)) {
      out.push({ key, value, rule: `must be a whole number >= 1 (${spec.description})` });
    }
  }
  return out;
}
