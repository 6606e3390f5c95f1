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
 * Release name of kube-prometheus-stack; its Services are `<release>-kube-prom-prometheus` and
 * `<release>-kube-prom-alertmanager` (the chart's fullnameOverride is set to this name).
 */
export const MONITORING_RELEASE = "kube-prometheus-stack";
