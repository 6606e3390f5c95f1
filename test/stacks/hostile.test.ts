// Hostile stack files, by category: each must be refused at load, before any resource is
// registered, with `app-platform:<path> (<value>) <rule and fix>`. Where a rule comes from outside
// this project (Kubernetes limits, RFC 1123, cron semantics, IANA), the case says where.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadPlatformConfig } from "../../stacks/config";
import { PROVIDER_CONFIG_KEYS } from "../../stacks/validate/config-keys";
import { StackFileError, readStackConfig } from "../../tools/render/stack-files";
import { stackFolder } from "../../tools/render/subprocess";
import { edited, problemsOf, rawConfig, secretKeysOf, stackYaml, type StackValues } from "./fixtures";

const P = "app-platform:";
const REPO = path.resolve(__dirname, "../..");

/** A folder with one policy config, `policy/config/<stack>.json`. */
function policyFolder(stack: string, config: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
  fs.mkdirSync(path.join(dir, "policy", "config"), { recursive: true });
  fs.writeFileSync(path.join(dir, "policy", "config", `${stack}.json`), JSON.stringify(config));
  return dir;
}

/** One hostile input and every message it must produce, in order. */
export interface HostileCase {
  readonly name: string;
  readonly values: StackValues;
  /** Raw keys outside `app-platform:` added as the language host passes them. */
  readonly extraRaw?: Record<string, string>;
  /** Full keys marked secret besides the credentials (as `pulumi config set --secret` would). */
  readonly extraSecret?: readonly string[];
  /** Stack name (selects policy/config/<stack>.json) and the folder holding policy/; @default "hostile", the repository. */
  readonly stack?: string;
  readonly rootDir?: string;
  readonly expected: readonly string[];
}

function problemsOfCase(c: HostileCase): string[] {
  const raw = { ...rawConfig(c.values), ...c.extraRaw };
  const secret = new Set([...secretKeysOf(c.values), ...(c.extraSecret ?? [])]);
  try {
    loadPlatformConfig(raw, secret, c.stack ?? "hostile", { rootDir: c.rootDir ?? REPO });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => p.message);
    throw e;
  }
}

const QUOTA_RULE = "so no pod of the service can ever be created: lower the request or raise the quota";

