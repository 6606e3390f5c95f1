import { describe, expect, it } from "vitest";
import {
  ConfigError,
  SECRET_KEYS,
  decodeRawConfig,
  didYouMean,
  editDistance,
  formatPath,
  formatValue,
  loadPlatformConfig,
  problem,
} from "../../stacks/config";
import type { Environment } from "../../lib/environment";
import { baseValues, edited, load, problemsOf, rawConfig, secretKeysOf, type StackValues } from "./fixtures";

const P = "app-platform:";

/** One bad input and every message it must produce, in order. */
interface Case {
  readonly name: string;
  readonly values: StackValues;
  readonly plaintext?: readonly string[];
  readonly expected: readonly string[];
}

const cases = (list: Case[]) => list;

const schemaCases = cases([
  {
    name: "misspelt top-level key, with the required key it was meant to be",
    values: edited("dev", (v) => {
      v.enviroment = v.environment;
      delete v.environment;
    }),
    expected: [
      `${P}environment (unset) is required: set it in Pulumi.<stack>.yaml to one of "dev", "staging", "production"`,
      `${P}enviroment ("dev") is not a known key: did you mean "environment"? Rename it`,
    ],
  },
  {
    name: "misspelt nested key",
    values: edited("dev", (v) => {
      v.services[0].replica = v.services[0].replicas;
      delete v.services[0].replicas;
    }),
    expected: [
      `${P}services[0].replicas (unset) is required: set it in Pulumi.<stack>.yaml (a map of keys)`,
      `${P}services[0].replica ({"min":1,"max":2}) is not a known key: did you mean "replicas"? Rename it`,
    ],
  },
  {
    name: "unknown nested keys, one close to a known key and one not",
    values: edited("dev", (v) => {
      v.monitoring = { grafanaa: {}, zzzzzz: 1 };
    }),
    expected: [
      `${P}monitoring.grafanaa ({}) is not a known key: did you mean "grafana"? Rename it`,
      `${P}monitoring.zzzzzz (1) is not a known key: known keys under ${P}monitoring: chartVersion, scrapeInterval, evaluationInterval, prometheus, alertmanager, grafana, probes; remove it or fix its spelling`,
    ],
  },
  {
    name: "unknown key deep in a service's probe",
    values: edited("dev", (v) => {
      v.services[0].probes.readiness.periodSecond = 5;
    }),
    expected: [`${P}services[0].probes.readiness.periodSecond (5) is not a known key: did you mean "periodSeconds"? Rename it`],
  },
  {
    name: "string where a number belongs",
    values: edited("dev", (v) => {
      v.services[0].port = "http";
    }),
    expected: [`${P}services[0].port ("http") must be a number; write it as a number such as 3`],
  },
  {
    name: "fraction where a whole number belongs",
    values: edited("dev", (v) => {
      v.services[0].replicas.min = 1.5;
    }),
    expected: [`${P}services[0].replicas.min (1.5) must be a whole number; write it as a number such as 3`],
  },
  {
    name: "scalar where a list belongs",
    values: edited("dev", (v) => {
      v.services = "web";
    }),
    expected: [`${P}services ("web") must be a list; write it as a YAML list`],
  },
  {
    name: "scalar where a map belongs",
    values: edited("dev", (v) => {
      v.services[0].image = "ghcr.io/org/web:1.4.2";
    }),
    expected: [`${P}services[0].image ("ghcr.io/org/web:1.4.2") must be a map of keys; write it as a YAML map`],
  },
  {
    name: "string where a boolean belongs",
    values: edited("dev", (v) => {
      v.backup = { enabled: "yes" };
    }),
    expected: [`${P}backup.enabled ("yes") must be a boolean; write it as true or false`],
  },
  {
    name: "environment typo",
    values: edited("dev", (v) => {
      v.environment = "producton";
    }),
    expected: [`${P}environment ("producton") must be one of "dev", "staging", "production": did you mean "production"?`],
  },
  {
    name: "cluster platform typo",
    values: edited("dev", (v) => {
      v.clusterPlatform = "eksx";
    }),
    expected: [`${P}clusterPlatform ("eksx") must be one of "eks", "gke", "aks", "kind", "generic": did you mean "eks"?`],
  },
  {
    name: "colour typo",
    values: edited("dev", (v) => {
      v.services[0].activeColor = "blu";
    }),
    expected: [`${P}services[0].activeColor ("blu") must be one of "blue", "green": did you mean "blue"?`],
  },
  {
    name: "datastore mode typo",
    values: edited("dev", (v) => {
      v.postgres = { mode: "incluster" };
    }),
    expected: [`${P}postgres.mode ("incluster") must be one of "in-cluster", "external": did you mean "in-cluster"?`],
  },
  {
    name: "nothing set at all",
    values: {},
    expected: [
      `${P}environment (unset) is required: set it in Pulumi.<stack>.yaml to one of "dev", "staging", "production"`,
      `${P}clusterPlatform (unset) is required: set it in Pulumi.<stack>.yaml to one of "eks", "gke", "aks", "kind", "generic"`,
    ],
  },
  {
    name: "time scale of zero",
    values: edited("dev", (v) => {
      v.timeScale = 0;
    }),
    expected: [`${P}timeScale (0) must be > 0`],
  },
  {
    name: "time scale above one",
    values: edited("dev", (v) => {
      v.timeScale = 2;
    }),
    expected: [`${P}timeScale (2) must be <= 1`],
  },
  {
    name: "namespace name, CPU quantity and pod count",
    values: edited("dev", (v) => {
      v.namespaces = { apps: "Apps", quota: { cpu: "lots", memory: "1Gi", pods: 0 } };
    }),
    expected: [
      `${P}namespaces.apps ("Apps") must be a DNS label: lowercase letters, digits and '-', starting with a letter`,
      `${P}namespaces.quota.cpu ("lots") must be a CPU quantity such as "250m" or "1"`,
      `${P}namespaces.quota.pods (0) must be >= 1`,
    ],
  },
  {
    name: "Slack channel without #",
    values: edited("staging", (v) => {
      v.alerting.receivers.slack.channel = "alerts";
    }),
    expected: [`${P}alerting.receivers.slack.channel ("alerts") must be a channel name such as "#alerts"`],
  },
  {
    name: "email receiver with a bad address and smarthost",
    values: edited("staging", (v) => {
      v.alerting.receivers.email = { to: ["not-an-email"], from: "alerts@example.com", smarthost: "smtp" };
    }),
    expected: [
      `${P}alerting.receivers.email.to[0] ("not-an-email") must be an email address such as "oncall@example.com"`,
      `${P}alerting.receivers.email.smarthost ("smtp") must be "host:port"`,
    ],
  },
  {
    name: "webhook URL that is not a URL",
    values: edited("dev", (v) => {
      v.alerting = { receivers: { webhook: { url: "nope" } } };
    }),
    expected: [`${P}alerting.receivers.webhook.url ("nope") must be a URL such as "https://example.com/path"`],
  },
  {
    name: "AWS region and secret recovery window",
    values: edited("staging", (v) => {
      v.aws = { region: "Europe", secretRecoveryDays: 3 };
    }),
    expected: [
      `${P}aws.region ("Europe") must be an AWS region such as "eu-west-1"`,
      `${P}aws.secretRecoveryDays (3) must be >= 7`,
    ],
  },
  {
    name: "chart version and scrape interval",
    values: edited("dev", (v) => {
      v.monitoring = { chartVersion: "latest", scrapeInterval: "30 seconds" };
    }),
    expected: [
      `${P}monitoring.chartVersion ("latest") must be an exact chart version such as "79.0.1"`,
      `${P}monitoring.scrapeInterval ("30 seconds") must be a duration such as "30s", "5m" or "1h"`,
    ],
  },
  {
    name: "settings key that is not an environment variable name",
    values: edited("dev", (v) => {
      v.services[0].settings = { "bad-name": "x" };
    }),
    expected: [`${P}services[0].settings.bad-name ("bad-name") is not a valid key: must be an environment variable name`],
  },
  {
    name: "threshold that is neither a number nor a duration",
    values: edited("dev", (v) => {
      v.alerting = { thresholds: { errorRate: true, latencyFor: "5 minutes" } };
    }),
    expected: [
      `${P}alerting.thresholds.errorRate (true) must be a number or a string`,
      `${P}alerting.thresholds.latencyFor ("5 minutes") must be a duration such as "5m" (how long p95 latency must stay above its threshold)`,
    ],
  },
  {
    name: "empty credential",
    values: edited("staging", (v) => {
      v.redisPassword = "";
    }),
    expected: [`${P}redisPassword ("") must not be empty`],
  },
  {
    name: "credentials in plaintext",
    values: baseValues("staging"),
    plaintext: ["slackWebhookUrl", "postgresPassword"],
    expected: [
      `${P}slackWebhookUrl ("[plaintext]") is a credential given in plaintext: remove it from the stack file and run \`pulumi config set --secret slackWebhookUrl <value>\``,
      `${P}postgresPassword ("[plaintext]") is a credential given in plaintext: remove it from the stack file and run \`pulumi config set --secret postgresPassword <value>\``,
    ],
  },
]);

