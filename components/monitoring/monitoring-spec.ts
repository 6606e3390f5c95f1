import type { AlertThresholds } from "./rules/thresholds";

/** The monitoring stack, every default applied (stack config `monitoring`). */
export interface MonitoringSpec {
  readonly chartVersion: string;
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
  readonly prometheus: {
    readonly replicas: number;
    readonly retention: string;
    readonly retentionSize: string;
    readonly storage: { readonly size: string; readonly storageClass?: string };
    readonly remoteWrite: readonly { readonly name: string; readonly url: string; readonly sigv4Region?: string; readonly sigv4RoleArn?: string; readonly tenant?: string }[];
  };
  readonly alertmanager: { readonly replicas: number; readonly storage: { readonly size: string; readonly storageClass?: string } };
  readonly grafana: { readonly replicas: number; readonly host?: string };
  readonly probes: readonly { readonly name: string; readonly url: string; readonly module: "http_2xx" | "http_2xx_tls" }[];
}

/** Where notifications go; credentials are separate secret keys, never here. */
export interface ReceiversSpec {
  /** Slack channels; the webhook URL is the secret key `slackWebhookUrl`. */
  readonly slack?: { readonly channel: string; readonly criticalChannel?: string };
  /** PagerDuty Events v2; the routing key is the secret key `pagerdutyRoutingKey`. */
  readonly pagerduty?: { readonly severity?: "critical" | "error" };
  /** Email; the SMTP password is the secret key `smtpPassword`. */
  readonly email?: { readonly to: readonly string[]; readonly from: string; readonly smarthost: string; readonly username?: string };
  /** Plain webhook receiver (dev only): a local endpoint with no credentials. */
  readonly webhook?: { readonly url: string };
}

/** Weekly maintenance window in which non-critical notifications are muted. */
export interface MaintenanceSpec {
  readonly weekdays: readonly string[];
  readonly startTime: string;
  readonly endTime: string;
  readonly location?: string;
}

/** Alert routing and the alert catalogue's tunables, every default applied (stack config `alerting`). */
export interface AlertingSpec {
  readonly receivers: ReceiversSpec;
  readonly heartbeat?: { readonly repeatInterval: string };
  readonly maintenance?: MaintenanceSpec;
  /** Every alert threshold and `for:` duration: the environment's defaults with the stack's overrides. */
  readonly thresholds: AlertThresholds;
  /** Base URL of the runbooks; an alert's runbook is `<runbookBaseUrl>/<AlertName>.md`. */
  readonly runbookBaseUrl: string;
}
