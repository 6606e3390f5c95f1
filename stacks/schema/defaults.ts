import type { Environment } from "./common";

/**
 * Every per-environment choice of the platform, side by side, so that the order of strictness
 * (dev < staging < production) can be read in one place. Nothing else in the code decides a value
 * by comparing an environment's name: `stacks/resolve.ts` fills config defaults from here,
 * `stacks/config-rules.ts` and `stacks/validate/` read the rule flags (`require*`, `allow*`,
 * `min*`), and components receive the values through their args. Alert thresholds are in
 * {@link ALERT_THRESHOLD_DEFAULTS} below. Tests check the strictness order and that every field
 * is read by the program.
 */
export const ENVIRONMENT_DEFAULTS = {
  dev: {
    podSecurity: "baseline",
    quota: { cpu: "4", memory: "8Gi", pods: 40 },
    containerDefaults: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
    serviceResources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    idleReplicas: 0,
    // Laptop clusters: scale back quickly to free the machine.
    scaleDown: { windowSeconds: 60, percentPerMinute: 50 },
    // kube-proxy on a local cluster drops a removed endpoint within a few seconds.
    preStopSeconds: 3,
    canaryDwellSeconds: 30,
    // No users to protect: a canary runs on whatever size the idle colour has.
    prescaleCanary: false,
    // No warm window in dev: the old colour shrinks with the switch's last update.
    scaleDownDelaySeconds: 0,
    // Laptop clusters carry no zone label; a hard constraint on a missing key leaves pods Pending.
    hardSpread: false,
    monitoring: {
      scrapeInterval: "30s",
      evaluationInterval: "30s",
      prometheus: {
        replicas: 1, retention: "2d", retentionSize: "4GB", storage: { size: "5Gi" },
        resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "1Gi" } },
      },
      alertmanager: {
        replicas: 1, storage: { size: "1Gi" },
        resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "128Mi" } },
      },
      grafana: { replicas: 1 },
    },
    // Nobody is on call for dev: a reminder a day is enough.
    notificationTimers: { groupWait: "30s", criticalGroupWait: "10s", groupInterval: "5m", repeatInterval: "24h" },
    postgresMode: "in-cluster",
    redisMode: "in-cluster",
    backup: { schedule: "0 3 * * *", retentionDays: 7, transitionDays: 30, drill: { schedule: "0 5 * * *" }, scratchSize: "5Gi" },
    secretRecoveryDays: 7,
    protectBackupStorage: false,
    preReleaseBackup: false,
    // Rules (stacks/config-rules.ts, stacks/validate/): dev needs no cloud account (`aws` is
    // refused), pager or pinned images, and may use a plain webhook and a time scale for tests.
    minReplicas: 1,
    minIdleReplicas: 0,
    minMonitoringReplicas: 1,
    requireImageTags: false,
    requirePinnedImages: false,
    requireDistinctProbes: false,
    requireIngressTls: false,
    requirePager: false,
    requireSlack: false,
    usesAws: false,
    requireBackups: false,
    requireHttpsRemoteWrite: false,
    refuseRiskyEdits: false,
    allowInClusterDatastores: true,
    allowWebhookReceiver: true,
    allowTimeScale: true,
  },
  staging: {
    podSecurity: "restricted",
    quota: { cpu: "16", memory: "32Gi", pods: 100 },
    containerDefaults: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "1", memoryLimit: "512Mi" },
    serviceResources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    idleReplicas: 0,
    scaleDown: { windowSeconds: 300, percentPerMinute: 50 },
    // Shared environments sit behind cloud load balancers that take longer to deregister.
    preStopSeconds: 10,
    canaryDwellSeconds: 120,
    // Where users are, a canary's colour is raised to serving size before traffic moves.
    prescaleCanary: true,
    scaleDownDelaySeconds: 600,
    hardSpread: false,
    monitoring: {
      scrapeInterval: "30s",
      evaluationInterval: "30s",
      prometheus: {
        replicas: 1, retention: "7d", retentionSize: "40GB", storage: { size: "50Gi" },
        resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "2Gi" } },
      },
      alertmanager: {
        replicas: 2, storage: { size: "2Gi" },
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      },
      grafana: { replicas: 1 },
    },
    notificationTimers: { groupWait: "30s", criticalGroupWait: "10s", groupInterval: "5m", repeatInterval: "12h" },
    postgresMode: "external",
    redisMode: "external",
    backup: { schedule: "0 2 * * *", retentionDays: 45, transitionDays: 30, drill: { schedule: "0 6 * * 1" }, scratchSize: "20Gi" },
    secretRecoveryDays: 7,
    protectBackupStorage: false,
    preReleaseBackup: false,
    // Shared with other teams and reachable from outside: tagged images, TLS, chat alerts, and an
    // AWS account for backups (S3) and credentials (Secrets Manager).
    minReplicas: 1,
    minIdleReplicas: 0,
    minMonitoringReplicas: 1,
    requireImageTags: true,
    requirePinnedImages: false,
    requireDistinctProbes: true,
    requireIngressTls: true,
    requirePager: false,
    requireSlack: true,
    usesAws: true,
    requireBackups: false,
    requireHttpsRemoteWrite: true,
    refuseRiskyEdits: false,
    allowInClusterDatastores: true,
    allowWebhookReceiver: false,
    allowTimeScale: false,
  },
  production: {
    podSecurity: "restricted",
    quota: { cpu: "64", memory: "128Gi", pods: 300 },
    containerDefaults: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "2", memoryLimit: "1Gi" },
    serviceResources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
    idleReplicas: null, // production keeps the idle colour warm: it defaults to replicas.min
    // Real traffic: scale down slowly and in small steps, so a lull does not leave it short.
    scaleDown: { windowSeconds: 600, percentPerMinute: 10 },
    preStopSeconds: 10,
    canaryDwellSeconds: 300,
    prescaleCanary: true,
    // The old colour's warm window after a switch: the stricter, the longer a rollback stays one update.
    scaleDownDelaySeconds: 1800,
    // Production clusters span zones and nodes: never stack every replica in one.
    hardSpread: true,
    monitoring: {
      scrapeInterval: "15s",
      evaluationInterval: "15s",
      prometheus: {
        // 80GB (2^30 bytes each) is 80% of the 100Gi volume: the WAL and compaction need the rest.
        replicas: 2, retention: "15d", retentionSize: "80GB", storage: { size: "100Gi" },
        resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4Gi" } },
      },
      alertmanager: {
        replicas: 3, storage: { size: "5Gi" },
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      },
      // One replica: each would keep its own SQLite database (no shared database is configured).
      grafana: { replicas: 1 },
    },
    // An open incident is re-sent every 4 hours until it resolves.
    notificationTimers: { groupWait: "30s", criticalGroupWait: "10s", groupInterval: "5m", repeatInterval: "4h" },
    postgresMode: "external",
    redisMode: "external",
    backup: { schedule: "0 1 * * *", retentionDays: 90, transitionDays: 30, drill: { schedule: "0 4 * * *" }, scratchSize: "50Gi" },
    // A deleted production credential can be recovered for a month.
    secretRecoveryDays: 30,
    // The backup bucket and its key cannot be deleted by a `pulumi destroy`.
    protectBackupStorage: true,
    preReleaseBackup: true,
    // Users depend on it: HA, paged, pinned, backed up and guarded against risky edits.
    minReplicas: 2,
    minIdleReplicas: 2,
    minMonitoringReplicas: 2,
    requireImageTags: true,
    requirePinnedImages: true,
    requireDistinctProbes: true,
    requireIngressTls: true,
    requirePager: true,
    requireSlack: true,
    usesAws: true,
    requireBackups: true,
    requireHttpsRemoteWrite: true,
    refuseRiskyEdits: true,
    allowInClusterDatastores: false,
    allowWebhookReceiver: false,
    allowTimeScale: false,
  },
} as const satisfies Record<Environment, unknown>;

