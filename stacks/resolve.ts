import { SECRET_KEYS, type ConfigInput, type SecretKey } from "./schema/stack-config";
import type { Environment } from "./schema/common";
import { ENVIRONMENT_DEFAULTS, type EnvironmentDefaults } from "./schema/defaults";
import { DEFAULT_RUNBOOK_BASE_URL, resolveThresholds } from "./schema/alerting";
import type { ServiceConfigInput } from "./schema/services";
import { resolveDelivery } from "./schema/delivery";
import type { ResolvedProbe, ScalingRules, ServiceConfig } from "../components/app/service-spec";
import { DEFAULT_HISTOGRAM_BUCKETS } from "../components/app/service-spec";
import type { AwsSpec, BackupSpec } from "../components/backup/backup-spec";
import type { PostgresSpec, RedisSpec } from "../components/datastores/datastore-spec";
import type { NamespacesSpec } from "../components/foundation/namespaces-spec";
import type { AlertingSpec, MonitoringSpec } from "../components/monitoring/monitoring-spec";
import type { ClusterPlatform } from "../lib/environment";


export type { ResolvedProbe, ScalingRules, ServiceConfig } from "../components/app/service-spec";

/** The whole platform config of one stack, every default applied: the sections each component takes. */
export interface PlatformConfig {
  readonly environment: Environment;
  readonly clusterPlatform: ClusterPlatform;
  readonly namespaces: NamespacesSpec;
  readonly services: readonly ServiceConfig[];
  readonly monitoring: MonitoringSpec;
  readonly alerting: AlertingSpec;
  readonly postgres: PostgresSpec;
  readonly redis: RedisSpec;
  readonly backup: BackupSpec;
  readonly aws?: AwsSpec;
  /** Secrets in the apps namespace created outside the program, which services may reference. */
  readonly providedSecrets: readonly { readonly name: string; readonly keys: readonly string[]; readonly description: string }[];
  /** Factor applied to alerting durations for end-to-end tests; 1 in real stacks. */
  readonly timeScale: number;
  /** Which credential keys the stack sets (their values are read as Pulumi secrets, never here). */
  readonly secretsPresent: ReadonlySet<SecretKey>;
}

/**
 * kube-prometheus-stack chart version used unless a stack pins another (a published release of
 * prometheus-community/helm-charts, tag kube-prometheus-stack-79.7.1).
 */
export const DEFAULT_CHART_VERSION = "79.7.1";

/** HPA behaviour defaults: scale up fast, scale down as slowly as the environment's table says. */
export function defaultScaling(environment: Environment): { scaleUp: ScalingRules; scaleDown: ScalingRules } {
  return {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Percent", value: 100, periodSeconds: 30 },
        { type: "Pods", value: 4, periodSeconds: 30 },
      ],
    },
    scaleDown: {
      stabilizationWindowSeconds: ENVIRONMENT_DEFAULTS[environment].scaleDown.windowSeconds,
      selectPolicy: "Min",
      policies: [{ type: "Percent", value: ENVIRONMENT_DEFAULTS[environment].scaleDown.percentPerMinute, periodSeconds: 60 }],
    },
  };
}