const ruleCases = cases([
  {
    name: "replicas.min above replicas.max",
    values: edited("dev", (v) => {
      v.services[0].replicas = { min: 5, max: 3 };
    }),
    expected: [`${P}services[0].replicas.min (5) must be <= replicas.max (3)`],
  },
  {
    name: "production service with one replica",
    values: edited("production", (v) => {
      v.services[0].replicas.min = 1;
    }),
    expected: [`${P}services[0].replicas.min (1) must be >= 2 in production so that one pod can fail or be evicted without an outage`],
  },
  {
    name: "latest tag in staging",
    values: edited("staging", (v) => {
      v.services[0].image.green = "ghcr.io/org/web:latest";
    }),
    expected: [`${P}services[0].image.green ("ghcr.io/org/web:latest") must not use the "latest" tag in staging: pin a version tag or a digest`],
  },
  {
    name: "untagged image in staging",
    values: edited("staging", (v) => {
      v.services[0].image.blue = "ghcr.io/org/web";
    }),
    expected: [`${P}services[0].image.blue ("ghcr.io/org/web") has no tag, which means "latest": pin a version tag or a digest in staging`],
  },
  {
    name: "branch tag in production",
    values: edited("production", (v) => {
      v.services[0].image.blue = "ghcr.io/org/web:main";
    }),
    expected: [
      `${P}services[0].image.blue ("ghcr.io/org/web:main") must name a digest in production ("ghcr.io/org/web:main@sha256:<digest>"): a tag can be moved or re-pushed, so the same name can run different code; run \`platform pin-images production\` where the registry is reachable`,
    ],
  },
  {
    name: "a migration image by tag in production",
    values: edited("production", (v) => {
      v.services[0].migration = { name: "schema", image: "ghcr.io/org/web-migrate:1.4.2", command: ["./migrate", "up"] };
    }),
    expected: [
      `${P}services[0].migration.image ("ghcr.io/org/web-migrate:1.4.2") must name a digest in production ("ghcr.io/org/web-migrate:1.4.2@sha256:<digest>"): a tag can be moved or re-pushed; or leave it unset to run the new colour's image`,
    ],
  },
  {
    // A version tag is no pin either: a registry without immutable tags lets it be re-pushed.
    name: "version tag in production",
    values: edited("production", (v) => {
      v.services[0].image.green = "ghcr.io/org/web:1.4.2";
    }),
    expected: [
      `${P}services[0].image.green ("ghcr.io/org/web:1.4.2") must name a digest in production ("ghcr.io/org/web:1.4.2@sha256:<digest>"): a tag can be moved or re-pushed, so the same name can run different code; run \`platform pin-images production\` where the registry is reachable`,
    ],
  },
  {
    // The chart's operator by tag: the chart 79.7.1 runs quay.io's v0.86.2, and no digest is known for it.
    name: "a third-party image by tag in production",
    values: edited("production", (v) => {
      v.images.prometheusOperator = "quay.io/prometheus-operator/prometheus-operator:v0.86.2";
    }),
    expected: [
      `${P}images.prometheusOperator ("quay.io/prometheus-operator/prometheus-operator:v0.86.2") must name a digest in production ("quay.io/prometheus-operator/prometheus-operator:v0.86.2@sha256:<digest>"): a tag can be moved or re-pushed, so the same name can run different code; run \`platform pin-images production\` where the registry is reachable (it writes the digest here), or set it yourself`,
    ],
  },
  {
    // Unset, the redis exporter runs its default, quay.io/oliver006/redis_exporter:v1.74.0, by tag.
    name: "production leaves a third-party image without a known digest unset",
    values: edited("production", (v) => {
      delete v.images.redisExporter;
    }),
    expected: [
      `${P}images.redisExporter ("quay.io/oliver006/redis_exporter:v1.74.0") must name a digest in production ("quay.io/oliver006/redis_exporter:v1.74.0@sha256:<digest>"): a tag can be moved or re-pushed, so the same name can run different code; run \`platform pin-images production\` where the registry is reachable (it writes the digest here), or set it yourself`,
    ],
  },
  {
    // A mirror keeps the chart's tag; another operator version would not match the chart's CRDs.
    name: "a chart image with another tag than its chart version's",
    values: edited("staging", (v) => {
      v.images = { prometheusOperator: "registry.example.com/mirror/prometheus-operator:v0.85.0" };
    }),
    expected: [
      `${P}images.prometheusOperator ("registry.example.com/mirror/prometheus-operator:v0.85.0") has tag v0.85.0, but chart 79.7.1 runs v0.86.2 (quay.io/prometheus-operator/prometheus-operator:v0.86.2): keep the chart's tag (a mirror may change the registry and repository), or change monitoring.chartVersion`,
    ],
  },
  {
    // 79.7.2 is a real later chart; this program knows the images of 79.7.1 only, so production
    // must be told each one the fixture does not already set.
    name: "production on a chart version whose images the program does not know",
    values: edited("production", (v) => {
      v.monitoring.chartVersion = "79.7.2";
    }),
    expected: ["prometheus", "alertmanager", "grafana", "kubeStateMetrics", "nodeExporter"].map(
      (role) =>
        `${P}images.${role} (unset) is required in production with monitoring.chartVersion 79.7.2, for which this program knows no images: the chart would run its own by tag; set it to the image and tag the chart's values.yaml names ("<registry>/<repository>:<tag>"), then run \`platform pin-images production\`, which adds the digest`,
    ),
  },
  {
    name: "production without PagerDuty",
    values: edited("production", (v) => {
      delete v.alerting.receivers.pagerduty;
      delete v.pagerdutyRoutingKey;
    }),
    expected: [`${P}alerting.receivers.pagerduty (unset) is required in production: critical alerts must page someone; add \`pagerduty: {}\` and set the secret \`pagerdutyRoutingKey\``],
  },
  {
    name: "staging without Slack",
    values: edited("staging", (v) => {
      v.alerting.receivers = {};
      delete v.slackWebhookUrl;
    }),
    expected: [`${P}alerting.receivers.slack (unset) is required in staging: warnings go to Slack; add \`slack: { channel: "#alerts" }\` and set the secret \`slackWebhookUrl\``],
  },
  {
    name: "production without Object Lock",
    values: edited("production", (v) => {
      delete v.backup.objectLock;
    }),
    expected: [`${P}backup.objectLock (unset) is required in production: add \`objectLock: { mode: "COMPLIANCE", days: 30 }\` so that backups cannot be deleted or overwritten`],
  },
  {
    name: "in-cluster Postgres in production",
    values: edited("production", (v) => {
      v.postgres = { mode: "in-cluster" };
      delete v.postgresPassword;
      delete v.postgresMonitoringPassword;
      delete v.postgresBackupPassword;
    }),
    expected: [`${P}postgres.mode ("in-cluster") must be "external" in production (the in-cluster instance is throwaway and unreplicated): set mode "external", postgres.host and the secret postgresPassword`],
  },
  {
    name: "Slack receiver without its webhook secret",
    values: edited("staging", (v) => {
      delete v.slackWebhookUrl;
    }),
    expected: [`${P}alerting.receivers.slack ({"channel":"#alerts"}) needs its credential: run \`pulumi config set --secret slackWebhookUrl <value>\``],
  },
  {
    name: "PagerDuty receiver without its routing key",
    values: edited("production", (v) => {
      delete v.pagerdutyRoutingKey;
    }),
    expected: [`${P}alerting.receivers.pagerduty ({}) needs its credential: run \`pulumi config set --secret pagerdutyRoutingKey <value>\``],
  },
  {
    name: "routing key without a PagerDuty receiver",
    values: edited("staging", (v) => {
      v.pagerdutyRoutingKey = "routing-key";
    }),
    expected: [`${P}pagerdutyRoutingKey ("[secret]") is set but alerting.receivers.pagerduty is not configured: configure the receiver or remove the key`],
  },
  {
    name: "SMTP user without a password",
    values: edited("staging", (v) => {
      v.alerting.receivers.email = { to: ["oncall@example.com"], from: "alerts@example.com", smarthost: "smtp.example.com:587", username: "alerts" };
    }),
    expected: [`${P}alerting.receivers.email.username ("alerts") needs a password: run \`pulumi config set --secret smtpPassword <value>\``],
  },
  {
    name: "heartbeat without its URL",
    values: edited("staging", (v) => {
      v.alerting.heartbeat = { repeatInterval: "1m" };
    }),
    expected: [`${P}alerting.heartbeat ({"repeatInterval":"1m"}) needs the dead-man's-switch URL: run \`pulumi config set --secret heartbeatUrl <url>\``],
  },
  {
    name: "cron hour out of range",
    values: edited("dev", (v) => {
      v.backup = { schedule: "0 25 * * *" };
    }),
    expected: [`${P}backup.schedule ("0 25 * * *") has hour "25" outside 0-23: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`],
  },
  {
    name: "cron with four fields, and a drill minute out of range",
    values: edited("dev", (v) => {
      v.backup = { schedule: "0 3 * *", drill: { schedule: "61 * * * *" } };
    }),
    expected: [
      `${P}backup.schedule ("0 3 * *") must have 5 fields (minute hour day-of-month month day-of-week), found 4: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`,
      `${P}backup.drill.schedule ("61 * * * *") has minute "61" outside 0-59: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`,
    ],
  },
  {
    name: "cron weekday name misspelt",
    values: edited("dev", (v) => {
      v.backup = { schedule: "0 3 * * mon-fry" };
    }),
    expected: [`${P}backup.schedule ("0 3 * * mon-fry") has day of week "fry", which is neither a number in 0-7 nor a name such as "mon": write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`],
  },
  {
    name: "cron hour that is a word",
    values: edited("dev", (v) => {
      v.backup = { schedule: "0 three * * *" };
    }),
    expected: [`${P}backup.schedule ("0 three * * *") has hour "three", which is not a number in 0-23: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`],
  },
  {
    name: "cron zero step",
    values: edited("dev", (v) => {
      v.backup = { schedule: "*/0 3 * * *" };
    }),
    expected: [`${P}backup.schedule ("*/0 3 * * *") has a zero step in the minute field: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`],
  },
  {
    name: "staging without AWS",
    values: edited("staging", (v) => {
      delete v.aws;
    }),
    expected: [`${P}aws (unset) is required in staging: backups go to S3 and secrets to Secrets Manager; add \`aws: { region: "eu-west-1" }\``],
  },
  {
    name: "AWS in dev",
    values: edited("dev", (v) => {
      v.aws = { region: "eu-west-1" };
    }),
    expected: [`${P}aws ({"region":"eu-west-1"}) is not used in dev (dev needs no cloud account): remove it`],
  },
  {
    name: "time scale outside dev",
    values: edited("staging", (v) => {
      v.timeScale = 0.1;
    }),
    expected: [`${P}timeScale (0.1) is for end-to-end tests of dev only: remove it`],
  },
  {
    name: "duplicate service names",
    values: edited("dev", (v) => {
      v.services.push(structuredClone(v.services[0]));
    }),
    expected: [`${P}services[1].name ("web") duplicates services[0].name: service names must be unique`],
  },
  {
    name: "webhook receiver in staging",
    values: edited("staging", (v) => {
      v.alerting.receivers.webhook = { url: "http://localhost:9000/hook" };
    }),
    expected: [`${P}alerting.receivers.webhook ({"url":"http://localhost:9000/hook"}) is for dev only: use slack, pagerduty or email receivers in shared environments`],
  },
  {
    name: "idle replicas above the maximum",
    values: edited("dev", (v) => {
      v.services[0].idleReplicas = 5;
    }),
    expected: [`${P}services[0].idleReplicas (5) must be <= replicas.max (2)`],
  },
  {
    name: "cold idle colour in production",
    values: edited("production", (v) => {
      v.services[0].idleReplicas = 0;
    }),
    expected: [`${P}services[0].idleReplicas (0) must be >= 2 in production: the idle colour stays warm so that a rollback is instant, and its PodDisruptionBudget must allow an eviction while keeping a pod`],
  },
  {
    name: "limits below requests",
    values: edited("dev", (v) => {
      v.services[0].resources = { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "250m", memory: "256Mi" } };
    }),
    expected: [
      `${P}services[0].resources.limits.memory ("256Mi") must be >= resources.requests.memory (512Mi)`,
      `${P}services[0].resources.limits.cpu ("250m") must be >= resources.requests.cpu (500m)`,
    ],
  },
  {
    name: "probe on a port the container does not serve",
    values: edited("dev", (v) => {
      v.services[0].probes.readiness.port = 9999;
    }),
    expected: [`${P}services[0].probes.readiness.port (9999) must be a port the container serves (port 8080)`],
  },
  {
    name: "readiness and liveness on the same path outside dev",
    values: edited("staging", (v) => {
      v.services[0].probes.readiness.path = "/healthz";
    }),
    expected: [`${P}services[0].probes.readiness.path ("/healthz") must differ from probes.liveness.path: readiness reports whether to send traffic, liveness whether to restart`],
  },
  {
    name: "preview host equal to the host",
    values: edited("dev", (v) => {
      v.services[0].ingress = { host: "web.example.com", previewHost: "web.example.com" };
    }),
    expected: [`${P}services[0].ingress.previewHost ("web.example.com") must differ from ingress.host: the preview colour needs its own host`],
  },
  {
    name: "variable both plain and secret",
    values: edited("dev", (v) => {
      v.services[0].settings = { DB_PASSWORD: "x" };
      v.services[0].secretSettings = { DB_PASSWORD: { secretName: "postgres-credentials", key: "password" } };
    }),
    expected: [`${P}services[0].secretSettings.DB_PASSWORD ({"secretName":"postgres-credentials","key":"password"}) conflicts with settings.DB_PASSWORD: a variable is either plain or secret; remove one`],
  },
  {
    name: "egress with both or neither destination",
    values: edited("dev", (v) => {
      v.services[0].egress = [{ namespace: "data", cidr: "10.0.0.0/8", ports: [5432] }, { ports: [443] }];
    }),
    expected: [
      `${P}services[0].egress[0] ({"namespace":"data","cidr":"10.0.0.0/8","ports":[5432]}) must set exactly one of "namespace" or "cidr"`,
      `${P}services[0].egress[1] ({"ports":[443]}) must set exactly one of "namespace" or "cidr"`,
    ],
  },
  {
    name: "maintenance window ending before it starts",
    values: edited("staging", (v) => {
      v.alerting.maintenance = { weekdays: ["sunday"], startTime: "04:00", endTime: "02:00" };
    }),
    expected: [`${P}alerting.maintenance.endTime ("02:00") must be after startTime (04:00) on the same day`],
  },
  {
    name: "transition not before expiry",
    values: edited("staging", (v) => {
      v.backup = { retentionDays: 30, transitionDays: 30 };
    }),
    expected: [`${P}backup.transitionDays (30) must be < backup.retentionDays (30), or backups expire before they move to cheaper storage`],
  },
  {
    name: "Object Lock longer than retention",
    values: edited("production", (v) => {
      v.backup.retentionDays = 20;
    }),
    expected: [
      `${P}backup.transitionDays (30) must be < backup.retentionDays (20), or backups expire before they move to cheaper storage`,
      `${P}backup.objectLock.days (30) must be <= backup.retentionDays (20): locked objects cannot expire`,
    ],
  },
  {
    name: "backups off in production",
    values: edited("production", (v) => {
      v.backup = { enabled: false };
    }),
    expected: [
      // Without backups no image carries the RDS roots the exporter verifies Postgres with.
      `${P}postgres.caBundle (unset) is required with sslMode "verify-full" when backups are disabled and backup.image is unset: the exporter verifies the server against Amazon's RDS roots, which no public trust store holds and only the backup tools image carries; set postgres.caBundle to the PEM bundle (for RDS https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem), or enable backups`,
      `${P}backup.enabled (false) must be true in production: production data needs restorable, drilled backups; remove \`enabled: false\``,
    ],
  },
  {
    name: "single Prometheus and Alertmanager in production",
    values: edited("production", (v) => {
      v.monitoring = { prometheus: { ...v.monitoring.prometheus, replicas: 1 }, alertmanager: { ...v.monitoring.alertmanager, replicas: 1 } };
    }),
    expected: [
      `${P}monitoring.prometheus.replicas (1) must be >= 2 in production so that alerting survives the loss of one Prometheus`,
      `${P}monitoring.alertmanager.replicas (1) must be >= 2 in production so that notifications survive the loss of one Alertmanager`,
    ],
  },
  {
    name: "external endpoints without host or password",
    values: edited("staging", (v) => {
      delete v.postgres.host;
      delete v.redisPassword;
    }),
    expected: [
      `${P}postgres.host (unset) is required when postgres.mode is "external": set the endpoint's host name`,
      `${P}redis.mode ("external") needs the endpoint's password: run \`pulumi config set --secret redisPassword <value>\``,
    ],
  },
  {
    name: "host with an in-cluster datastore",
    values: edited("dev", (v) => {
      v.postgres = { mode: "in-cluster", host: "db.example.com" };
    }),
    expected: [`${P}postgres.host ("db.example.com") conflicts with postgres.mode "in-cluster": remove host, or set mode "external"`],
  },
]);

