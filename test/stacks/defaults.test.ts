import { describe, expect, it } from "vitest";
import { DEFAULT_CHART_VERSION, defaultScaling, resolvePlatform, resolveService } from "../../stacks/resolve";
import { ENVIRONMENTS, type Environment } from "../../lib/environment";
import { bytes } from "../../lib/quantities";
import { durationSeconds } from "../../lib/duration";
import { ENVIRONMENT_DEFAULTS } from "../../stacks/schema/defaults";
import { configSchema } from "../../stacks/config";
import { baseValues, edited, load } from "./fixtures";

// Each `@default` lives in code as one `?? value`; these tests pin the values so that prose and
// code cannot drift apart unnoticed.

describe("ENVIRONMENT_DEFAULTS", () => {
  it("pins the dev defaults", () => {
    expect(ENVIRONMENT_DEFAULTS.dev).toMatchObject({
      podSecurity: "baseline",
      quota: { cpu: "4", memory: "8Gi", pods: 40 },
      containerDefaults: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
      serviceResources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
      idleReplicas: 0,
      scrapeInterval: "30s",
      evaluationInterval: "30s",
      prometheus: { replicas: 1, retention: "2d", retentionSize: "4GB", storageSize: "5Gi" },
      alertmanager: { replicas: 1, storageSize: "1Gi" },
      grafana: { replicas: 1 },
      postgresMode: "in-cluster",
      redisMode: "in-cluster",
      backup: { schedule: "0 3 * * *", retentionDays: 7, transitionDays: 30, drillSchedule: "0 5 * * *", scratchSize: "5Gi" },
      minReplicas: 1,
      scaleDownDelaySeconds: 0,
      requirePinnedImages: false,
      requirePager: false,
      requireSlack: false,
    });
  });

  it("pins the staging defaults", () => {
    expect(ENVIRONMENT_DEFAULTS.staging).toMatchObject({
      podSecurity: "restricted",
      quota: { cpu: "16", memory: "32Gi", pods: 100 },
      containerDefaults: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "1", memoryLimit: "512Mi" },
      serviceResources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      idleReplicas: 0,
      scrapeInterval: "30s",
      evaluationInterval: "30s",
      prometheus: { replicas: 1, retention: "7d", retentionSize: "40GB", storageSize: "50Gi" },
      alertmanager: { replicas: 2, storageSize: "2Gi" },
      grafana: { replicas: 1 },
      postgresMode: "external",
      redisMode: "external",
      backup: { schedule: "0 2 * * *", retentionDays: 45, transitionDays: 30, drillSchedule: "0 6 * * 1", scratchSize: "20Gi" },
      minReplicas: 1,
      scaleDownDelaySeconds: 600,
      requirePinnedImages: false,
      requirePager: false,
      requireSlack: true,
    });
  });

  it("pins the production defaults", () => {
    expect(ENVIRONMENT_DEFAULTS.production).toMatchObject({
      podSecurity: "restricted",
      quota: { cpu: "64", memory: "128Gi", pods: 300 },
      containerDefaults: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "2", memoryLimit: "1Gi" },
      serviceResources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
      idleReplicas: null,
      scrapeInterval: "15s",
      evaluationInterval: "15s",
      // 80GB (2^30 bytes each) on 100Gi: 80%, within the 85% rule (hand-worked).
      prometheus: { replicas: 2, retention: "15d", retentionSize: "80GB", storageSize: "100Gi" },
      alertmanager: { replicas: 3, storageSize: "5Gi" },
      // One: each replica would keep its own SQLite database.
      grafana: { replicas: 1 },
      postgresMode: "external",
      redisMode: "external",
      backup: { schedule: "0 1 * * *", retentionDays: 90, transitionDays: 30, drillSchedule: "0 4 * * *", scratchSize: "50Gi" },
      minReplicas: 2,
      scaleDownDelaySeconds: 1800,
      requirePinnedImages: true,
      requirePager: true,
      requireSlack: true,
    });
  });

  it("has no default that the pins above leave out", () => {
    const paths = (o: object, prefix = ""): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v !== null && typeof v === "object" ? paths(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
    const pinned = [
      "podSecurity", "quota.cpu", "quota.memory", "quota.pods",
      "containerDefaults.cpuRequest", "containerDefaults.memoryRequest", "containerDefaults.cpuLimit", "containerDefaults.memoryLimit",
      "serviceResources.requests.cpu", "serviceResources.requests.memory", "serviceResources.limits.memory",
      "idleReplicas", "scrapeInterval", "evaluationInterval",
      "prometheus.replicas", "prometheus.retention", "prometheus.retentionSize", "prometheus.storageSize",
      "alertmanager.replicas", "alertmanager.storageSize", "grafana.replicas", "postgresMode", "redisMode",
      "backup.schedule", "backup.retentionDays", "backup.transitionDays", "backup.drillSchedule", "backup.scratchSize",
      "minReplicas", "scaleDownDelaySeconds", "requirePinnedImages", "requirePager", "requireSlack",
    ];
    for (const env of ENVIRONMENTS) {
      expect(paths(ENVIRONMENT_DEFAULTS[env]).sort(), `pin every default of ${env} in this file`).toEqual([...pinned].sort());
    }
  });

  it("is no less strict from dev to staging to production", () => {
    const [dev, staging, production] = ENVIRONMENTS.map((e) => ENVIRONMENT_DEFAULTS[e]);
    const nonDecreasing = (values: number[]) => values.every((v, i) => i === 0 || v >= values[i - 1]);
    const pss = { baseline: 1, restricted: 2 } as const;
    expect(nonDecreasing([dev, staging, production].map((d) => d.prometheus.replicas))).toBe(true);
    expect(nonDecreasing([dev, staging, production].map((d) => d.alertmanager.replicas))).toBe(true);
    expect(nonDecreasing([dev, staging, production].map((d) => d.grafana.replicas))).toBe(true);
    // The warm window after a switch: a rollback stays one update for longer the stricter the stack.
    expect(nonDecreasing([dev, staging, production].map((d) => d.scaleDownDelaySeconds))).toBe(true);
    expect(nonDecreasing([dev, staging, production].map((d) => durationSeconds(d.prometheus.retention)))).toBe(true);
    expect(nonDecreasing([dev, staging, production].map((d) => bytes(d.prometheus.storageSize)))).toBe(true);
    expect(nonDecreasing([dev, staging, production].map((d) => d.backup.retentionDays))).toBe(true);
    expect(nonDecreasing([dev, staging, production].map((d) => d.minReplicas))).toBe(true);
    expect(nonDecreasing([dev, staging, production].map((d) => pss[d.podSecurity]))).toBe(true);
    expect(nonDecreasing([dev, staging, production].map((d) => Number(d.requirePinnedImages)))).toBe(true);
    expect(nonDecreasing([dev, staging, production].map((d) => Number(d.requirePager)))).toBe(true);
    expect(nonDecreasing([dev, staging, production].map((d) => Number(d.requireSlack)))).toBe(true);
    // Shorter intervals are stricter.
    expect(nonDecreasing([dev, staging, production].map((d) => -durationSeconds(d.scrapeInterval)))).toBe(true);
    // And strictly so at the ends: production is HA, paged and pinned; dev is none of these.
    expect(production.prometheus.replicas).toBeGreaterThan(dev.prometheus.replicas);
    expect(production.alertmanager.replicas).toBeGreaterThan(dev.alertmanager.replicas);
    expect(durationSeconds(production.prometheus.retention)).toBeGreaterThan(durationSeconds(staging.prometheus.retention));
    expect(durationSeconds(staging.prometheus.retention)).toBeGreaterThan(durationSeconds(dev.prometheus.retention));
    expect([dev.requirePager, production.requirePager]).toEqual([false, true]);
    expect([dev.podSecurity, production.podSecurity]).toEqual(["baseline", "restricted"]);
  });

  it("applies the strictness as rules: what dev accepts, production refuses", () => {
    const lax = (env: Environment) =>
      edited(env, (v) => {
        v.services[0].replicas.min = 1;
        v.services[0].image.blue = "ghcr.io/org/web:latest";
      });
    expect(() => load(lax("dev"))).not.toThrow();
    expect(() => load(lax("staging"))).toThrow(/"latest" tag in staging/);
    expect(() => load(lax("production"))).toThrow(/replicas\.min \(1\) must be >= 2 in production/);
  });
});

