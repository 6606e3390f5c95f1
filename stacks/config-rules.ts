import { didYouMean, problem, type ConfigProblem } from "./validate/problem";
import type { ConfigInput } from "./schema/stack-config";
import type { PlatformConfig, ServiceConfig } from "./resolve";
import { bytes, cpuMillis } from "../lib/quantities";
import { cronProblem } from "../lib/cron";
import { prometheusBytesValue } from "./schema/monitoring";
import { checkAlertThresholds } from "./schema/alerting";
import { checkDelivery } from "./delivery-rules";
import { checkSloBuckets } from "./validate/slo-buckets";
import { checkSloObjectives } from "./validate/slo-objectives";
import { checkPostgresCa } from "./validate/postgres-ca";
import { checkThirdPartyImages } from "./validate/third-party-images";
import { imageTag, isDigestPinned } from "../lib/images";
import { appsNamespaceSecrets } from "../components/secrets/catalog";
import { ENVIRONMENT_DEFAULTS } from "./schema/defaults";

/** True for an IPv4 CIDR block such as `10.20.0.0/16`. */
export function isCidr(text: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/** Checks one resolved service against the rules of its environment. */
export function checkService(s: ServiceConfig, index: number, config: PlatformConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const at = (...p: (string | number)[]) => ["services", index, ...p];
  const env = config.environment;
  const rules = ENVIRONMENT_DEFAULTS[env];

  if (s.replicas.min > s.replicas.max) {
    out.push(problem(at("replicas", "min"), s.replicas.min, `must be <= replicas.max (${s.replicas.max})`));
  }
  if (s.replicas.min < rules.minReplicas) {
    out.push(problem(at("replicas", "min"), s.replicas.min, `must be >= ${rules.minReplicas} in ${env} so that one pod can fail or be evicted without an outage`));
  }
  if (s.idleReplicas > s.replicas.max) {
    out.push(problem(at("idleReplicas"), s.idleReplicas, `must be <= replicas.max (${s.replicas.max})`));
  }
  // An idle size inherited from a too-small replicas.min is that problem, reported above.
  if (s.idleReplicas < rules.minIdleReplicas && !(s.replicas.min < rules.minReplicas && s.idleReplicas === s.replicas.min)) {
    out.push(problem(at("idleReplicas"), s.idleReplicas, `must be >= ${rules.minIdleReplicas} in ${env}: the idle colour stays warm so that a rollback is instant, and its PodDisruptionBudget must allow an eviction while keeping a pod`));
  }
  if (s.replicas.min <= s.replicas.max && (s.promotion.prescaleReplicas < s.replicas.min || s.promotion.prescaleReplicas > s.replicas.max)) {
    out.push(problem(at("promotion", "prescaleReplicas"), s.promotion.prescaleReplicas, `must be between replicas.min (${s.replicas.min}) and replicas.max (${s.replicas.max}): it is the active colour's size that the idle colour is raised to`));
  }
  if (s.shutdown.terminationGracePeriodSeconds <= s.shutdown.preStopSeconds) {
    out.push(problem(at("shutdown", "terminationGracePeriodSeconds"), s.shutdown.terminationGracePeriodSeconds, `must be > shutdown.preStopSeconds (${s.shutdown.preStopSeconds}): the grace period includes the preStop pause, and requests in flight need time after it`));
  }
  for (const [key, value] of [["port", s.port], ["metricsPort", s.metricsPort]] as const) {
    if (value < 1024) {
      out.push(problem(at(key), value, "must be >= 1024: containers run as non-root with every capability dropped and cannot bind privileged ports; serve on e.g. 8080 (the Service still exposes port 80)"));
    }
  }
  if (s.runAsUser === 0) {
    out.push(problem(at("runAsUser"), s.runAsUser, "must not be 0 (root): pods run as non-root; use the image's unprivileged UID, e.g. 10001"));
  }
  if (s.build?.tag === "latest") {
    out.push(problem(at("build", "tag"), s.build.tag, 'must not be "latest": registry tags are immutable, so each build needs its own tag (a version or a commit id)'));
  }
  for (const color of ["blue", "green"] as const) {
    const ref = s.image[color];
    if (ref === undefined) {
      if (s.build?.color !== color) {
        out.push(problem(at("image", color), ref, `is required: set an image reference for the ${color} colour, or build it with build.color "${color}"`));
      }
      continue;
    }
    if (s.build?.color === color) {
      out.push(problem(at("image", color), ref, `conflicts with build.color "${color}": the colour runs either a reference or the build; remove one`));
    } else if (rules.requireImageTags && imageTag(ref) === "latest") {
      out.push(problem(at("image", color), ref, `must not use the "latest" tag in ${env}: pin a version tag or a digest`));
    } else if (rules.requireImageTags && imageTag(ref) === undefined && !ref.includes("@sha256:")) {
      out.push(problem(at("image", color), ref, `has no tag, which means "latest": pin a version tag or a digest in ${env}`));
    } else if (rules.requirePinnedImages && !isDigestPinned(ref)) {
      out.push(
        problem(
          at("image", color),
          ref,
          `must name a digest in ${env} ("${ref.split("@")[0]}@sha256:<digest>"): a tag can be moved or re-pushed, so the same name can run different code; run \`platform pin-images ${env}\` where the registry is reachable`,
        ),
      );
    }
  }
  if (rules.requirePinnedImages && s.migration?.image !== undefined && !isDigestPinned(s.migration.image)) {
    out.push(problem(at("migration", "image"), s.migration.image, `must name a digest in ${env} ("${s.migration.image.split("@")[0]}@sha256:<digest>"): a tag can be moved or re-pushed; or leave it unset to run the new colour's image`));
  }
  if (bytes(s.resources.limits.memory) < bytes(s.resources.requests.memory)) {
    out.push(problem(at("resources", "limits", "memory"), s.resources.limits.memory, `must be >= resources.requests.memory (${s.resources.requests.memory})`));
  }
  if (s.resources.limits.cpu !== undefined && cpuMillis(s.resources.limits.cpu) < cpuMillis(s.resources.requests.cpu)) {
    out.push(problem(at("resources", "limits", "cpu"), s.resources.limits.cpu, `must be >= resources.requests.cpu (${s.resources.requests.cpu})`));
  }
  const ports = new Set([s.port, s.metricsPort]);
  for (const kind of ["startup", "readiness", "liveness"] as const) {
    const p = s.probes[kind];
    if (!ports.has(p.port)) {
      out.push(problem(at("probes", kind, "port"), p.port, `must be a port the container serves (port ${s.port}${s.metricsPort !== s.port ? ` or metricsPort ${s.metricsPort}` : ""})`));
    }
  }
  if (rules.requireDistinctProbes && s.probes.readiness.path === s.probes.liveness.path && s.probes.readiness.port === s.probes.liveness.port) {
    out.push(problem(at("probes", "readiness", "path"), s.probes.readiness.path, "must differ from probes.liveness.path: readiness reports whether to send traffic, liveness whether to restart"));
  }
  const ing = s.ingress;
  if (ing && rules.requireIngressTls && ing.tlsSecretName === undefined && ing.clusterIssuer === undefined) {
    out.push(problem(at("ingress"), { host: ing.host }, `must serve its hosts over TLS in ${env}: set ingress.clusterIssuer to a cert-manager ClusterIssuer (e.g. "letsencrypt-prod"), or ingress.tlsSecretName to an existing kubernetes.io/tls Secret covering host and previewHost`));
  }
  if (ing?.tlsSecretName !== undefined && ing.clusterIssuer !== undefined) {
    out.push(problem(at("ingress", "clusterIssuer"), ing.clusterIssuer, `conflicts with ingress.tlsSecretName ("${ing.tlsSecretName}"): the certificate comes either from cert-manager or from your Secret; remove one`));
  }
  if (ing?.rateLimit && ing.className !== "nginx") {
    out.push(problem(at("ingress", "rateLimit"), ing.rateLimit, `needs ingress.className "nginx": the limit is set with ingress-nginx annotations, which other controllers ignore`));
  }
  const rl = ing?.rateLimit;
  if (rl?.burst !== undefined && (rl.burst < rl.requestsPerSecond || rl.burst % rl.requestsPerSecond !== 0)) {
    out.push(problem(at("ingress", "rateLimit", "burst"), rl.burst, `must be a whole multiple of rateLimit.requestsPerSecond (${rl.requestsPerSecond}), e.g. ${rl.requestsPerSecond * 5}: ingress-nginx sets the burst as a multiplier of the rate`));
  }
  if (s.ingress?.previewHost !== undefined && s.ingress.previewHost === s.ingress.host) {
    out.push(problem(at("ingress", "previewHost"), s.ingress.previewHost, "must differ from ingress.host: the preview colour needs its own host"));
  }
  for (const key of Object.keys(s.secretSettings)) {
    if (key in s.settings) {
      out.push(problem(at("secretSettings", key), s.secretSettings[key], `conflicts with settings.${key}: a variable is either plain or secret; remove one`));
    }
  }
  for (const [i, e] of s.egress.entries()) {
    if ((e.namespace === undefined) === (e.cidr === undefined)) {
      out.push(problem(at("egress", i), e, 'must set exactly one of "namespace" or "cidr"'));
    }
    if (e.cidr !== undefined && !isCidr(e.cidr)) {
      out.push(problem(at("egress", i, "cidr"), e.cidr, 'must be an IPv4 CIDR such as "10.20.0.0/16"'));
    }
    if (e.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(e.namespace)) {
      out.push(problem(at("egress", i, "namespace"), e.namespace, "must be a namespace name (a DNS label)"));
    }
  }
  return out;
}

/**
 * Cross-field and per-environment rules that a schema cannot express.
 * Every problem names its key path, the value, the rule and the fix.
 */
export function checkPlatform(config: PlatformConfig, input: ConfigInput): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const env = config.environment;
  const rules = ENVIRONMENT_DEFAULTS[env];

  const seen = new Map<string, number>();
  config.services.forEach((s, i) => {
    const first = seen.get(s.name);
    if (first !== undefined) {
      out.push(problem(["services", i, "name"], s.name, `duplicates services[${first}].name: service names must be unique`));
    } else {
      seen.set(s.name, i);
    }
    out.push(...checkService(s, i, config));
    out.push(...checkDelivery(s, i));
  });
  out.push(...checkSloBuckets(config.services));
  out.push(...checkSloObjectives(config.services));
  // Each service also owns the Service and Ingress named `<name>-preview`, and its hosts.
  config.services.forEach((s, i) => {
    const owner = config.services.findIndex((o) => `${o.name}-preview` === s.name);
    if (owner !== -1) {
      out.push(problem(["services", i, "name"], s.name, `collides with the preview Service of services[${owner}] ("${config.services[owner].name}"): rename it`));
    }
    for (const key of ["host", "previewHost"] as const) {
      const host = s.ingress?.[key];
      if (host === undefined) continue;
      const other = config.services.findIndex((o, j) => j < i && (o.ingress?.host === host || o.ingress?.previewHost === host));
      if (other !== -1) {
        out.push(problem(["services", i, "ingress", key], host, `is already served by services[${other}] ("${config.services[other].name}"): each host routes to one Service`));
      }
    }
  });

  out.push(...checkSecretReferences(config));
  out.push(...checkThirdPartyImages(config, input));

  // Receivers and their credentials.
  const r = config.alerting.receivers;
  const has = (k: Parameters<typeof config.secretsPresent.has>[0]) => config.secretsPresent.has(k);
  if (rules.requirePager && !r.pagerduty) {
    out.push(problem(["alerting", "receivers", "pagerduty"], r.pagerduty, `is required in ${env}: critical alerts must page someone; add \`pagerduty: {}\` and set the secret \`pagerdutyRoutingKey\``));
  }
  if (rules.requireSlack && !r.slack) {
    out.push(problem(["alerting", "receivers", "slack"], r.slack, `is required in ${env}: warnings go to Slack; add \`slack: { channel: "#alerts" }\` and set the secret \`slackWebhookUrl\``));
  }
  if (r.webhook && !rules.allowWebhookReceiver) {
    out.push(problem(["alerting", "receivers", "webhook"], r.webhook, "is for dev only: use slack, pagerduty or email receivers in shared environments"));
  }
  const pairs = [
    ["slack", "slackWebhookUrl"],
    ["pagerduty", "pagerdutyRoutingKey"],
  ] as const;
  for (const [receiver, secret] of pairs) {
    if (r[receiver] && !has(secret)) {
      out.push(problem(["alerting", "receivers", receiver], r[receiver], `needs its credential: run \`pulumi config set --secret ${secret} <value>\``));
    }
    if (!r[receiver] && has(secret)) {
      out.push(problem([secret], "[secret]", `is set but alerting.receivers.${receiver} is not configured: configure the receiver or remove the key`));
    }
  }
  if (r.email?.username !== undefined && !has("smtpPassword")) {
    out.push(problem(["alerting", "receivers", "email", "username"], r.email.username, "needs a password: run `pulumi config set --secret smtpPassword <value>`"));
  }
  if (has("heartbeatUrl") === false && input.alerting?.heartbeat !== undefined) {
    out.push(problem(["alerting", "heartbeat"], input.alerting.heartbeat, "needs the dead-man's-switch URL: run `pulumi config set --secret heartbeatUrl <url>`"));
  }
  for (const t of checkAlertThresholds(input.alerting?.thresholds ?? {}, didYouMean)) {
    out.push(problem(["alerting", "thresholds", t.key], t.value, t.rule));
  }
  const m = config.alerting.maintenance;
  if (m && m.endTime <= m.startTime) {
    out.push(problem(["alerting", "maintenance", "endTime"], m.endTime, `must be after startTime (${m.startTime}) on the same day`));
  }

  // Datastores.
  for (const [key, ep, secret] of [["postgres", config.postgres, "postgresPassword"], ["redis", config.redis, "redisPassword"]] as const) {
    const raw = input[key];
    if (ep.mode === "external" && raw?.host === undefined) {
      out.push(problem([key, "host"], raw?.host, `is required when ${key}.mode is "external": set the endpoint's host name`));
    }
    if (ep.mode === "external" && !has(secret)) {
      out.push(problem([key, "mode"], ep.mode, `needs the endpoint's password: run \`pulumi config set --secret ${secret} <value>\``));
    }
    if (ep.mode === "in-cluster" && !rules.allowInClusterDatastores) {
      out.push(problem([key, "mode"], ep.mode, `must be "external" in ${env} (the in-cluster instance is throwaway and unreplicated): set mode "external", ${key}.host and the secret ${secret}`));
    }
    if (ep.mode === "in-cluster" && raw?.host !== undefined) {
      out.push(problem([key, "host"], raw.host, `conflicts with ${key}.mode "in-cluster": remove host, or set mode "external"`));
    }
  }

  // Each consumer of an external Postgres has its own least-privilege role: the application owns
  // the database; the exporter needs pg_monitor, the backups pg_read_all_data, neither more.
  if (config.postgres.mode === "external") {
    const pg = config.postgres;
    for (const [key, secret, role] of [["monitoringUser", "postgresMonitoringPassword", "pg_monitor"], ["backupUser", "postgresBackupPassword", "pg_read_all_data"]] as const) {
      if (!has(secret)) {
        out.push(problem([secret], undefined, `is required with an external Postgres: the ${key === "monitoringUser" ? "exporter logs in as its" : "backup jobs log in as their"} own role postgres.${key} ("${pg[key]}", member of ${role}), never as the owner "${pg.user}"; create the role (README "Credentials per consumer") and run \`pulumi config set --secret ${secret} <value>\``));
      }
      if (pg[key] === pg.user) {
        out.push(problem(["postgres", key], pg[key], `must differ from postgres.user ("${pg.user}"): the owner's credential is not shared; give the ${role} role its own name`));
      }
    }
    if (pg.monitoringUser === pg.backupUser) {
      out.push(problem(["postgres", "backupUser"], pg.backupUser, `must differ from postgres.monitoringUser ("${pg.monitoringUser}"): each consumer has its own role`));
    }
  }

  out.push(...checkPostgresCa(config));

  // Backups.
  const b = config.backup;
  for (const [path, expr] of [[["backup", "schedule"], b.schedule], [["backup", "drill", "schedule"], b.drill.schedule]] as const) {
    const why = cronProblem(expr);
    if (why) out.push(problem(path, expr, `${why}: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`));
  }
  // The transition is an S3 lifecycle rule: the in-cluster object store has none.
  if (b.transitionDays >= b.retentionDays && rules.usesAws) {
    out.push(problem(["backup", "transitionDays"], b.transitionDays, `must be < backup.retentionDays (${b.retentionDays}), or backups expire before they move to cheaper storage`));
  }
  if (b.objectLock && b.objectLock.days > b.retentionDays) {
    out.push(problem(["backup", "objectLock", "days"], b.objectLock.days, `must be <= backup.retentionDays (${b.retentionDays}): locked objects cannot expire`));
  }
  if (rules.requireBackups && b.enabled && !b.objectLock) {
    out.push(problem(["backup", "objectLock"], undefined, `is required in ${env}: add \`objectLock: { mode: "COMPLIANCE", days: 30 }\` so that backups cannot be deleted or overwritten`));
  }
  if (rules.requireBackups && !b.enabled) {
    out.push(problem(["backup", "enabled"], b.enabled, `must be true in ${env}: ${env} data needs restorable, drilled backups; remove \`enabled: false\``));
  }
  if (rules.usesAws && !config.aws) {
    out.push(problem(["aws"], undefined, `is required in ${env}: backups go to S3 and secrets to Secrets Manager; add \`aws: { region: "eu-west-1" }\``));
  }
  if (!rules.usesAws && config.aws) {
    out.push(problem(["aws"], input.aws, `is not used in ${env} (${env} needs no cloud account): remove it`));
  }
  if (rules.usesAws && b.enabled && config.aws && !config.aws.oidcProviderArn) {
    out.push(problem(["aws", "oidcProviderArn"], undefined, `is required in ${env}: the backup jobs reach S3 through an IAM role for their service account (IRSA); set the cluster's IAM OIDC provider ARN`));
  }
  if (rules.requireBackups && b.enabled && b.drill.verifyTables.length === 0) {
    out.push(problem(["backup", "drill", "verifyTables"], [], `must name at least one table in ${env}: a drill that counts no rows proves only that pg_restore ran; add e.g. [public.orders]`));
  }
  if (rules.requirePinnedImages && b.image !== undefined && !isDigestPinned(b.image)) {
    out.push(problem(["backup", "image"], b.image, `must name a digest in ${env} ("${b.image.split("@")[0]}@sha256:<digest>"): a tag can be moved or re-pushed; or leave backup.image unset to build the image here, which runs by the digest its push reports`));
  }

  if (config.timeScale !== 1 && !rules.allowTimeScale) {
    out.push(problem(["timeScale"], config.timeScale, "is for end-to-end tests of dev only: remove it"));
  }

  // Monitoring.
  const mon = config.monitoring;
  if (mon.prometheus.replicas < rules.minMonitoringReplicas) {
    out.push(problem(["monitoring", "prometheus", "replicas"], mon.prometheus.replicas, `must be >= ${rules.minMonitoringReplicas} in ${env} so that alerting survives the loss of one Prometheus`));
  }
  if (mon.alertmanager.replicas < rules.minMonitoringReplicas) {
    out.push(problem(["monitoring", "alertmanager", "replicas"], mon.alertmanager.replicas, `must be >= ${rules.minMonitoringReplicas} in ${env} so that notifications survive the loss of one Alertmanager`));
  }
  out.push(...checkMonitoring(config));
  return out;
}