/** The defaults of one environment. */
export type EnvironmentDefaults = (typeof ENVIRONMENT_DEFAULTS)[Environment];

/**
 * Alert thresholds and `for:` durations per environment (names and meaning in
 * `ALERT_THRESHOLDS`, stacks/schema/alerting.ts). Ratios follow the seeds' operators (error
 * ratio warning above 2 %, critical above 5 % for 10 minutes; p95 above 2 s for 5 minutes;
 * memory 85 % / 90 %; CPU 80 %); production waits less before it pages, dev waits longest.
 */
export const ALERT_THRESHOLD_DEFAULTS = (() => {
  const shared = {
    errorRatioWarning: 0.02,
    errorRatioCritical: 0.05,
    errorRatioFor: "10m",
    latencyP95Seconds: 2,
    latencyFor: "5m",
    sloMinFailures: 3,
    sloPageFastFor: "2m",
    sloPageSlowFor: "15m",
    // The long windows already smooth the ticket tiers; `for:` only debounces them.
    sloTicketFastFor: "30m",
    sloTicketSlowFor: "1h",
    sloBudgetRemainingLow: 0.25,
    sloBudgetLowFor: "1h",
    bothColorsFor: "10m",
    previewErrorRatio: 0.05,
    hpaUnableFor: "10m",
    pdbBlockingFor: "1h",
    replicasMismatchFor: "15m",
    nodeCpuWarning: 0.8,
    nodeCpuFor: "15m",
    nodeMemoryWarning: 0.85,
    nodeMemoryCritical: 0.9,
    nodeMemoryFor: "15m",
    nodeDiskPredictWindow: "24h",
    nodeDiskFillingFor: "1h",
    nodeDiskFreeCritical: 0.05,
    nodeDiskFullFor: "15m",
    postgresConnectionsWarning: 0.8,
    postgresConnectionsCritical: 0.95,
    postgresFor: "5m",
    redisMemoryWarning: 0.9,
    redisFor: "5m",
    probeSlowSeconds: 2,
    probeSlowFor: "5m",
    tlsExpiryWarning: "14d",
    tlsExpiryCritical: "3d",
    backupGrace: "2h",
    backupFor: "5m",
    targetDownRatio: 0.1,
  } as const;
  return {
    dev: {
      ...shared,
      serviceDownFor: "5m", noTrafficFor: "1h", previewFor: "10m", crashLoopFor: "15m", podNotReadyFor: "15m", hpaMaxFor: "1h",
      nodeNotReadyFor: "15m", postgresDownFor: "5m", postgresReplicationLagSeconds: 300, postgresLongTransactionSeconds: 900,
      redisDownFor: "5m", probeDownFor: "5m", targetDownFor: "10m", monitoringFor: "15m",
    },
    staging: {
      ...shared,
      serviceDownFor: "3m", noTrafficFor: "30m", previewFor: "5m", crashLoopFor: "15m", podNotReadyFor: "15m", hpaMaxFor: "1h",
      nodeNotReadyFor: "10m", postgresDownFor: "2m", postgresReplicationLagSeconds: 60, postgresLongTransactionSeconds: 600,
      redisDownFor: "2m", probeDownFor: "3m", targetDownFor: "10m", monitoringFor: "15m",
    },
    production: {
      ...shared,
      serviceDownFor: "2m", noTrafficFor: "15m", previewFor: "5m", crashLoopFor: "10m", podNotReadyFor: "10m", hpaMaxFor: "30m",
      nodeNotReadyFor: "5m", postgresDownFor: "1m", postgresReplicationLagSeconds: 30, postgresLongTransactionSeconds: 300,
      redisDownFor: "1m", probeDownFor: "2m", targetDownFor: "5m", monitoringFor: "10m",
    },
  } as const;
})();