/** Hostile cases by category; the counts go into the closing note. */
export const HOSTILE: Record<string, HostileCase[]> = {
  // Kubernetes: a ResourceQuota bounds the sum of requests in a namespace; replicas and other
  // counts are int32 (2147483647 max); a ConfigMap's data may not exceed 1 MiB; CPU precision
  // finer than 1m is not allowed ("Resource units in Kubernetes").
  quantities: [
    {
      name: "CPU and memory of zero, and a sub-millicore CPU",
      values: edited("dev", (v) => {
        v.services[0].resources = { requests: { cpu: "0", memory: "0Mi" }, limits: { cpu: "0.0005", memory: "128Mi" } };
      }),
      expected: [
        `${P}services[0].resources.requests.cpu ("0") must be greater than zero: nothing runs on no CPU; write a quantity such as "100m"`,
        `${P}services[0].resources.requests.memory ("0Mi") must be greater than zero: nothing fits in no memory or storage; write a quantity such as "256Mi"`,
        `${P}services[0].resources.limits.cpu ("0.0005") must be a whole number of millicores: Kubernetes does not allow CPU precision finer than 1m; write e.g. "1m" instead of "0.0005"`,
      ],
    },
    {
      name: "a zero quota and a zero volume",
      values: edited("dev", (v) => {
        v.namespaces = { quota: { cpu: "0m", memory: "8Gi", pods: 40 } };
        v.monitoring = { prometheus: { storage: { size: "0Gi" } } };
      }),
      expected: [
        `${P}namespaces.quota.cpu ("0m") must be greater than zero: nothing runs on no CPU; write a quantity such as "100m"`,
        `${P}monitoring.prometheus.storage.size ("0Gi") must be greater than zero: nothing fits in no memory or storage; write a quantity such as "256Mi"`,
      ],
    },
    {
      // Kubernetes resource.Quantity syntax: digits with an optional suffix (m, k, Mi, e3...).
      name: "an autoscaling target of zero, and one that is not a quantity",
      values: edited("dev", (v) => {
        v.services[0].autoscaling = { metric: { type: "Pods", name: "http_requests_per_second", averageValue: "0" } };
        const second = { ...structuredClone(v.services[0]), name: "api" };
        second.autoscaling = { metric: { type: "Pods", name: "http_requests_per_second", averageValue: "100 rps" } };
        v.services.push(second);
      }),
      expected: [
        `${P}services[0].autoscaling.metric.averageValue ("0") must be greater than zero: a target of zero keeps the autoscaler at its maximum; write e.g. "100"`,
        `${P}services[1].autoscaling.metric.averageValue ("100 rps") must be a Kubernetes quantity such as "100", "250m" or "2k"`,
      ],
    },
    {
      name: "maxReplicas beyond int32",
      values: edited("dev", (v) => {
        v.services[0].replicas.max = 3_000_000_000;
      }),
      expected: [
        `${P}services[0].replicas.max (3000000000) must be <= 2147483647, the largest 32-bit integer: Kubernetes stores counts such as replicas as int32, and a larger value is refused by the API server`,
      ],
    },
    {
      name: "a request above its own limit (container defaults and backup job)",
      values: edited("dev", (v) => {
        v.namespaces = { containerDefaults: { cpuRequest: "2", memoryRequest: "1Gi", cpuLimit: "500m", memoryLimit: "256Mi" } };
        v.backup = { resources: { cpu: "250m", memory: "2Gi", memoryLimit: "1Gi" }, drill: { verifyTables: ["public.orders"] } };
      }),
      expected: [
        `${P}namespaces.containerDefaults.cpuRequest ("2") must be <= containerDefaults.cpuLimit (500m): Kubernetes refuses a container whose request is above its limit`,
        `${P}namespaces.containerDefaults.memoryRequest ("1Gi") must be <= containerDefaults.memoryLimit (256Mi): Kubernetes refuses a container whose request is above its limit`,
        `${P}backup.resources.memory ("2Gi") must be <= backup.resources.memoryLimit (1Gi): Kubernetes refuses a container whose request is above its limit`,
      ],
    },
    {
      name: "one pod above the namespace quota (dev quota: 4 CPU, 8Gi, 40 pods)",
      values: edited("dev", (v) => {
        v.services[0].resources = { requests: { cpu: "4500m", memory: "9Gi" }, limits: { memory: "9Gi" } };
        v.services[0].replicas.max = 41;
      }),
      expected: [
        `${P}services[0].resources.requests.cpu ("4500m") is above the apps namespace's ResourceQuota (namespaces.quota.cpu 4), ${QUOTA_RULE}`,
        `${P}services[0].resources.requests.memory ("9Gi") is above the apps namespace's ResourceQuota (namespaces.quota.memory 8Gi), ${QUOTA_RULE}`,
        `${P}services[0].replicas.max (41) is above the apps namespace's ResourceQuota (namespaces.quota.pods 40), so the autoscaler can never reach it: lower replicas.max or raise the quota`,
      ],
    },
    {
      // Worked by hand: 3 services x (min 2 + idle 0) pods x 750m = 4500m > 4 CPU; 6 pods x 1.5Gi = 9 GiB > 8Gi.
      name: "services that each fit but together exceed the quota at their minimum size",
      values: edited("dev", (v) => {
        const s = v.services[0];
        s.replicas = { min: 2, max: 2 };
        s.resources = { requests: { cpu: "750m", memory: "1536Mi" }, limits: { memory: "2Gi" } };
        v.services = ["a", "b", "c"].map((name) => ({ ...structuredClone(s), name }));
      }),
      expected: [
        `${P}namespaces.quota.cpu ("4") is below what the services need at their minimum size (4500m of CPU requests for replicas.min plus idleReplicas of every service), so some pods can never be created: raise the quota or lower requests or replicas`,
        `${P}namespaces.quota.memory ("8Gi") is below what the services need at their minimum size (9 GiB of memory requests for replicas.min plus idleReplicas of every service), so some pods can never be created: raise the quota or lower requests or replicas`,
      ],
    },
    {
      name: "a 1.5 MB settings ConfigMap",
      values: edited("dev", (v) => {
        v.services[0].settings = { CATALOGUE: "x".repeat(1_500_000) };
      }),
      // 9 bytes of key + 1500000 bytes of value = 1500009 bytes = 1.43 MiB.
      expected: [
        `${P}services[0].settings ("1.43 MiB of keys and values") is above the 1 MiB (1048576 bytes) that Kubernetes allows in one ConfigMap: move large content to a volume or an object store and pass its location`,
      ],
    },
  ],
  // Confusables: a Cyrillic letter or a zero-width space looks like the name it spoils.
  "look-alike characters": [
    {
      name: "Cyrillic o in the environment",
      values: edited("dev", (v) => {
        v.environment = "pr\u043eduction";
      }),
      expected: [
        `${P}environment ("pr\\u043eduction") must be one of "dev", "staging", "production": did you mean "production"? (it contains \\u043e, a character outside ASCII that looks like a Latin letter or nothing at all: retype it)`,
      ],
    },
    {
      name: "a zero-width space after a key",
      values: edited("dev", (v) => {
        v["clusterPlatform\u200b"] = v.clusterPlatform;
        delete v.clusterPlatform;
      }),
      expected: [
        `${P}clusterPlatform (unset) is required: set it in Pulumi.<stack>.yaml to one of "eks", "gke", "aks", "kind", "generic"`,
        `${P}clusterPlatform\\u200b ("kind") is not a known key: did you mean "clusterPlatform"? Rename it (it contains \\u200b, a character outside ASCII that looks like a Latin letter or nothing at all: retype it)`,
      ],
    },
    {
      name: "Byelorussian-Ukrainian i in a service name",
      values: edited("dev", (v) => {
        v.services[0].name = "\u0456ngest";
      }),
      expected: [
        `${P}services[0].name ("\\u0456ngest") must be a DNS label: lowercase letters, digits and '-', starting with a letter (it contains \\u0456, a character outside ASCII that looks like a Latin letter or nothing at all: retype it)`,
      ],
    },
  ],
  "secure value where plaintext is expected": [
    {
      name: "the environment set with --secret (the CLI passes it decrypted and marks it secret)",
      values: edited("dev", () => {}),
      extraSecret: ["app-platform:environment"],
      expected: [
        `${P}environment ("[secret]") is a secret (\`secure:\`) where plain text is expected: it is configuration, not a credential, and is used as written; set it without --secret: \`pulumi config set environment <value>\``,
      ],
    },
    {
      name: "a nested secure: map where a host name goes",
      values: edited("staging", (v) => {
        v.postgres.host = { secure: "v1:AAAAbase64ciphertext" };
      }),
      expected: [
        `${P}postgres.host ("[secret]") is a secret (\`secure:\`) where plain text is expected: it is configuration, not a credential, and is used as written; set it without --secret: \`pulumi config set --path postgres.host <value>\``,
      ],
    },
  ],
  // Config keys Pulumi passes to the program but nobody reads; provider keys as their packages define them.
  "misspelt namespaces and provider keys": [
    {
      name: "app-platfrom: for app-platform:",
      values: edited("dev", () => {}),
      extraRaw: { "app-platfrom:timeScale": "0.5" },
      expected: [`app-platfrom:timeScale (0.5) is in namespace "app-platfrom", which nothing defines: did you mean "app-platform:timeScale"? Rename it`],
    },
    {
      name: "kubernetes:contex for kubernetes:context",
      values: edited("dev", () => {}),
      extraRaw: { "kubernetes:contex": "kind-app-platform" },
      expected: [`kubernetes:contex ("kind-app-platform") is not a setting of the kubernetes provider: did you mean "kubernetes:context"? Rename it`],
    },
    {
      name: "aws:regoin and an unknown namespace",
      values: edited("staging", () => {}),
      extraRaw: { "aws:regoin": "eu-west-1", "zzz:thing": "1" },
      expected: [
        `aws:regoin ("eu-west-1") is not a setting of the aws provider: did you mean "aws:region"? Rename it`,
        `zzz:thing (1) is in namespace "zzz", which nothing defines (known: app-platform, pulumi, kubernetes, aws, docker, random, delivery): remove it or fix the namespace`,
      ],
    },
    {
      name: "a secret in a misspelt namespace shows no value",
      values: edited("dev", () => {}),
      extraRaw: { "kubernets:kubeconfig": "apiVersion: v1\nusers: [token: abc]" },
      extraSecret: ["kubernets:kubeconfig"],
      expected: [`kubernets:kubeconfig ("[secret]") is in namespace "kubernets", which nothing defines: did you mean "kubernetes:kubeconfig"? Rename it`],
    },
  ],
  // Prometheus durations: zero is no interval at all; the 5m lookback delta is Prometheus' own
  // default (--query.lookback-delta); promtool run times were measured (see MAX_FOR_SECONDS).
  durations: [
    {
      name: "zero scrape interval and zero heartbeat repeat",
      values: edited("dev", (v) => {
        v.monitoring = { scrapeInterval: "0s" };
        v.alerting = { heartbeat: { repeatInterval: "0m" } };
      }),
      expected: [
        `${P}monitoring.scrapeInterval ("0s") must be greater than zero: write a duration such as "30s", "5m" or "1h"`,
        `${P}alerting.heartbeat.repeatInterval ("0m") must be greater than zero: write a duration such as "30s", "5m" or "1h"`,
      ],
    },
    {
      name: "scrape and evaluation intervals beyond the lookback delta",
      values: edited("dev", (v) => {
        v.monitoring = { scrapeInterval: "10m", evaluationInterval: "1h" };
      }),
      expected: [
        `${P}monitoring.scrapeInterval ("10m") must be at most 5m, Prometheus' lookback delta: series older than that look absent to queries, so alerts would flap between samples; use e.g. "30s"`,
        `${P}monitoring.evaluationInterval ("1h") must be at most 5m, Prometheus' lookback delta: series older than that look absent to queries, so alerts would flap between samples; use e.g. "30s"`,
      ],
    },
    {
      name: "alert for: durations too long to test, not whole minutes, or zero",
      values: edited("dev", (v) => {
        v.alerting = { thresholds: { crashLoopFor: "30d", latencyFor: "90s", errorRatioFor: "0m", tlsExpiryWarning: "0d" } };
      }),
      expected: [
        `${P}alerting.thresholds.crashLoopFor ("30d") must be at most 6h: \`platform check\` tests every alert minute by minute on both sides of its \`for:\`, and a longer one cannot be tested in bounded time (how long a container may sit in CrashLoopBackOff)`,
        `${P}alerting.thresholds.latencyFor ("90s") must be whole minutes: alerts are tested minute by minute on both sides of their \`for:\`; write e.g. "2m" (how long p95 latency must stay above its threshold)`,
        `${P}alerting.thresholds.errorRatioFor ("0m") must be greater than zero: write a duration such as "5m" (how long the 5xx ratio must stay above its threshold)`,
        `${P}alerting.thresholds.tlsExpiryWarning ("0d") must be greater than zero: write a duration such as "5m" (certificate lifetime left that raises TLSCertificateExpiringSoon)`,
      ],
    },
  ],
  // Thresholds the schema accepts that would make the generated promtool tests fail.
  thresholds: [
    {
      name: "warnings at or above their critical thresholds",
      values: edited("dev", (v) => {
        v.alerting = { thresholds: { errorRatioWarning: 0.1, errorRatioCritical: 0.05, nodeMemoryWarning: 0.9, tlsExpiryCritical: "30d" } };
      }),
      // Defaults: nodeMemoryCritical 0.9, tlsExpiryWarning 14d.
      expected: [
        `${P}alerting.thresholds.errorRatioWarning (0.1) must be below alerting.thresholds.errorRatioCritical (0.05): the warning must come before the critical alert, and the generated alert tests assume it`,
        `${P}alerting.thresholds.nodeMemoryWarning (0.9) must be below alerting.thresholds.nodeMemoryCritical (0.9, its default): the warning must come before the critical alert, and the generated alert tests assume it`,
        `${P}alerting.thresholds.tlsExpiryCritical ("30d") must be below alerting.thresholds.tlsExpiryWarning (14d, its default): the warning must come before the critical alert, and the generated alert tests assume it`,
      ],
    },
    {
      // Measured: with errorRatioCritical 1 the generated ServiceHighErrorRatio test fails (a ratio is never above 1).
      name: "a ratio of 1, which an alert can never exceed",
      values: edited("dev", (v) => {
        v.alerting = { thresholds: { errorRatioCritical: 1 } };
      }),
      expected: [
        `${P}alerting.thresholds.errorRatioCritical (1) must be a fraction in (0, 1), e.g. 0.05 for 5%: at 0 or 1 the alert fires always or never (5xx ratio of a service that raises ServiceHighErrorRatio)`,
      ],
    },
    {
      name: "a critical threshold set below its default warning names the value that was set",
      values: edited("dev", (v) => {
        v.alerting = { thresholds: { postgresConnectionsCritical: 0.5 } };
      }),
      // Default postgresConnectionsWarning: 0.8.
      expected: [
        `${P}alerting.thresholds.postgresConnectionsCritical (0.5) must be above alerting.thresholds.postgresConnectionsWarning (0.8, its default): the warning must come before the critical alert, and the generated alert tests assume it`,
      ],
    },
  ],
  // Kubernetes CronJob schedules are parsed by robfig/cron: a backwards range is refused by the
  // API server; when only day of month is restricted, 31 February never comes.
  cron: [
    {
      name: "31 February never fires",
      values: edited("dev", (v) => {
        v.backup = { schedule: "0 3 31 2 *", drill: { verifyTables: ["public.orders"] } };
      }),
      expected: [`${P}backup.schedule ("0 3 31 2 *") never fires: day 31 does not occur in February: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`],
    },
    {
      name: "30 April and June never fire (the drill)",
      values: edited("dev", (v) => {
        v.backup = { drill: { schedule: "0 5 31 apr,jun *", verifyTables: ["public.orders"] } };
      }),
      expected: [`${P}backup.drill.schedule ("0 5 31 apr,jun *") never fires: day 31 does not occur in April, June: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`],
    },
    {
      name: "backwards ranges (weekday and minute)",
      values: edited("dev", (v) => {
        v.backup = { schedule: "0 3 * * 5-1", drill: { schedule: "50-10 * * * *", verifyTables: ["public.orders"] } };
      }),
      expected: [
        `${P}backup.schedule ("0 3 * * 5-1") has a backwards range "5-1" in the day of week field (Kubernetes refuses a range whose start is after its end): write "1-5", or "5-6,0-1" for a range that wraps: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`,
        `${P}backup.drill.schedule ("50-10 * * * *") has a backwards range "50-10" in the minute field (Kubernetes refuses a range whose start is after its end): write "10-50", or "50-59,0-10" for a range that wraps: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`,
      ],
    },
  ],
  // RFC 1123 host names: labels of letters, digits and "-", not starting or ending with "-",
  // 1-63 characters, 253 in all; Kubernetes Ingress hosts are lowercase.
  "host names and URLs": [
    {
      name: "ingress hosts with a leading dash, double dots, a URL and uppercase",
      values: edited("dev", (v) => {
        v.services[0].ingress = { host: "-web.example.com", previewHost: "web..example.com" };
        v.monitoring = { grafana: { host: "https://grafana.example.com" } };
        const second = { ...structuredClone(v.services[0]), name: "api", ingress: { host: "API.example.com" } };
        v.services.push(second);
      }),
      expected: [
        `${P}services[0].ingress.host ("-web.example.com") has the label "-web", which starts or ends with "-" (RFC 1123)`,
        `${P}services[0].ingress.previewHost ("web..example.com") has an empty label (a leading, trailing or double "."): write e.g. "app.example.com" (RFC 1123)`,
        `${P}services[1].ingress.host ("API.example.com") must be lowercase: Kubernetes accepts only lowercase host names; write "api.example.com"`,
        `${P}monitoring.grafana.host ("https://grafana.example.com") is a URL where a host name is expected: write the host alone, e.g. "db.example.com"`,
      ],
    },
    {
      name: "a database host given as a URL, and one with a port",
      values: edited("staging", (v) => {
        v.postgres.host = "postgres://db.example.com:5432/app";
        v.redis.host = "cache.example.com:6379";
      }),
      expected: [
        `${P}postgres.host ("postgres://db.example.com:5432/app") is a URL where a host name is expected: write the host alone, e.g. "db.example.com"`,
        `${P}redis.host ("cache.example.com:6379") has a port: write the host alone and set the port in its own field`,
      ],
    },
    {
      name: "a probe URL with an ftp scheme, a javascript: runbook base, a file: webhook",
      values: edited("dev", (v) => {
        v.monitoring = { probes: [{ name: "files", url: "ftp://files.example.com/health" }] };
        v.alerting = { runbookBaseUrl: "javascript:alert(document.cookie)//", receivers: { webhook: { url: "file:///etc/passwd" } } };
      }),
      expected: [
        `${P}monitoring.probes[0].url ("ftp://files.example.com/health") has the scheme "ftp:", but only https: and http: are allowed here: write e.g. "https://example.com/path"`,
        `${P}alerting.receivers.webhook.url ("file:///etc/passwd") has the scheme "file:", but only https: and http: are allowed here: write e.g. "https://example.com/path"`,
        `${P}alerting.runbookBaseUrl ("javascript:alert(document.cookie)//") has the scheme "javascript:", but only https: and http: are allowed here: write e.g. "https://example.com/path"`,
      ],
    },
    {
      name: "a remote-write URL whose host has a bad label, and an SMTP smarthost with one",
      values: edited("staging", (v) => {
        v.monitoring.prometheus.remoteWrite = [{ name: "mimir", url: "https://mimir-.example.com/api/v1/push" }];
        v.alerting.receivers.email = { to: ["oncall@example.com"], from: "alerts@example.com", smarthost: "smtp..example.com:587" };
      }),
      expected: [
        `${P}monitoring.prometheus.remoteWrite[0].url ("https://mimir-.example.com/api/v1/push") has the host "mimir-.example.com", which has the label "mimir-", which starts or ends with "-" (RFC 1123)`,
        `${P}alerting.receivers.email.smarthost ("smtp..example.com:587") has the host "smtp..example.com", which has an empty label (a leading, trailing or double "."): write e.g. "app.example.com" (RFC 1123)`,
      ],
    },
  ],
  // IANA tz database names, case-sensitive as Alertmanager (Go's time.LoadLocation) reads them.
  "time zones": [
    {
      name: "an unknown zone, a misspelt one, and wrong case",
      values: edited("dev", (v) => {
        v.alerting = { maintenance: { weekdays: ["sunday"], startTime: "02:00", endTime: "04:00", location: "Mars/Olympus_Mons" } };
      }),
      expected: [`${P}alerting.maintenance.location ("Mars/Olympus_Mons") is not an IANA time zone: use a tz database name such as "Europe/Berlin" or "UTC"`],
    },
    {
      name: "a misspelt zone",
      values: edited("dev", (v) => {
        v.alerting = { maintenance: { weekdays: ["sunday"], startTime: "02:00", endTime: "04:00", location: "Europe/Berln" } };
      }),
      expected: [`${P}alerting.maintenance.location ("Europe/Berln") is not an IANA time zone: did you mean "Europe/Berlin"?`],
    },
    {
      name: "a zone in the wrong case",
      values: edited("dev", (v) => {
        v.alerting = { maintenance: { weekdays: ["sunday"], startTime: "02:00", endTime: "04:00", location: "europe/berlin" } };
      }),
      expected: [`${P}alerting.maintenance.location ("europe/berlin") is not an IANA time zone as written: names are case-sensitive; write "Europe/Berlin"`],
    },
  ],
  "namespace roles": [
    {
      name: "monitoring and backup mapped onto the apps namespace; kube-system taken",
      values: edited("dev", (v) => {
        v.namespaces = { apps: "shop", monitoring: "shop", backup: "kube-system" };
      }),
      expected: [
        `${P}namespaces.monitoring ("shop") is also namespaces.apps: each role needs its own namespace (the platform creates one Namespace per role, each with its own Pod Security level, and two would conflict); choose another name`,
        `${P}namespaces.backup ("kube-system") is a namespace Kubernetes manages itself (default, kube-system, kube-public, kube-node-lease): the platform would take it over and relabel it; choose another name`,
      ],
    },
  ],
  // The allowed registries are those of the stack's own policy config (policy/config/production.json).
  "image registries": [
    {
      name: "production images from Docker Hub, which production's policy does not allow",
      stack: "production",
      values: edited("production", (v) => {
        // Pinned by digest, as production requires, so that only the registries are at fault.
        const DIGEST = `sha256:${"d".repeat(64)}`;
        v.services[0].image = { blue: `nginx:1.27.3@${DIGEST}`, green: `docker.io/bitnami/nginx:1.27.3@${DIGEST}` };
        v.services[0].migration = { name: "schema", image: `public.ecr.aws/org/migrate:1.0.0@${DIGEST}`, command: ["./migrate", "up"] };
        v.backup.image = `quay.io/org/backup:1.0.0@${DIGEST}`;
      }),
      expected: [
        `${P}services[0].image.blue ("nginx:1.27.3@sha256:dddddddddddddddddddddddddddddddddddd...) comes from docker.io, which policy/config/production.json does not allow (allowed-registries: ghcr.io, quay.io, registry.k8s.io, registry.example.com, *.dkr.ecr.*.amazonaws.com): mirror the image into an allowed registry, or add docker.io to allowed-registries.registries`,
        `${P}services[0].image.green ("docker.io/bitnami/nginx:1.27.3@sha256:dddddddddddddddddd...) comes from docker.io, which policy/config/production.json does not allow (allowed-registries: ghcr.io, quay.io, registry.k8s.io, registry.example.com, *.dkr.ecr.*.amazonaws.com): mirror the image into an allowed registry, or add docker.io to allowed-registries.registries`,
        `${P}services[0].migration.image ("public.ecr.aws/org/migrate:1.0.0@sha256:dddddddddddddddd...) comes from public.ecr.aws, which policy/config/production.json does not allow (allowed-registries: ghcr.io, quay.io, registry.k8s.io, registry.example.com, *.dkr.ecr.*.amazonaws.com): mirror the image into an allowed registry, or add public.ecr.aws to allowed-registries.registries`,
      ],
    },
  ],
  "risky production edits": [
    {
      name: "a maintenance window that mutes warnings around the clock",
      values: edited("production", (v) => {
        v.alerting.maintenance = { weekdays: ["monday:saturday", "sunday"], startTime: "00:00", endTime: "24:00" };
      }),
      expected: [
        `${P}alerting.maintenance ({"weekdays":["monday:saturday","sunday"],"startTime":"00:...) mutes warnings around the clock (every day, 00:00-24:00), so production warnings would never notify anyone: limit the window to the hours work is done, e.g. sunday 02:00-04:00`,
      ],
    },
    {
      name: "the heartbeat (dead man's switch) removed",
      values: edited("production", (v) => {
        delete v.alerting.heartbeat;
        delete v.heartbeatUrl;
      }),
      expected: [
        `${P}alerting.heartbeat (unset) is required in production: without the dead man's switch nobody learns that Prometheus or Alertmanager stopped alerting; add \`heartbeat: {}\` and set the secret \`heartbeatUrl\``,
      ],
    },
    {
      name: "egress to 0.0.0.0/0 and to a /4",
      values: edited("production", (v) => {
        v.services[0].egress = [{ cidr: "0.0.0.0/0", ports: [443] }, { cidr: "10.0.0.0/16", ports: [5432] }, { cidr: "64.0.0.0/4", ports: [443] }];
      }),
      expected: [
        `${P}services[0].egress[0].cidr ("0.0.0.0/0") opens egress to every address on the internet: production pods may reach only what they need; declare the endpoints' own ranges (a /8 or narrower)`,
        `${P}services[0].egress[2].cidr ("64.0.0.0/4") opens egress to 2^28 addresses: production pods may reach only what they need; declare the endpoints' own ranges (a /8 or narrower)`,
      ],
    },
    {
      name: "Postgres without TLS and Redis without TLS",
      values: edited("production", (v) => {
        v.postgres.sslMode = "disable";
        v.redis.tls = false;
      }),
      expected: [
        `${P}postgres.sslMode ("disable") must not be "disable" in production: credentials and data would cross the network in clear text; use "verify-full"`,
        `${P}redis.tls (false) must be true in production: without TLS the Redis password and data cross the network in clear text; enable TLS on the endpoint and remove \`tls: false\``,
      ],
    },
    {
      name: "a policy config that makes production advisory-only",
      stack: "prod-eu",
      rootDir: policyFolder("prod-eu", { all: "advisory", "allowed-registries": { enforcementLevel: "disabled" }, "no-latest-image": "advisory" }),
      values: edited("production", () => {}),
      expected: [
        `policy/config/prod-eu.json:all ("advisory") must be "mandatory" for production: advisory policies only warn, so nothing would stop an unsafe deployment; set "all": "mandatory"`,
        `policy/config/prod-eu.json:allowed-registries ("disabled") turns a policy off in production: keep it mandatory, or exempt the one workload that needs it with allowedWorkloads and a reason`,
        `policy/config/prod-eu.json:no-latest-image ("advisory") turns a policy into a warning in production: keep it mandatory, or exempt the one workload that needs it with allowedWorkloads and a reason`,
      ],
    },
  ],
};