describe("loadPlatformConfig", () => {
  it.each(["dev", "staging", "production"] as Environment[])("accepts the minimal %s config", (env) => {
    expect(problemsOf(baseValues(env))).toEqual([]);
  });

  describe("schema problems", () => {
    it.each(schemaCases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      expect(problemsOf(c.values, c.plaintext)).toEqual(c.expected);
    });
  });

  describe("rule problems", () => {
    it.each(ruleCases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      expect(problemsOf(c.values, c.plaintext)).toEqual(c.expected);
    });
  });

  it("has at least 45 bad-input cases", () => {
    expect(schemaCases.length + ruleCases.length).toBeGreaterThanOrEqual(45);
  });

  it("reports every schema problem of one input at once: typo, wrong type, enum and plaintext credential", () => {
    const values = edited("staging", (v) => {
      v.clusterPlatform = "ekss";
      v.services[0].port = "8080";
      v.services[0].replicaz = { min: 1, max: 2 };
      v.monitoring = { prometheus: { replicas: "two" } };
    });
    expect(problemsOf(values, ["redisPassword"])).toEqual([
      `${P}redisPassword ("[plaintext]") is a credential given in plaintext: remove it from the stack file and run \`pulumi config set --secret redisPassword <value>\``,
      `${P}clusterPlatform ("ekss") must be one of "eks", "gke", "aks", "kind", "generic": did you mean "eks"?`,
      `${P}services[0].port ("8080") must be a number; write it as a number such as 3`,
      `${P}services[0].replicaz ({"min":1,"max":2}) is not a known key: did you mean "replicas"? Rename it`,
      `${P}monitoring.prometheus.replicas ("two") must be a number; write it as a number such as 3`,
    ]);
  });

  it("reports every production rule problem of one input at once", () => {
    const values = edited("production", (v) => {
      v.services[0].replicas.min = 1;
      v.services[0].image.green = "ghcr.io/org/web:latest";
      delete v.alerting.receivers.pagerduty;
      delete v.pagerdutyRoutingKey;
      delete v.backup.objectLock;
      v.redis = { mode: "in-cluster" };
      delete v.redisPassword;
      v.monitoring = { ...v.monitoring, prometheus: { ...v.monitoring.prometheus, replicas: 1 } };
    });
    expect(problemsOf(values)).toEqual([
      `${P}services[0].replicas.min (1) must be >= 2 in production so that one pod can fail or be evicted without an outage`,
      `${P}services[0].image.green ("ghcr.io/org/web:latest") must not use the "latest" tag in production: pin a version tag or a digest`,
      `${P}alerting.receivers.pagerduty (unset) is required in production: critical alerts must page someone; add \`pagerduty: {}\` and set the secret \`pagerdutyRoutingKey\``,
      `${P}redis.mode ("in-cluster") must be "external" in production (the in-cluster instance is throwaway and unreplicated): set mode "external", redis.host and the secret redisPassword`,
      `${P}backup.objectLock (unset) is required in production: add \`objectLock: { mode: "COMPLIANCE", days: 30 }\` so that backups cannot be deleted or overwritten`,
      `${P}monitoring.prometheus.replicas (1) must be >= 2 in production so that alerting survives the loss of one Prometheus`,
    ]);
  });

  it("accepts in dev what production refuses", () => {
    const values = edited("dev", (v) => {
      v.services[0].replicas.min = 1;
      v.services[0].image.green = "ghcr.io/org/web:latest";
      v.services[0].image.blue = "ghcr.io/org/web";
    });
    expect(problemsOf(values)).toEqual([]);
  });

  it("accepts digests in production, with or without the tag beside them", () => {
    const digest = `ghcr.io/org/web@sha256:${"a".repeat(64)}`;
    const values = edited("production", (v) => {
      v.services[0].image = { blue: digest, green: `ghcr.io/org/web:v2.3@sha256:${"b".repeat(64)}` };
    });
    expect(problemsOf(values)).toEqual([]);
  });

  it("reports schema and rule problems in one load; a service with a refused field still gets its other faults, and no echoes", () => {
    const values = edited("production", (v) => {
      const second = structuredClone(v.services[0]);
      second.name = "api";
      second.replicas = { min: 5, max: 3 };
      v.services[0].port = 80800;
      v.services[0].replicas = { min: 1, max: 4 };
      v.services.push(second);
      v.clusterPlatform = "ekss";
      delete v.backup.objectLock;
    });
    expect(problemsOf(values)).toEqual([
      `${P}clusterPlatform ("ekss") must be one of "eks", "gke", "aks", "kind", "generic": did you mean "eks"?`,
      `${P}services[0].port (80800) must be <= 65535`,
      // The refused port does not hide the service's other fault.
      `${P}services[0].replicas.min (1) must be >= 2 in production so that one pod can fail or be evicted without an outage`,
      `${P}services[1].replicas.min (5) must be <= replicas.max (3)`,
      `${P}services[1].idleReplicas (5) must be <= replicas.max (3)`,
      `${P}backup.objectLock (unset) is required in production: add \`objectLock: { mode: "COMPLIANCE", days: 30 }\` so that backups cannot be deleted or overwritten`,
    ]);
  });

  it("reports, when the environment is unreadable, the rule problems that hold in every environment", () => {
    const values = edited("production", (v) => {
      v.environment = "prod";
      // Refused only in production: which environment was meant is unknown, so not reported.
      delete v.backup.objectLock;
      // Refused in every environment: reported.
      v.services[0].runAsUser = 0;
      v.services[0].replicas = { min: 5, max: 3 };
    });
    expect(problemsOf(values)).toEqual([
      `${P}environment ("prod") must be one of "dev", "staging", "production": did you mean "production"?`,
      `${P}services[0].replicas.min (5) must be <= replicas.max (3)`,
      `${P}services[0].runAsUser (0) must not be 0 (root): pods run as non-root; use the image's unprivileged UID, e.g. 10001`,
    ]);
  });

  it("throws a ConfigError whose message lists every problem under a header naming the stack", () => {
    const values = edited("dev", (v) => {
      v.clusterPlatform = "eksx";
      v.timeScale = 2;
    });
    let error: unknown;
    try {
      loadPlatformConfig(rawConfig(values), secretKeysOf(values), "demo");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).stackName).toBe("demo");
    expect((error as ConfigError).message).toBe(
      [
        'invalid configuration for stack "demo" (2 problems):',
        `  - ${P}clusterPlatform ("eksx") must be one of "eks", "gke", "aks", "kind", "generic": did you mean "eks"?`,
        `  - ${P}timeScale (2) must be <= 1`,
      ].join("\n"),
    );
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual(["clusterPlatform", "timeScale"]);
  });

  it("never prints a credential's value, even when it is given in plaintext", () => {
    const values = edited("staging", (v) => {
      v.slackWebhookUrl = "https://hooks.slack.example/very-secret-token";
    });
    const messages = problemsOf(values, ["slackWebhookUrl"]).join("\n");
    expect(messages).toContain("slackWebhookUrl");
    expect(messages).not.toContain("very-secret-token");
  });

  it("lists each credential key that must be set with --secret", () => {
    expect([...SECRET_KEYS]).toEqual(["slackWebhookUrl", "pagerdutyRoutingKey", "smtpPassword", "heartbeatUrl", "postgresPassword", "redisPassword", "postgresMonitoringPassword", "postgresBackupPassword"]);
  });

  it("returns the resolved config for a valid stack", () => {
    const config = load(baseValues("production"));
    expect(config.environment).toBe("production");
    expect([...config.secretsPresent].sort()).toEqual(["heartbeatUrl", "pagerdutyRoutingKey", "postgresBackupPassword", "postgresMonitoringPassword", "postgresPassword", "redisPassword", "slackWebhookUrl"]);
  });
});

