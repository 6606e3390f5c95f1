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