describe("resolvePlatform defaults", () => {
  const resolved = (env: Environment) => load(baseValues(env));

  it.each(ENVIRONMENTS.map((e) => [e]))("takes every environment default for %s", (env) => {
    const d = ENVIRONMENT_DEFAULTS[env];
    const c = resolved(env);
    expect(c.namespaces).toMatchObject({
      apps: "apps",
      monitoring: "monitoring",
      backup: "backup",
      ingressController: "ingress-nginx",
      podSecurity: d.podSecurity,
      quota: d.quota,
      containerDefaults: d.containerDefaults,
    });
    expect(c.monitoring).toMatchObject({
      chartVersion: DEFAULT_CHART_VERSION,
      scrapeInterval: d.scrapeInterval,
      evaluationInterval: d.evaluationInterval,
      prometheus: {
        replicas: d.prometheus.replicas,
        retention: d.prometheus.retention,
        retentionSize: d.prometheus.retentionSize,
        storage: { size: d.prometheus.storageSize },
        remoteWrite: [],
      },
      alertmanager: { replicas: d.alertmanager.replicas, storage: { size: d.alertmanager.storageSize } },
      grafana: { replicas: d.grafana.replicas },
      probes: [],
    });
    expect(c.monitoring.grafana.host).toBeUndefined();
    expect(c.backup).toMatchObject({
      enabled: true,
      schedule: d.backup.schedule,
      retentionDays: d.backup.retentionDays,
      transitionDays: d.backup.transitionDays,
      drill: { schedule: d.backup.drillSchedule, verifyTables: env === "production" ? ["public.orders"] : [] },
    });
    expect(c.timeScale).toBe(1);
    expect(c.clusterPlatform).toBe(env === "dev" ? "kind" : "eks");
  });

  it("pins the chart version as an exact release", () => {
    expect(DEFAULT_CHART_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("defaults datastores to in-cluster in dev, with in-cluster DNS names and no TLS", () => {
    const c = resolved("dev");
    expect(c.postgres).toMatchObject({ mode: "in-cluster", host: "postgres.apps.svc.cluster.local", port: 5432, database: "app", user: "app", sslMode: "disable", maxConnections: 100 });
    expect(c.redis).toMatchObject({ mode: "in-cluster", host: "redis.apps.svc.cluster.local", port: 6379, tls: false });
  });

  it("defaults external datastores to verified TLS", () => {
    const c = resolved("staging");
    expect(c.postgres).toMatchObject({ mode: "external", host: "db.example.com", port: 5432, sslMode: "verify-full" });
    expect(c.redis).toMatchObject({ mode: "external", host: "cache.example.com", port: 6379, tls: true });
  });

  it("derives datastore host names from the apps namespace", () => {
    const c = load(edited("dev", (v) => (v.namespaces = { apps: "shop" })));
    expect(c.postgres.host).toBe("postgres.shop.svc.cluster.local");
    expect(c.redis.host).toBe("redis.shop.svc.cluster.local");
  });

  it("defaults AWS settings per environment", () => {
    expect(resolved("staging").aws).toMatchObject({ region: "eu-west-1", ecr: { keepImages: 20 }, secretRecoveryDays: 7 });
    expect(resolved("production").aws).toMatchObject({ region: "eu-west-1", ecr: { keepImages: 20 }, secretRecoveryDays: 30 });
    expect(resolved("dev").aws).toBeUndefined();
  });

  it("has no heartbeat unless one is configured, and a 1m repeat when it is", () => {
    expect(resolved("staging").alerting.heartbeat).toBeUndefined();
    const c = load(edited("staging", (v) => (v.heartbeatUrl = "https://hb.example/ping")));
    expect(c.alerting.heartbeat).toEqual({ repeatInterval: "1m" });
  });

  it("keeps stated values over defaults", () => {
    const c = load(
      edited("production", (v) => {
        v.namespaces = { apps: "shop", quota: { cpu: "8", memory: "16Gi", pods: 50 } };
        v.monitoring = { ...v.monitoring, scrapeInterval: "10s", prometheus: { ...v.monitoring.prometheus, replicas: 3, retention: "30d" } };
        v.backup.retentionDays = 120;
      }),
    );
    expect(c.namespaces.apps).toBe("shop");
    expect(c.namespaces.quota).toEqual({ cpu: "8", memory: "16Gi", pods: 50 });
    expect(c.monitoring.scrapeInterval).toBe("10s");
    expect(c.monitoring.prometheus.replicas).toBe(3);
    expect(c.monitoring.prometheus.retention).toBe("30d");
    expect(c.monitoring.prometheus.retentionSize).toBe(ENVIRONMENT_DEFAULTS.production.prometheus.retentionSize);
    expect(c.backup.retentionDays).toBe(120);
  });

  it("records which credentials are present, never their values", () => {
    const c = resolved("production");
    expect([...c.secretsPresent].sort()).toEqual(["heartbeatUrl", "pagerdutyRoutingKey", "postgresBackupPassword", "postgresMonitoringPassword", "postgresPassword", "redisPassword", "slackWebhookUrl"]);
    expect(JSON.stringify(c)).not.toContain("pg-password");
  });

  it("is the same object resolvePlatform gives for the parsed input", () => {
    const input = configSchema.parse(baseValues("staging"));
    expect(resolvePlatform(input, ENVIRONMENT_DEFAULTS.staging).namespaces).toEqual(resolved("staging").namespaces);
  });
});

describe("service defaults", () => {
  const minimal = { name: "web", activeColor: "blue" as const, image: { blue: "r/web:1.0.0", green: "r/web:1.0.0" }, port: 8080, replicas: { min: 2, max: 5 } };

  it.each(ENVIRONMENTS.map((e) => [e]))("fills every default of a minimal service in %s", (env) => {
    const d = ENVIRONMENT_DEFAULTS[env];
    const s = resolveService(minimal, env, d);
    expect(s).toMatchObject({
      metricsPort: 8080,
      metricsPath: "/metrics",
      idleReplicas: env === "production" ? 2 : 0,
      resources: d.serviceResources,
      autoscaling: { cpuUtilization: 70, ...defaultScaling(env) },
      probes: {
        startup: { path: "/healthz", port: 8080, periodSeconds: 2, failureThreshold: 30 },
        readiness: { path: "/readyz", port: 8080, periodSeconds: 5, failureThreshold: 3 },
        liveness: { path: "/healthz", port: 8080, periodSeconds: 10, failureThreshold: 3 },
      },
      slo: { availability: 0.999, latency: { thresholdSeconds: 0.5, objective: 0.99 } },
      settings: {},
      secretSettings: {},
      egress: [],
      promotion: { prescale: false },
      strategy: { scaleDownDelaySeconds: d.scaleDownDelaySeconds },
      automountServiceAccountToken: false,
    });
    expect(s.autoscaling.memoryUtilization).toBeUndefined();
    expect(s.ingress).toBeUndefined();
  });

  it("starts the startup probe from the liveness probe when only liveness is given", () => {
    const s = resolveService({ ...minimal, probes: { liveness: { path: "/live", periodSeconds: 20 } } }, "dev", ENVIRONMENT_DEFAULTS.dev);
    expect(s.probes.startup).toEqual({ path: "/live", port: 8080, periodSeconds: 20, failureThreshold: 30 });
  });

  it("scales down slower and in smaller steps the stricter the environment", () => {
    const windows = ENVIRONMENTS.map((e) => defaultScaling(e).scaleDown.stabilizationWindowSeconds);
    expect(windows).toEqual([60, 300, 600]);
    expect(ENVIRONMENTS.map((e) => defaultScaling(e).scaleDown.policies[0].value)).toEqual([50, 50, 10]);
    expect(defaultScaling("production").scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Percent", value: 100, periodSeconds: 30 },
        { type: "Pods", value: 4, periodSeconds: 30 },
      ],
    });
  });
});