/** Applies service defaults of the environment to one service. */
export function resolveService(s: ServiceConfigInput, env: Environment, d: EnvironmentDefaults): ServiceConfig {
  const scaling = defaultScaling(env);
  const preStopSeconds = s.shutdown?.preStopSeconds ?? d.preStopSeconds;
  const probe = (p: { path: string; port?: number; periodSeconds?: number; failureThreshold?: number } | undefined, fallbackPath: string, period: number, failures: number): ResolvedProbe => ({
    path: p?.path ?? fallbackPath,
    port: p?.port ?? s.port,
    periodSeconds: p?.periodSeconds ?? period,
    failureThreshold: p?.failureThreshold ?? failures,
  });
  return {
    name: s.name,
    activeColor: s.activeColor,
    image: s.image,
    build: s.build && { ...s.build, dockerfile: s.build.dockerfile ?? "Dockerfile" },
    port: s.port,
    metricsPort: s.metricsPort ?? s.port,
    metricsPath: s.metricsPath ?? "/metrics",
    replicas: s.replicas,
    idleReplicas: s.idleReplicas ?? d.idleReplicas ?? s.replicas.min,
    resources: s.resources ?? d.serviceResources,
    zoneSpread: d.hardSpread ? "DoNotSchedule" : "ScheduleAnyway",
    autoscaling: {
      cpuUtilization: s.autoscaling?.cpuUtilization ?? 70,
      memoryUtilization: s.autoscaling?.memoryUtilization,
      metric: s.autoscaling?.metric,
      scaleUp: s.autoscaling?.scaleUp ?? scaling.scaleUp,
      scaleDown: s.autoscaling?.scaleDown ?? scaling.scaleDown,
    },
    probes: {
      // Startup tolerates a slow first start (30 x 2 s) so that liveness can stay strict.
      startup: probe(s.probes?.startup ?? s.probes?.liveness, "/healthz", 2, 30),
      readiness: probe(s.probes?.readiness, "/readyz", 5, 3),
      liveness: probe(s.probes?.liveness, "/healthz", 10, 3),
    },
    histogramBuckets: s.histogramBuckets ?? DEFAULT_HISTOGRAM_BUCKETS,
    slo: {
      availability: s.slo?.availability ?? 0.999,
      latency: s.slo?.latency ?? { thresholdSeconds: 0.5, objective: 0.99 },
    },
    ingress: s.ingress,
    settings: s.settings ?? {},
    secretSettings: s.secretSettings ?? {},
    egress: s.egress ?? [],
    promotion: {
      // Off everywhere: the idle colour is held only by a release (see strategy.scaleDownDelaySeconds).
      prescale: s.promotion?.prescale ?? false,
      prescaleReplicas: s.promotion?.prescaleReplicas ?? s.replicas.min,
      warmUntil: s.promotion?.warmUntil,
      canaryWeight: s.promotion?.canaryWeight ?? 0,
      migrate: s.promotion?.migrate ?? false,
    },
    ...resolveDelivery(s, d),
    shutdown: {
      preStopSeconds,
      // The pause plus time for in-flight requests to finish after SIGTERM.
      terminationGracePeriodSeconds: s.shutdown?.terminationGracePeriodSeconds ?? preStopSeconds + 30,
    },
    // Above the range images' own system users take, and stable so that volume ownership is.
    runAsUser: s.runAsUser ?? 10001,
    automountServiceAccountToken: s.automountServiceAccountToken ?? false,
  };
}

