import type { Environment } from "./common";

/**
 * Per-environment defaults, explicit and side by side so that the order of strictness
 * (dev < staging < production) can be read in one place. Each value is pinned by a test.
 */
export const ENVIRONMENT_DEFAULTS = {
  dev: {
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
    backup: { schedule: "0 3 * * *", retentionDays: 7, transitionDays: 30, drillSchedule: "0 5 * * *" },
    minReplicas: 1,
    requirePinnedImages: false,
    requirePager: false,
    requireSlack: false,
  },
  staging: {
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
    backup: { schedule: "0 2 * * *", retentionDays: 45, transitionDays: 30, drillSchedule: "0 6 * * 1" },
    minReplicas: 1,
    requirePinnedImages: false,
    requirePager: false,
    requireSlack: true,
  },
  production: {
    podSecurity: "restricted",
    quota: { cpu: "64", memory: "128Gi", pods: 300 },
    containerDefaults: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "2", memoryLimit: "1Gi" },
    serviceResources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
    idleReplicas: null, // production keeps the idle colour warm: it defaults to replicas.min
    scrapeInterval: "15s",
    evaluationInterval: "15s",
    prometheus: { replicas: 2, retention: "15d", retentionSize: "90GB", storageSize: "100Gi" },
    alertmanager: { replicas: 3, storageSize: "5Gi" },
    grafana: { replicas: 2 },
    postgresMode: "external",
    redisMode: "external",
    backup: { schedule: "0 1 * * *", retentionDays: 90, transitionDays: 30, drillSchedule: "0 4 * * *" },
    minReplicas: 2,
    requirePinnedImages: true,
    requirePager: true,
    requireSlack: true,
  },
} as const satisfies Record<Environment, unknown>;

/** The defaults of one environment. */
export type EnvironmentDefaults = (typeof ENVIRONMENT_DEFAULTS)[Environment];