describe("hostile stack files are refused at load with every problem named", () => {
  for (const [category, list] of Object.entries(HOSTILE)) {
    describe(category, () => {
      for (const c of list) {
        it(c.name, () => {
          expect(problemsOfCase(c)).toEqual(c.expected);
        });
      }
    });
  }

  it("every case is refused as a whole stack file too (what `platform render` reads)", () => {
    for (const list of Object.values(HOSTILE)) {
      for (const c of list) {
        if (c.extraRaw || c.extraSecret || c.stack) continue;
        expect(problemsOf(c.values).length, c.name).toBeGreaterThan(0);
      }
    }
  });
});

describe("stack file top-level keys", () => {
  it("names a misspelt `config:` with a did-you-mean, without showing its values", () => {
    const text = stackYaml(edited("dev", () => {})).replace(/^config:/m, "confg:");
    const dir = stackFolder("typo", text);
    expect(() => readStackConfig(dir, "typo")).toThrow(StackFileError);
    expect(() => readStackConfig(dir, "typo")).toThrow(
      'invalid stack file Pulumi.typo.yaml (1 problem):\n  - confg (a map of 3 keys) is not a stack file setting: did you mean "config:"? Rename it: nothing under an unknown key reaches the program',
    );
  });

  it("accepts the settings the Pulumi CLI writes (secretsprovider, encryptedkey, encryptionsalt, environment)", () => {
    const text = `secretsprovider: passphrase\nencryptionsalt: v1:abc\nencryptedkey: xyz\nenvironment: [team/dev]\n${stackYaml(edited("dev", () => {}))}`;
    expect(readStackConfig(stackFolder("ok", text), "ok").config[`${P}environment`]).toBe("dev");
  });
});

describe("provider config keys", () => {
  // The lists must be what the installed provider packages define, not a retyped guess.
  const root = path.resolve(__dirname, "../../node_modules/@pulumi");
  it("kubernetes: every ProviderArgs property of @pulumi/kubernetes", () => {
    const dts = fs.readFileSync(path.join(root, "kubernetes/provider.d.ts"), "utf8");
    const block = /export interface ProviderArgs \{([\s\S]*?)\n\}/.exec(dts)![1];
    const names = [...block.matchAll(/^ {4}(\w+)\?:/gm)].map((m) => m[1]);
    expect([...PROVIDER_CONFIG_KEYS.kubernetes].sort()).toEqual(names.sort());
  });
  for (const pkg of ["aws", "docker"]) {
    it(`${pkg}: every config variable of @pulumi/${pkg}/config/vars`, () => {
      const js = fs.readFileSync(path.join(root, pkg, "config/vars.js"), "utf8");
      const names = [...js.matchAll(/Object\.defineProperty\(exports, "(\w+)"/g)].map((m) => m[1]).filter((n) => n !== "__esModule");
      expect([...PROVIDER_CONFIG_KEYS[pkg]].sort()).toEqual(names.sort());
    });
  }
});
