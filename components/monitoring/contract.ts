/**
 * Names shared between the monitoring stack (the kube-prometheus-stack release) and the
 * alerting content (rules and Alertmanager configuration), so that each side can be built
 * and tested alone.
 *
 * Alertmanager reads its whole configuration from the Secret {@link ALERTMANAGER_CONFIG_SECRET}
 * (key {@link ALERTMANAGER_CONFIG_KEY}), set as `alertmanager.alertmanagerSpec.configSecret`.
 * Receiver credentials live in a second Secret, {@link ALERTMANAGER_RECEIVERS_SECRET}, listed in
 * `alertmanager.alertmanagerSpec.secrets`; the operator mounts it at
 * {@link ALERTMANAGER_SECRETS_DIR}/<secret name>/<key>, and the configuration refers to those
 * files (`api_url_file`, `routing_key_file`, `auth_password_file`), never to values.
 */
export const ALERTMANAGER_CONFIG_SECRET = "alertmanager-platform-config";
/** Key of the configuration inside {@link ALERTMANAGER_CONFIG_SECRET}; the operator requires this name. */
export const ALERTMANAGER_CONFIG_KEY = "alertmanager.yaml";
/** Secret with receiver credentials, mounted as files. */
export const ALERTMANAGER_RECEIVERS_SECRET = "alertmanager-receivers";
/** Where the operator mounts `alertmanagerSpec.secrets`. */
export const ALERTMANAGER_SECRETS_DIR = "/etc/alertmanager/secrets";

/** Keys of {@link ALERTMANAGER_RECEIVERS_SECRET}, by credential. */
export const RECEIVER_SECRET_KEYS = {
  slackWebhookUrl: "slack-webhook-url",
  pagerdutyRoutingKey: "pagerduty-routing-key",
  smtpPassword: "smtp-password",
  heartbeatUrl: "heartbeat-url",
} as const;

/** Path of a receiver credential file inside the Alertmanager pod. */
export function receiverSecretFile(key: keyof typeof RECEIVER_SECRET_KEYS): string {
  return `${ALERTMANAGER_SECRETS_DIR}/${ALERTMANAGER_RECEIVERS_SECRET}/${RECEIVER_SECRET_KEYS[key]}`;
}

/** Label every PrometheusRule, ServiceMonitor, PodMonitor and Probe of the platform carries. */
export const MONITORING_LABEL = { "app-platform/monitoring": "true" } as const;

/**
 * Release name of kube-prometheus-stack, also its fullnameOverride, so its Services are
 * `<release>-prometheus` and `<release>-alertmanager` (see STACK_NAMES in values.ts).
 */
export const MONITORING_RELEASE = "kube-prometheus-stack";

/**
 * Labels of application objects. Pods carry NAME and COLOR; the active and preview Services
 * carry NAME and ROLE. The ServiceMonitor of each service relabels them onto every series as
 * `service` (the service's name from config, not the Kubernetes Service name), `role`
 * (active|preview) and `color` (blue|green), which is what rules and dashboards select on.
 */
export const APP_LABELS = {
  name: "app.kubernetes.io/name",
  color: "app-platform/color",
  role: "app-platform/role",
} as const;

/** Name of the Service port that serves Prometheus metrics (on every app service and exporter). */
export const METRICS_PORT_NAME = "metrics";

/**
 * Metrics every application service exports, with podinfo's names and labels
 * (stefanprodan/podinfo pkg/api/http/metrics.go): `http_requests_total{status}` counts every
 * request — kubelet probes and Prometheus scrapes included, about 0.4 per second per pod —
 * and `http_request_duration_seconds{method,path,status}` is a histogram whose `path` is the
 * route (podinfo turns `/healthz` into `healthz`). SLIs, traffic and latency alerts read the
 * histogram without the probe and metrics paths ({@link nonUserPathsMatcher}); the plain counter
 * would count probes as traffic and dilute every error ratio.
 */
export const APP_METRICS = {
  requests: "http_requests_total",
  durationBucket: "http_request_duration_seconds_bucket",
  durationCount: "http_request_duration_seconds_count",
  statusLabel: "status",
  pathLabel: "path",
} as const;