/** Fills every default of the stack's environment into validated stack config. */
export function resolvePlatform(c: ConfigInput, d: EnvironmentDefaults): PlatformConfig {
  const env = c.environment;
  const ns = c.namespaces ?? {};
  const mon = c.monitoring ?? {};
  const backup = c.backup ?? {};
  const apps = ns.apps ?? "apps";
  const pgMode = c.postgres?.mode ?? d.postgresMode;
  const redisMode = c.redis?.mode ?? d.redisMode;
  const secretsPresent = new Set<SecretKey>();
  for (const k of SECRET_KEYS) {
    if (c[k] !== undefined) secretsPresent.add(k);
  }
  return {
    environment: env,
    clusterPlatform: c.clusterPlatform,
    namespaces: {
      apps,
      monitoring: ns.monitoring ?? "monitoring",
      backup: ns.backup ?? "backup",
      hostAgents: ns.hostAgents ?? "host-agents",
      ingressController: ns.ingressController ?? "ingress-nginx",
      podSecurity: d.podSecurity,
      quota: ns.quota ?? d.quota,
      containerDefaults: ns.containerDefaults ?? d.containerDefaults,
    },
    services: (c.services ?? []).map((s) => resolveService(s, env, d)),
    monitoring: {
      chartVersion: mon.chartVersion ?? DEFAULT_CHART_VERSION,
      scrapeInterval: mon.scrapeInterval ?? d.scrapeInterval,
      evaluationInterval: mon.evaluationInterval ?? d.evaluationInterval,
      prometheus: {
        replicas: mon.prometheus?.replicas ?? d.prometheus.replicas,
        retention: mon.prometheus?.retention ?? d.prometheus.retention,
        retentionSize: mon.prometheus?.retentionSize ?? d.prometheus.retentionSize,
        storage: mon.prometheus?.storage ?? { size: d.prometheus.storageSize },
        remoteWrite: mon.prometheus?.remoteWrite ?? [],
        resources: d.prometheus.resources,
      },
      alertmanager: {
        replicas: mon.alertmanager?.replicas ?? d.alertmanager.replicas,
        storage: mon.alertmanager?.storage ?? { size: d.alertmanager.storageSize },
        resources: d.alertmanager.resources,
      },
      antiAffinity: d.hardSpread ? "hard" : "soft",
      grafana: { replicas: mon.grafana?.replicas ?? d.grafana.replicas, host: mon.grafana?.host },
      probes: (mon.probes ?? []).map((p) => ({ name: p.name, url: p.url, module: p.module ?? "http_2xx" })),
    },
    alerting: {
      receivers: c.alerting?.receivers ?? {},
      heartbeat: c.alerting?.heartbeat || c.heartbeatUrl !== undefined
        ? { repeatInterval: c.alerting?.heartbeat?.repeatInterval ?? "1m" }
        : undefined,
      maintenance: c.alerting?.maintenance,
      thresholds: resolveThresholds(env, c.alerting?.thresholds),
      runbookBaseUrl: (c.alerting?.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL).replace(/\/+$/, ""),
      timers: d.notificationTimers,
    },
    postgres: {
      mode: pgMode,
      host: c.postgres?.host ?? `postgres.${apps}.svc.cluster.local`,
      port: c.postgres?.port ?? 5432,
      database: c.postgres?.database ?? "app",
      user: c.postgres?.user ?? "app",
      monitoringUser: c.postgres?.monitoringUser ?? "app_monitoring",
      backupUser: c.postgres?.backupUser ?? "app_backup",
      sslMode: c.postgres?.sslMode ?? (pgMode === "in-cluster" ? "disable" : "verify-full"),
      caBundle: c.postgres?.caBundle,
      maxConnections: c.postgres?.maxConnections ?? 100,
      rotation: c.postgres?.rotation ?? "initial",
      storageSize: c.postgres?.storageSize ?? "2Gi",
    },
    redis: {
      mode: redisMode,
      host: c.redis?.host ?? `redis.${apps}.svc.cluster.local`,
      port: c.redis?.port ?? 6379,
      tls: c.redis?.tls ?? redisMode === "external",
      rotation: c.redis?.rotation ?? "initial",
      storageSize: c.redis?.storageSize ?? "1Gi",
    },
    backup: {
      enabled: backup.enabled ?? true,
      schedule: backup.schedule ?? d.backup.schedule,
      retentionDays: backup.retentionDays ?? d.backup.retentionDays,
      transitionDays: backup.transitionDays ?? d.backup.transitionDays,
      objectLock: backup.objectLock,
      drill: {
        schedule: backup.drill?.schedule ?? d.backup.drillSchedule,
        verifyTables: backup.drill?.verifyTables ?? [],
      },
      image: backup.image,
      compressLevel: backup.compressLevel ?? 3,
      scratchSize: backup.scratchSize ?? d.backup.scratchSize,
      timeoutMinutes: backup.timeoutMinutes ?? 120,
      resources: backup.resources ?? { cpu: "250m", memory: "256Mi", memoryLimit: "1Gi" },
      rotation: backup.rotation ?? "initial",
      protectStorage: d.protectBackupStorage,
    },
    aws: c.aws && {
      region: c.aws.region,
      oidcProviderArn: c.aws.oidcProviderArn,
      ecr: { keepImages: c.aws.ecr?.keepImages ?? 20 },
      secretRecoveryDays: c.aws.secretRecoveryDays ?? d.secretRecoveryDays,
    },
    providedSecrets: c.providedSecrets ?? [],
    timeScale: c.timeScale ?? 1,
    secretsPresent,
  };
}
