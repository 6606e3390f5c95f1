import type { AlertThresholds } from "./rules/thresholds";

/** Requests and memory limit of one container. */
export interface ContainerResourcesSpec {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly memory: string };
}

/** The monitoring stack, every default applied (stack config `monitoring`). */
export interface MonitoringSpec {
  readonly chartVersion: string;
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
  readonly prometheus: {
    readonly replicas: number;
    readonly retention: string;
    readonly retentionSize: string;
    readonly storage: StorageSpec;
    readonly remoteWrite: readonly {
      readonly name: string;
      readonly url: string;
      /** AWS region for SigV4 signing (Amazon Managed Prometheus). @default none: requests are not signed */
      readonly sigv4Region?: string;
      /** IAM role Prometheus's service account assumes (IRSA) to sign. @default none: no role annotation */
      readonly sigv4RoleArn?: string;
      /** Tenant sent as `X-Scope-OrgID` (Mimir, Cortex). @default none: no header */
      readonly tenant?: string;
    }[];
    /** Requests and memory limit of the Prometheus container (the environment's sizing). */
    readonly resources: ContainerResourcesSpec;
  };
  readonly alertmanager: {
    readonly replicas: number;
    readonly storage: StorageSpec;
    /** Requests and memory limit of the Alertmanager container (the environment's sizing). */
    readonly resources: ContainerResourcesSpec;
  };
  /**
   * How replicas of Prometheus, Alertmanager and Grafana avoid each other: "hard" never puts two
   * on one node (a node loss cannot take out every replica), "soft" prefers not to (small
   * clusters may not have a node per replica).
   */
  readonly antiAffinity: "hard" | "soft";
  readonly grafana: {
    readonly replicas: number;
    /** Host of Grafana's Ingress. @default none: Grafana has no Ingress (port-forward) */
    readonly host?: string;
  };
  readonly probes: readonly { readonly name: string; readonly url: string; readonly module: "http_2xx" | "http_2xx_tls" }[];
}

/** A persistent volume claim of Prometheus or Alertmanager. */
export interface StorageSpec {
  readonly size: string;
  /** StorageClass of the claim. @default none: the cluster's default StorageClass */
  readonly storageClass?: string;
}

/** Where notifications go; credentials are separate secret keys, never here. */
export interface ReceiversSpec {
  /** Slack channels; the webhook URL is the secret key `slackWebhookUrl`. @default none: no Slack receiver */
  readonly slack?: {
    readonly channel: string;
    /** Channel of critical alerts. @default `channel` */
    readonly criticalChannel?: string;
  };
  /** PagerDuty Events v2; the routing key is the secret key `pagerdutyRoutingKey`. @default none: no PagerDuty receiver */
  readonly pagerduty?: {
    /** Events API v2 `payload.severity` of the incidents. @default "critical" */
    readonly severity?: "critical" | "error";
  };
  /** Email; the SMTP password is the secret key `smtpPassword`. @default none: no email receiver */
  readonly email?: {
    readonly to: readonly string[];
    readonly from: string;
    readonly smarthost: string;
    /** SMTP user; with it the password `smtpPassword` is sent. @default none: no SMTP authentication */
    readonly username?: string;
  };
  /** Plain webhook receiver (dev only): a local endpoint with no credentials. @default none: no webhook receiver */
  readonly webhook?: { readonly url: string };
}

/** Weekly maintenance window in which non-critical notifications are muted. */
export interface MaintenanceSpec {
  readonly weekdays: readonly string[];
  readonly startTime: string;
  readonly endTime: string;
  /** IANA time zone of the times. @default left out: Alertmanager reads the times as UTC */
  readonly location?: string;
}

/** Alert routing and the alert catalogue's tunables, every default applied (stack config `alerting`). */
export interface AlertingSpec {
  readonly receivers: ReceiversSpec;
  /** Dead man's switch: Watchdog is sent to the secret `heartbeatUrl` every `repeatInterval`. @default none: Watchdog goes nowhere */
  readonly heartbeat?: {
    /** How often Watchdog is sent to the heartbeat URL. @default "1m" (applied by the Alertmanager config) */
    readonly repeatInterval?: string;
  };
  /** Weekly window muting non-critical notifications. @default none: nothing is muted */
  readonly maintenance?: MaintenanceSpec;
  /** Every alert threshold and `for:` duration: the environment's defaults with the stack's overrides. */
  readonly thresholds: AlertThresholds;
  /** Base URL of the runbooks; an alert's runbook is `<runbookBaseUrl>/<AlertName>.md`. */
  readonly runbookBaseUrl: string;
  /** Alertmanager's grouping and repeat timers (before `timeScale`); critical alerts wait `criticalGroupWait`. */
  readonly timers: { readonly groupWait: string; readonly criticalGroupWait: string; readonly groupInterval: string; readonly repeatInterval: string };
}