/** podinfo's `path` label of a URL path: non-alphanumerics to `_`, trimmed, lower case; "" is "root". */
export function pathLabelValue(urlPath: string): string {
  const v = urlPath.replace(/[^a-zA-Z0-9]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase();
  return v === "" ? "root" : v;
}

/** What a service declares that is not user traffic: its probe paths and its metrics path. */
export interface NonUserPaths {
  readonly metricsPath: string;
  readonly probes: { readonly [probe: string]: { readonly path: string } };
}

/**
 * A `path!~"..."` matcher that drops kubelet probes and scrapes of the given services from
 * the request histogram: each path both as podinfo labels it (`healthz`) and as written
 * (`/healthz`), for services that label the raw path.
 */
export function nonUserPathsMatcher(services: readonly NonUserPaths[]): string {
  const values = new Set<string>();
  for (const s of services) {
    for (const p of [s.metricsPath, ...Object.values(s.probes).map((x) => x.path)]) {
      values.add(pathLabelValue(p));
      if (/^[A-Za-z0-9/_-]+$/.test(p)) values.add(p);
    }
  }
  return `${APP_METRICS.pathLabel}!~"${[...values].sort().join("|")}"`;
}

/**
 * User requests: the one definition that alerts, SLO rules, dashboards and the release gate
 * count. A selector of the request histogram (`count`: `http_request_duration_seconds_count`,
 * `bucket`: its buckets) with the caller's label matchers, then the matcher that drops the
 * probe and metrics paths of `services` ({@link nonUserPathsMatcher}), then `more` matchers
 * (status, `le`, colour). podinfo's plain `http_requests_total` is never a user-request count:
 * it has no path label, so kubelet probes and Prometheus scrapes (about 0.4 per second per pod)
 * stay in it.
 *
 * @example userRequests("count", 'service="web",role="active"', services, 'status=~"5.."')
 *   // http_request_duration_seconds_count{service="web",role="active",path!~"healthz|metrics|...",status=~"5.."}
 */
export function userRequests(series: "count" | "bucket", selector: string, services: readonly NonUserPaths[], ...more: string[]): string {
  const metric = series === "count" ? APP_METRICS.durationCount : APP_METRICS.durationBucket;
  return `${metric}{${[selector, nonUserPathsMatcher(services), ...more].filter((m) => m !== "").join(",")}}`;
}

/**
 * Credentials Secrets created by the secrets component, one copy in each namespace that needs
 * them (apps, monitoring for the exporters, backup for the jobs). Keys: `username`, `password`
 * for Postgres; `password` for Redis.
 */
export const POSTGRES_CREDENTIALS_SECRET = "postgres-credentials";
/** See {@link POSTGRES_CREDENTIALS_SECRET}. */
export const REDIS_CREDENTIALS_SECRET = "redis-credentials";

/**
 * Backup CronJobs (in the backup namespace). Freshness alerts read kube-state-metrics'
 * `kube_cronjob_status_last_successful_time{cronjob=...}`, falling back to
 * `kube_cronjob_created` for a job that never succeeded.
 */
export const BACKUP_CRONJOB = "postgres-backup";
/** See {@link BACKUP_CRONJOB}. */
export const RESTORE_DRILL_CRONJOB = "postgres-restore-drill";

/**
 * `application_name` the backup job's pg_dump sets (PGAPPNAME in scripts/backup/backup.sh).
 * Its REPEATABLE READ snapshot stays open for the whole dump by design, so
 * PostgresLongTransaction does not count it (the job's own deadline and alerts cover a hang).
 */
export const BACKUP_APPLICATION_NAME = "app-platform-backup";

/**
 * Metrics of postgres_exporter's extra queries (components/exporters/postgres-queries.ts), by use. postgres_exporter names a query's metrics
 * `<query name>_<column>`; these names are what the Postgres rules select.
 */
export const POSTGRES_QUERY_METRICS = {
  /** Age in seconds of the oldest open transaction, per database, user and `application_name`. */
  transactionAge: "app_platform_transactions_max_age_seconds",
  /** Replay lag in seconds of each streaming replica, as the writer sees it in `pg_stat_replication`. */
  replicaLag: "app_platform_replicas_replay_lag_seconds",
} as const;

