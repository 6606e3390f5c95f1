// Minimal valid stack configs per environment, and helpers that load edited copies of them
// exactly as the program does (raw `app-platform:key` strings plus the set of secret keys).
import YAML from "yaml";
import { ConfigError, PROJECT, SECRET_KEYS, loadPlatformConfig, type PlatformConfig } from "../../stacks/config";
import type { Environment } from "../../lib/environment";

/** Config values of one stack, keys without the project prefix. */
export type StackValues = Record<string, unknown>;

/** Digest of the fixture's image reference. */
export const WEB_DIGEST = `sha256:${"5e".repeat(32)}`;
/** Digest the production fixture gives the third-party images no digest is known for. */
export const THIRD_PARTY_DIGEST = `sha256:${"7d".repeat(32)}`;

const service = (min: number, max: number) => ({
  name: "web",
  activeColor: "blue",
  // A digest, as production requires (the digest of a test image, not a real one).
  image: { blue: `ghcr.io/org/web:1.4.2@${WEB_DIGEST}`, green: `ghcr.io/org/web:1.4.2@${WEB_DIGEST}` },
  port: 8080,
  replicas: { min, max },
  probes: { readiness: { path: "/readyz" }, liveness: { path: "/healthz" } },
});

/** The smallest config each environment accepts; tests edit a fresh copy. */
export function baseValues(env: Environment): StackValues {
  if (env === "dev") {
    return { environment: "dev", clusterPlatform: "kind", services: [service(1, 2)] };
  }
  const shared: StackValues = {
    environment: env,
    clusterPlatform: "eks",
    services: [service(env === "production" ? 2 : 1, 4)],
    alerting: { receivers: env === "production" ? { pagerduty: {}, slack: { channel: "#alerts" } } : { slack: { channel: "#alerts" } } },
    postgres: { mode: "external", host: "db.example.com" },
    redis: { mode: "external", host: "cache.example.com" },
    // EKS has no default StorageClass: the monitoring volumes must name one (stacks/config-rules.ts).
    monitoring: {
      prometheus: { storage: { size: env === "production" ? "100Gi" : "50Gi", storageClass: "gp3" } },
      alertmanager: { storage: { size: env === "production" ? "5Gi" : "2Gi", storageClass: "gp3" } },
    },
    aws: { region: "eu-west-1", oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE" },
    slackWebhookUrl: "https://hooks.slack.example/T000/B000/XXXX",
    postgresPassword: "pg-password",
    redisPassword: "redis-password",
    postgresMonitoringPassword: "pg-monitoring-password",
    postgresBackupPassword: "pg-backup-password",
  };
  if (env === "production") {
    shared.backup = { objectLock: { mode: "COMPLIANCE", days: 30 }, drill: { verifyTables: ["public.orders"] } };
    shared.pagerdutyRoutingKey = "routing-key";
    // Production refuses a stack without the dead man's switch.
    (shared.alerting as Record<string, unknown>).heartbeat = {};
    shared.heartbeatUrl = "https://heartbeat.example/ping";
    // Production runs every image by digest: the third-party images without a known one are set
    // (the digest of a test image, not a real one).
    shared.images = {
      prometheusOperator: `quay.io/prometheus-operator/prometheus-operator:v0.86.2@${THIRD_PARTY_DIGEST}`,
      prometheusConfigReloader: `quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2@${THIRD_PARTY_DIGEST}`,
      grafanaSidecar: `quay.io/kiwigrid/k8s-sidecar:1.30.10@${THIRD_PARTY_DIGEST}`,
      redisExporter: `quay.io/oliver006/redis_exporter:v1.74.0@${THIRD_PARTY_DIGEST}`,
    };
  }
  return shared;
}

/** Raw config as the language host passes it: `app-platform:key` -> string (JSON for structures). */
export function rawConfig(values: StackValues): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined) raw[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return raw;
}

/** Credential keys present in `values`, treated as set with `--secret` unless listed in `plaintext`. */
export function secretKeysOf(values: StackValues, plaintext: readonly string[] = []): Set<string> {
  return new Set(
    SECRET_KEYS.filter((k) => values[k] !== undefined && !plaintext.includes(k)).map((k) => `${PROJECT}:${k}`),
  );
}

/** Loads values as the program would. */
export function load(values: StackValues, plaintext: readonly string[] = []): PlatformConfig {
  return loadPlatformConfig(rawConfig(values), secretKeysOf(values, plaintext), "test");
}

/** The messages of every problem of `values`, or [] when they load. */
export function problemsOf(values: StackValues, plaintext: readonly string[] = []): string[] {
  try {
    load(values, plaintext);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => p.message);
    throw e;
  }
}

/** A fresh copy of an environment's base values with `edit` applied. */
export function edited(env: Environment, edit: (v: any) => void): StackValues {
  const v = structuredClone(baseValues(env));
  edit(v);
  return v;
}

/**
 * A stack file (YAML text) for `values`: credentials become `secure:` entries unless listed in
 * `plaintext`, as `pulumi config set --secret` would write them.
 */
export function stackYaml(values: StackValues, plaintext: readonly string[] = []): string {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    const secret = (SECRET_KEYS as readonly string[]).includes(k) && !plaintext.includes(k);
    config[`${PROJECT}:${k}`] = secret ? { secure: "v1:test-ciphertext" } : v;
  }
  return YAML.stringify({ config });
}