/** Largest share of the Prometheus volume that `retentionSize` may take. */
export const MAX_RETENTION_SHARE = 0.85;

/**
 * Monitoring rules a schema cannot express: Prometheus' size limit must leave room on its
 * volume, volumes need a StorageClass where the cluster has no default, Grafana runs one
 * replica without a shared database, remote-write targets must be signed and encrypted where
 * they need it, and probes must be unique and consistent with their module.
 */
export function checkMonitoring(config: PlatformConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const mon = config.monitoring;
  const prom = mon.prometheus;
  // Prometheus enforces retentionSize on persisted blocks only: the WAL, the head chunks and a
  // compaction (which writes the new block before it deletes the old ones) need the rest.
  // Prometheus reads "GB" as 2^30 bytes, so "90GB" is 90% of a 100Gi volume.
  const maxBytes = MAX_RETENTION_SHARE * bytes(prom.storage.size);
  if (prometheusBytesValue(prom.retentionSize) > maxBytes) {
    out.push(
      problem(
        ["monitoring", "prometheus", "retentionSize"],
        prom.retentionSize,
        `must be at most ${MAX_RETENTION_SHARE * 100}% of monitoring.prometheus.storage.size (${prom.storage.size}), i.e. <= ${Math.floor(maxBytes / 2 ** 30)}GB (Prometheus counts GB in powers of two): the WAL and compaction need the rest, or Prometheus stops when the volume fills`,
      ),
    );
  }
  // Recent EKS clusters (created on Kubernetes 1.30 or later) have no default StorageClass: a
  // claim that names none stays Pending and Prometheus never starts.
  if (config.clusterPlatform === "eks") {
    for (const [key, st] of [["prometheus", prom.storage], ["alertmanager", mon.alertmanager.storage]] as const) {
      if (!st.storageClass) {
        out.push(problem(["monitoring", key, "storage", "storageClass"], st.storageClass, `is required on eks: EKS clusters have no default StorageClass, so the volume would stay Pending; name one, e.g. "gp3" (EBS CSI driver)`));
      }
    }
  }
  // Each Grafana replica keeps users, sessions and annotations in its own SQLite file: two
  // replicas disagree and log users out as the load balancer switches. No shared database is
  // configured, so Grafana runs as one replica.
  if (mon.grafana.replicas > 1) {
    out.push(problem(["monitoring", "grafana", "replicas"], mon.grafana.replicas, "must be 1: each Grafana replica keeps its own SQLite database (users, sessions, annotations) and no shared database is configured"));
  }
  const names = new Map<string, number>();
  const roles = new Map<number, string>();
  prom.remoteWrite.forEach((rw, i) => {
    const at = (...p: string[]) => ["monitoring", "prometheus", "remoteWrite", i, ...p];
    const first = names.get(rw.name);
    if (first !== undefined) out.push(problem(at("name"), rw.name, `duplicates remoteWrite[${first}].name: names label the queues and must be unique`));
    else names.set(rw.name, i);
    const url = new URL(rw.url);
    if (url.protocol !== "https:" && ENVIRONMENT_DEFAULTS[config.environment].requireHttpsRemoteWrite) {
      out.push(problem(at("url"), rw.url, `must use https in ${config.environment}: samples carry every label of every series`));
    }
    if (/^aps-workspaces\.[a-z0-9-]+\.amazonaws\.com$/.test(url.hostname) && !rw.sigv4Region) {
      out.push(problem(at("sigv4Region"), rw.sigv4Region, 'is required for Amazon Managed Prometheus: AMP accepts only SigV4-signed writes; set the workspace\'s region, e.g. "eu-west-1"'));
    }
    if (rw.sigv4RoleArn && !rw.sigv4Region) {
      out.push(problem(at("sigv4RoleArn"), rw.sigv4RoleArn, "needs sigv4Region: the role is only used to sign SigV4 requests"));
    }
    if (rw.sigv4RoleArn) {
      const firstRole = [...roles.entries()][0];
      if (firstRole && firstRole[1] !== rw.sigv4RoleArn) {
        out.push(problem(at("sigv4RoleArn"), rw.sigv4RoleArn, `differs from remoteWrite[${firstRole[0]}].sigv4RoleArn (${firstRole[1]}): Prometheus' service account can assume one IRSA role; use the same role for every AMP target`));
      }
      if (!firstRole) roles.set(i, rw.sigv4RoleArn);
    }
  });
  const probeNames = new Map<string, number>();
  mon.probes.forEach((p, i) => {
    const first = probeNames.get(p.name);
    if (first !== undefined) out.push(problem(["monitoring", "probes", i, "name"], p.name, `duplicates probes[${first}].name: probe names must be unique`));
    else probeNames.set(p.name, i);
    if (p.module === "http_2xx_tls" && !p.url.startsWith("https://")) {
      out.push(problem(["monitoring", "probes", i, "url"], p.url, 'must be an https URL for module "http_2xx_tls", or use module "http_2xx"'));
    }
  });
  return out;
}