describe("decodeRawConfig", () => {
  it("decodes JSON structures, numbers and booleans, keeps strings, ignores other namespaces", () => {
    expect(
      decodeRawConfig({
        "app-platform:services": '[{"name":"web"}]',
        "app-platform:timeScale": "0.5",
        "app-platform:flag": "true",
        "app-platform:environment": "dev",
        "app-platform:config:legacy": "x",
        "kubernetes:context": "kind-app-platform",
        "aws:region": "eu-west-1",
      }),
    ).toEqual({ services: [{ name: "web" }], timeScale: 0.5, flag: true, environment: "dev", legacy: "x" });
  });

  it("keeps a string that only looks like JSON", () => {
    expect(decodeRawConfig({ "app-platform:x": "{not json" })).toEqual({ x: "{not json" });
  });
});

describe("message helpers", () => {
  it("formats key paths with indexes", () => {
    expect(formatPath(["services", 1, "replicas", "min"])).toBe("services[1].replicas.min");
    expect(formatPath([])).toBe("");
  });

  it("shortens long values to one line and names missing ones", () => {
    expect(formatValue(undefined)).toBe("unset");
    expect(formatValue("x".repeat(100))).toBe(`"${"x".repeat(56)}...`);
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });

  it("builds messages in the house style", () => {
    expect(problem(["services", 1, "replicas", "min"], 5, "must be <= replicas.max (3)")).toEqual({
      path: "services[1].replicas.min",
      message: "app-platform:services[1].replicas.min (5) must be <= replicas.max (3)",
    });
  });

  it("suggests close keys only", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("Replicas", "replicas")).toBe(0);
    expect(didYouMean("replica", ["replicas", "port"])).toBe("replicas");
    expect(didYouMean("zzzzzz", ["replicas", "port"])).toBeUndefined();
  });
});
