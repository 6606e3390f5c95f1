import { describe, expect, it } from "vitest";
import { DEFAULT_CHART_VERSION, defaultScaling, resolvePlatform, resolveService, withDefaults } from "../../stacks/resolve";
import { ENVIRONMENTS, type Environment } from "../../lib/environment";
import { bytes } from "../../lib/quantities";
import { durationSeconds } from "../../lib/duration";
import * as fs from "node:fs";
import * as path from "node:path";
import { ALERT_THRESHOLD_DEFAULTS, ENVIRONMENT_DEFAULTS } from "../../stacks/schema/defaults";
import { configSchema } from "../../stacks/config";
import { prometheusBytesValue } from "../../stacks/schema/monitoring";
import { environmentBranches, leafPaths, tableReads } from "./defaults-scan";
import { baseValues, edited, load } from "./fixtures";

// Each `@default` lives in code as one `?? value`; these tests pin the values so that prose and
// code cannot drift apart unnoticed.

describe("ENVIRONMENT_DEFAULTS", () => {
  const table = ENVIRONMENTS.map((e) => ENVIRONMENT_DEFAULTS[e]);
  const [dev, staging, production] = table;
  /** Each value of `pick` from dev to production never goes down (`up`) or never goes up (`down`). */
  const ordered = (pick: (d: (typeof table)[number]) => number, direction: "up" | "down", what: string) => {
    const values = table.map(pick);
    const ok = values.every((v, i) => i === 0 || (direction === "up" ? v >= values[i - 1] : v <= values[i - 1]));
    expect(ok, `${what} from dev to staging to production: ${values.join(", ")} (must ${direction === "up" ? "not decrease" : "not increase"})`).toBe(true);
  };

  it("has the same fields in every environment", () => {
    for (const env of ENVIRONMENTS) expect(leafPaths(ENVIRONMENT_DEFAULTS[env]), env).toEqual(leafPaths(ENVIRONMENT_DEFAULTS.dev));
  });

  it("is no less strict from dev to staging to production", () => {
    const pss = { baseline: 1, restricted: 2 } as const;
    const datastore = { "in-cluster": 0, external: 1 } as const;
    ordered((d) => pss[d.podSecurity], "up", "Pod Security level");
    ordered((d) => d.minReplicas, "up", "minReplicas");
    ordered((d) => d.minIdleReplicas, "up", "minIdleReplicas");
    ordered((d) => d.minMonitoringReplicas, "up", "minMonitoringReplicas");
    ordered((d) => d.monitoring.prometheus.replicas, "up", "Prometheus replicas");
    ordered((d) => d.monitoring.alertmanager.replicas, "up", "Alertmanager replicas");
    ordered((d) => durationSeconds(d.monitoring.prometheus.retention), "up", "Prometheus retention");
    ordered((d) => bytes(d.monitoring.prometheus.storage.size), "up", "Prometheus volume");
    ordered((d) => bytes(d.monitoring.prometheus.resources.requests.memory), "up", "Prometheus memory request");
    ordered((d) => d.backup.retentionDays, "up", "backup retention");
    ordered((d) => d.secretRecoveryDays, "up", "Secrets Manager recovery window");
    ordered((d) => datastore[d.postgresMode], "up", "Postgres mode (in-cluster < external)");
    ordered((d) => datastore[d.redisMode], "up", "Redis mode (in-cluster < external)");
    // Shorter scrapes and re-notifications are stricter.
    ordered((d) => durationSeconds(d.monitoring.scrapeInterval), "down", "scrape interval");
    ordered((d) => durationSeconds(d.monitoring.evaluationInterval), "down", "evaluation interval");
    ordered((d) => durationSeconds(d.notificationTimers.repeatInterval), "down", "repeat interval of notifications");
    // Releases and scaling: more caution with real users.
    ordered((d) => d.scaleDown.windowSeconds, "up", "scale-down stabilization window");
    ordered((d) => d.scaleDown.percentPerMinute, "down", "scale-down step");
    ordered((d) => d.preStopSeconds, "up", "preStop pause");
    ordered((d) => d.scaleDownDelaySeconds, "up", "warm window: old colour kept after a switch");
    ordered((d) => d.canaryDwellSeconds, "up", "canary dwell");
    ordered((d) => Number(d.prescaleCanary), "up", "canary prescale");
    ordered((d) => Number(d.hardSpread), "up", "hard spread");
    ordered((d) => Number(d.protectBackupStorage), "up", "protected backup storage");
    ordered((d) => Number(d.preReleaseBackup), "up", "pre-release backup");
    // Every rule flag by its name, so that a new one is held to the order too.
    const flags = Object.keys(dev).filter((k) => /^(require|allow|refuse)[A-Z]/.test(k)) as (keyof typeof dev)[];
    expect(flags.length).toBeGreaterThan(10);
    for (const k of flags) ordered((d) => Number(d[k]), k.startsWith("allow") ? "down" : "up", k);
    // And strictly so at the ends: production is HA, paged, pinned and backed up; dev is none of these.
    expect(production.monitoring.prometheus.replicas).toBeGreaterThan(dev.monitoring.prometheus.replicas);
    expect(production.monitoring.alertmanager.replicas).toBeGreaterThan(dev.monitoring.alertmanager.replicas);
    expect(production.minReplicas).toBeGreaterThan(dev.minReplicas);
    expect(durationSeconds(production.monitoring.prometheus.retention)).toBeGreaterThan(durationSeconds(staging.monitoring.prometheus.retention));
    expect(durationSeconds(staging.monitoring.prometheus.retention)).toBeGreaterThan(durationSeconds(dev.monitoring.prometheus.retention));
    for (const k of ["requirePager", "requirePinnedImages", "requireBackups", "refuseRiskyEdits"] as const) expect([k, dev[k], production[k]]).toEqual([k, false, true]);
    expect([dev.podSecurity, production.podSecurity]).toEqual(["baseline", "restricted"]);
  });

  it("holds values that fit together (worked by hand from the rules they meet)", () => {
    for (const [env, d] of ENVIRONMENTS.map((e) => [e, ENVIRONMENT_DEFAULTS[e]] as const)) {
      // Prometheus counts GB as 2^30 bytes: retentionSize must leave 15% of the volume (checkMonitoring).
      expect(prometheusBytesValue(d.monitoring.prometheus.retentionSize), env).toBeLessThanOrEqual(0.85 * bytes(d.monitoring.prometheus.storage.size));
      for (const r of [d.monitoring.prometheus.resources, d.monitoring.alertmanager.resources, d.serviceResources]) {
        expect(bytes(r.limits.memory), env).toBeGreaterThanOrEqual(bytes(r.requests.memory));
      }
      expect(d.minIdleReplicas, env).toBeLessThanOrEqual(d.minReplicas);
      expect(d.monitoring.prometheus.replicas, env).toBeGreaterThanOrEqual(d.minMonitoringReplicas);
      expect(d.monitoring.alertmanager.replicas, env).toBeGreaterThanOrEqual(d.minMonitoringReplicas);
      // The defaults must pass the environment's own rules: a default datastore mode it allows.
      if (!d.allowInClusterDatastores) expect([d.postgresMode, d.redisMode], env).toEqual(["external", "external"]);
      // Objects move to cheaper storage before they expire wherever S3 holds them.
      if (d.usesAws) expect(d.backup.transitionDays, env).toBeLessThan(d.backup.retentionDays);
    }
  });

  it("has no field that the program does not read (test code does not count)", () => {
    const read = tableReads();
    const unread = leafPaths(ENVIRONMENT_DEFAULTS.dev).filter((p) => !read.some((r) => p === r || p.startsWith(`${r}.`)));
    expect(unread, "fields of ENVIRONMENT_DEFAULTS read by no program code: use them or remove them").toEqual([]);
  });

  it("is the only place that decides by an environment's name", () => {
    expect(environmentBranches(), "compare no environment name and keep no per-environment table outside stacks/schema/defaults.ts: add a field to ENVIRONMENT_DEFAULTS and pass the value in").toEqual([]);
  });

  it("agrees with the policy pack's config of each committed stack (the pack's second line never sits below the loader's)", () => {
    for (const env of ENVIRONMENTS) {
      const d = ENVIRONMENT_DEFAULTS[env];
      const pack = JSON.parse(fs.readFileSync(path.join(__dirname, "../../policy/config", `${env}.json`), "utf8")) as Record<string, any>;
      const level = (policy: string): string => {
        const v = pack[policy];
        return (typeof v === "string" ? v : v?.enforcementLevel) ?? pack.all ?? "advisory";
      };
      // min-replicas documents `@default 2` (policy/policies/min-replicas.ts).
      expect(pack["min-replicas"]?.minReplicas ?? 2, `${env}: min-replicas.minReplicas`).toBe(d.minReplicas);
      if (d.requirePinnedImages) expect(level("pinned-images"), `${env}: pinned-images`).toBe("mandatory");
      if (d.requirePager) {
        expect(level("critical-alerts-page"), `${env}: critical-alerts-page`).toBe("mandatory");
        expect(pack["critical-alerts-page"].pagerIntegrations, `${env}: a chat message is not a page`).not.toContain("slack_configs");
      }
      if (d.hardSpread) expect(level("topology-spread"), `${env}: topology-spread`).toBe("mandatory");
      if (d.requireIngressTls) expect(level("ingress-tls"), `${env}: ingress-tls`).not.toBe("disabled");
      if (d.requireBackups) expect(level("s3-bucket-object-lock"), `${env}: s3-bucket-object-lock`).toBe("mandatory");
    }
  });

  it("pages sooner the stricter the environment: every alert threshold is equal or non-increasing from dev to production", () => {
    const [dev, staging, production] = ENVIRONMENTS.map((e) => ALERT_THRESHOLD_DEFAULTS[e]);
    const value = (v: string | number) => (typeof v === "number" ? v : durationSeconds(v));
    const differ: string[] = [];
    for (const key of Object.keys(dev) as (keyof typeof dev)[]) {
      const values = [dev[key], staging[key], production[key]].map(value);
      if (values[0] !== values[2]) differ.push(key);
      // Durations (for:, lag, transaction age) shorter where users are; ratios are shared.
      expect(values[1] <= values[0] && values[2] <= values[1], `${key}: ${values.join(", ")}`).toBe(true);
    }
    expect(differ).toContain("serviceDownFor");
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

describe("withDefaults", () => {
  it("keeps a default the stack leaves out, takes what it states, and replaces a nested object whole", () => {
    const defaults = { replicas: 1, retention: "2d", storage: { size: "5Gi" } };
    expect(withDefaults(defaults, undefined)).toEqual(defaults);
    expect(withDefaults(defaults, { retention: "30d" })).toEqual({ replicas: 1, retention: "30d", storage: { size: "5Gi" } });
    // A storageClass without a size is the schema's business (size is required there): the
    // stated object is used as written, as the reference documents for nested objects.
    expect(withDefaults(defaults, { storage: { size: "9Gi", storageClass: "gp3" } })).toEqual({ replicas: 1, retention: "2d", storage: { size: "9Gi", storageClass: "gp3" } });
    // An explicit undefined (an optional key zod left out) is no value; keys only the stack has are kept.
    expect(withDefaults(defaults, { replicas: undefined, host: "grafana.example.com" })).toEqual({ ...defaults, host: "grafana.example.com" });
    expect(defaults).toEqual({ replicas: 1, retention: "2d", storage: { size: "5Gi" } });
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
      scrapeInterval: d.monitoring.scrapeInterval,
      evaluationInterval: d.monitoring.evaluationInterval,
      prometheus: {
        replicas: d.monitoring.prometheus.replicas,
        retention: d.monitoring.prometheus.retention,
        retentionSize: d.monitoring.prometheus.retentionSize,
        storage: { size: d.monitoring.prometheus.storage.size },
        remoteWrite: [],
      },
      alertmanager: { replicas: d.monitoring.alertmanager.replicas, storage: { size: d.monitoring.alertmanager.storage.size } },
      grafana: { replicas: d.monitoring.grafana.replicas },
      probes: [],
    });
    expect(c.monitoring.grafana.host).toBeUndefined();
    expect(c.backup).toMatchObject({
      enabled: true,
      schedule: d.backup.schedule,
      retentionDays: d.backup.retentionDays,
      transitionDays: d.backup.transitionDays,
      drill: { schedule: d.backup.drill.schedule, verifyTables: env === "production" ? ["public.orders"] : [] },
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

  it("has no heartbeat unless one is configured; its repeat is left to the Alertmanager config (1m: alertmanager/config.test.ts)", () => {
    expect(resolved("staging").alerting.heartbeat).toBeUndefined();
    const c = load(edited("staging", (v) => (v.heartbeatUrl = "https://hb.example/ping")));
    expect(c.alerting.heartbeat).toEqual({});
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
    expect(c.monitoring.prometheus.retentionSize).toBe(ENVIRONMENT_DEFAULTS.production.monitoring.prometheus.retentionSize);
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
