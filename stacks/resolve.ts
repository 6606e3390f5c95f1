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
import { CHART_IMAGES, DEFAULT_CHART_VERSION, type ChartImages } from "../components/monitoring/chart-images";
import { EXPORTER_IMAGES, type ExporterKind } from "../components/exporters/workloads";
import { EXPORTER_IMAGE_KEYS } from "./schema/images";


export type { ResolvedProbe, ScalingRules, ServiceConfig } from "../components/app/service-spec";

/**
 * The whole platform config of one stack, every default applied: the sections each component
 * takes. Derived from {@link resolvePlatform}, whose sections are typed by the components' specs.
 */
export type PlatformConfig = ReturnType<typeof resolvePlatform>;

/** `D` with the keys of `I` laid over it: a key `I` may leave out keeps `D`'s type beside its own. */
export type WithDefaults<D, I> = {
  readonly [K in keyof D | keyof I]-?: K extends keyof I ? (K extends keyof D ? Exclude<I[K], undefined> | D[K] : I[K]) : K extends keyof D ? D[K] : never;
};

/**
 * The stack's values over the defaults, key by key: a key the stack leaves out keeps its default
 * (shallow: a nested object the stack sets replaces the default's whole, as the schema documents).
 * Adding a key that has a default then takes its schema entry and its default, not a line here.
 */
export function withDefaults<D extends object, I extends object>(defaults: D, input: I | undefined): WithDefaults<D, I> {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(input ?? {})) if (v !== undefined) out[k] = v;
  return out as WithDefaults<D, I>;
}

export { DEFAULT_CHART_VERSION };

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
    // dockerfile stays unset unless given: ServiceImage, which builds it, applies "Dockerfile".
    build: s.build,
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

/** A section of the resolved config, checked against (and typed as) the spec of the component that takes it. */
function section<T>(value: T): T {
  return value;
}

/** The third-party images the platform runs: the chart's, by role, and the exporters'. */
export interface PlatformImages {
  /** The chart version's images ({@link CHART_IMAGES}) with the stack's `images` over them; empty roles run the chart's defaults. */
  readonly chart: ChartImages;
  readonly exporters: Readonly<Record<ExporterKind, string>>;
}

/** The chart version's known images and the exporters' defaults, each replaced where the stack's `images` sets it. */
export function resolveImages(set: NonNullable<ConfigInput["images"]>, chartVersion: string): PlatformImages {
  const chart: Record<string, string> = { ...CHART_IMAGES[chartVersion] };
  const exporters: Record<ExporterKind, string> = { ...EXPORTER_IMAGES };
  for (const [key, ref] of Object.entries(set)) {
    if (ref === undefined) continue;
    if (key in EXPORTER_IMAGE_KEYS) exporters[EXPORTER_IMAGE_KEYS[key as keyof typeof EXPORTER_IMAGE_KEYS]] = ref;
    else chart[key] = ref;
  }
  return { chart, exporters };
}

/** Fills every default of the stack's environment into validated stack config. */
export function resolvePlatform(c: ConfigInput, d: EnvironmentDefaults) {
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
    namespaces: section<NamespacesSpec>({
      apps,
      monitoring: ns.monitoring ?? "monitoring",
      backup: ns.backup ?? "backup",
      hostAgents: ns.hostAgents ?? "host-agents",
      ingressController: ns.ingressController ?? "ingress-nginx",
      podSecurity: d.podSecurity,
      quota: ns.quota ?? d.quota,
      containerDefaults: ns.containerDefaults ?? d.containerDefaults,
    }),
    services: section<readonly ServiceConfig[]>((c.services ?? []).map((s) => resolveService(s, env, d))),
    monitoring: section<MonitoringSpec>({
      ...withDefaults({ chartVersion: DEFAULT_CHART_VERSION, ...d.monitoring }, mon),
      prometheus: withDefaults({ remoteWrite: [], ...d.monitoring.prometheus }, mon.prometheus),
      alertmanager: withDefaults(d.monitoring.alertmanager, mon.alertmanager),
      grafana: withDefaults(d.monitoring.grafana, mon.grafana),
      antiAffinity: d.hardSpread ? "hard" : "soft",
      probes: (mon.probes ?? []).map((p) => ({ name: p.name, url: p.url, module: p.module ?? "http_2xx" })),
    }),
    alerting: section<AlertingSpec>({
      receivers: c.alerting?.receivers ?? {},
      heartbeat: c.alerting?.heartbeat || c.heartbeatUrl !== undefined
        ? // repeatInterval stays unset unless given: the Alertmanager config applies its default (1m).
          { ...c.alerting?.heartbeat }
        : undefined,
      maintenance: c.alerting?.maintenance,
      thresholds: resolveThresholds(env, c.alerting?.thresholds),
      runbookBaseUrl: (c.alerting?.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL).replace(/\/+$/, ""),
      timers: d.notificationTimers,
    }),
    postgres: section<PostgresSpec>({
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
    }),
    redis: section<RedisSpec>({
      mode: redisMode,
      host: c.redis?.host ?? `redis.${apps}.svc.cluster.local`,
      port: c.redis?.port ?? 6379,
      tls: c.redis?.tls ?? redisMode === "external",
      rotation: c.redis?.rotation ?? "initial",
      storageSize: c.redis?.storageSize ?? "1Gi",
    }),
    backup: section<BackupSpec>({
      ...withDefaults(
        { enabled: true, compressLevel: 3, timeoutMinutes: 120, resources: { cpu: "250m", memory: "256Mi", memoryLimit: "1Gi" }, rotation: "initial", ...d.backup },
        backup,
      ),
      drill: withDefaults({ verifyTables: [], ...d.backup.drill }, backup.drill),
      protectStorage: d.protectBackupStorage,
    }),
    aws: section<AwsSpec | undefined>(c.aws && {
      region: c.aws.region,
      oidcProviderArn: c.aws.oidcProviderArn,
      ecr: { keepImages: c.aws.ecr?.keepImages ?? 20 },
      secretRecoveryDays: c.aws.secretRecoveryDays ?? d.secretRecoveryDays,
    }),
    images: section<PlatformImages>(resolveImages(c.images ?? {}, c.monitoring?.chartVersion ?? DEFAULT_CHART_VERSION)),
    /** Secrets in the apps namespace created outside the program, which services may reference. */
    providedSecrets: c.providedSecrets ?? [],
    /** Factor applied to alerting durations for end-to-end tests; 1 in real stacks. */
    timeScale: c.timeScale ?? 1,
    /** Which credential keys the stack sets (their values are read as Pulumi secrets, never here). */
    secretsPresent: section<ReadonlySet<SecretKey>>(secretsPresent),
  };
}