/**
 * Every `secretSettings` reference must name a Secret that exists when the pods start: one the
 * program creates in the apps namespace (see `appsNamespaceSecrets`) or one the stack declares
 * under `providedSecrets`, and a key that Secret holds. A declared Secret may not shadow one the
 * program creates (two owners of one object).
 */
export function checkSecretReferences(config: PlatformConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const created = appsNamespaceSecrets(config.postgres.mode);
  const createdNames = new Set(created.map((s) => s.name));
  config.providedSecrets.forEach((p, i) => {
    if (createdNames.has(p.name)) {
      out.push(problem(["providedSecrets", i, "name"], p.name, `is a Secret this program creates in namespace "${config.namespaces.apps}": remove the declaration and reference the program's Secret`));
    }
    const first = config.providedSecrets.findIndex((o) => o.name === p.name);
    if (first !== i) out.push(problem(["providedSecrets", i, "name"], p.name, `duplicates providedSecrets[${first}].name: declare each Secret once`));
  });
  const known = [...created, ...config.providedSecrets.filter((p) => !createdNames.has(p.name))];
  const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(", ");
  config.services.forEach((s, i) => {
    for (const [variable, ref] of Object.entries(s.secretSettings)) {
      const secret = known.find((k) => k.name === ref.secretName);
      if (!secret) {
        out.push(
          problem(
            ["services", i, "secretSettings", variable, "secretName"],
            ref.secretName,
            `is neither a Secret this program creates in namespace "${config.namespaces.apps}" (${list(created.map((c) => c.name))}) nor one declared under providedSecrets: ` +
              "pods referencing a missing Secret never start; reference one of those, or create the Secret outside the program and declare it " +
              '(`providedSecrets: [{ name: ..., keys: [...], description: "who creates it" }]`, see README "Secrets you provide")',
          ),
        );
      } else if (!secret.keys.includes(ref.key)) {
        out.push(problem(["services", i, "secretSettings", variable, "key"], ref.key, `is not a key of Secret "${secret.name}" (${list(secret.keys)}): use one of those keys`));
      }
    }
  });
  return out;
}
