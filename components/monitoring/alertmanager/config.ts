import type { Environment } from "../../../lib/environment";
import type { AlertingSpec, MonitoringSpec } from "../monitoring-spec";
import { receiverSecretFile } from "../contract";
import { durationSeconds, scaleDuration } from "../../../lib/duration";

/** Receiver names of the route tree. */
export const RECEIVERS = {
  none: "null",
  pagerduty: "pagerduty",
  slackCritical: "slack-critical",
  slack: "slack",
  email: "email",
  webhook: "webhook",
  heartbeat: "heartbeat",
} as const;

/** Name of the maintenance time interval. */
export const MAINTENANCE_INTERVAL = "maintenance";

/** Labels notifications are grouped by: one notification per alert, namespace and service. */
export const GROUP_BY = ["alertname", "namespace", "service"] as const;

/**
 * Pairs in which the first alert supersedes the second for the same object, so that only the
 * more severe one notifies (the catalogue has one name per severity level).
 */
export const SUPERSEDES: readonly { readonly source: string; readonly target: string; readonly equal: readonly string[] }[] = [
  { source: "ServiceHighErrorRatio", target: "ServiceElevatedErrorRatio", equal: ["namespace", "service"] },
  { source: "NodeMemoryCritical", target: "NodeHighMemory", equal: ["instance"] },
  { source: "NodeDiskAlmostFull", target: "NodeDiskFillingUp", equal: ["instance", "mountpoint"] },
  { source: "PostgresConnectionsExhausted", target: "PostgresConnectionsHigh", equal: ["namespace", "instance"] },
  { source: "TLSCertificateExpiryImminent", target: "TLSCertificateExpiringSoon", equal: ["instance"] },
];

/**
 * One incident, one page: the SLO's paging burn-rate alerts and the static error-ratio page fire
 * for the same failing requests. The burn-rate alert is the one the SRE workbook pages on and
 * fires first (2 minutes at 14.4x against 10 minutes above 5%), so it mutes the other for the
 * same service; a service whose objective tolerates more than 5% errors still pages on the ratio.
 */
export const SAME_INCIDENT_PAGES = { source: "ErrorBudgetBurn1h|ErrorBudgetBurn6h", target: "ServiceHighErrorRatio", equal: ["namespace", "service"] } as const;

/** Alerts about a service that say nothing new while the service is down. */
export const MUTED_WHILE_DOWN = [
  "ServiceHighLatency",
  "ServiceHighErrorRatio",
  "ServiceElevatedErrorRatio",
  "ServiceNoTraffic",
  "ErrorBudgetBurn.*",
  "LatencyBudgetBurn.*",
  "SLOErrorBudgetLow",
  // A service's own scrape targets are down whenever it is: one page, not a page and a warning.
  "ScrapeTargetsDown",
] as const;

/** A route of the tree. */
export interface Route {
  readonly receiver?: string;
  readonly matchers?: readonly string[];
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly continue?: boolean;
  readonly mute_time_intervals?: readonly string[];
  readonly routes?: readonly Route[];
}

/** The slice of stack config the Alertmanager configuration is built from. */
export interface AlertmanagerSettings {
  readonly environment: Environment;
  readonly alerting: AlertingSpec;
  readonly monitoring: Pick<MonitoringSpec, "scrapeInterval" | "evaluationInterval">;
  /** Factor applied to every timer for end-to-end tests; 1 in real stacks. */
  readonly timeScale: number;
}

/** The receivers each severity (and Watchdog) reaches in a stack: the routing intent. */
export function intendedReceivers(config: AlertmanagerSettings): Record<"critical" | "warning" | "info" | "watchdog" | "unmatched", string[]> {
  const r = config.alerting.receivers;
  const orNull = (xs: (string | false | undefined)[]) => {
    const out = xs.filter((x): x is string => typeof x === "string");
    return out.length > 0 ? out : [RECEIVERS.none];
  };
  const warning = orNull([r.slack && RECEIVERS.slack, r.email && RECEIVERS.email, r.webhook && RECEIVERS.webhook]);
  return {
    critical: orNull([r.pagerduty && RECEIVERS.pagerduty, r.slack && RECEIVERS.slackCritical, r.email && RECEIVERS.email, r.webhook && RECEIVERS.webhook]),
    warning,
    info: [RECEIVERS.none],
    watchdog: [config.alerting.heartbeat ? RECEIVERS.heartbeat : RECEIVERS.none],
    // An alert without a known severity still reaches people: it goes where warnings go.
    unmatched: [warning[0]],
  };
}

/** How many alerts of a group a notification names one by one; the rest are counted. */
export const LISTED_ALERTS = 3;

/**
 * Slack title: status, firing count, alert name and service, e.g. `[FIRING:2] EndpointDown`.
 * GROUP_BY puts `alertname` into every group's common labels, so it is never empty.
 */
export const SLACK_TITLE =
  '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ if .CommonLabels.service }} ({{ .CommonLabels.service }}){{ end }}';

/**
 * Slack text: each firing alert with its own summary, description and runbook (alerts of one
 * group differ in their annotations: two nodes, two mounts), then the resolved ones by summary,
 * so a mixed flush never shows a resolved alert as if it still fired.
 */
export const SLACK_TEXT =
  "{{ range .Alerts.Firing }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}" +
  "{{ if .Alerts.Resolved }}Resolved:\n{{ range .Alerts.Resolved }}• {{ .Annotations.summary }}\n{{ end }}{{ end }}";

/**
 * Slack's plain-text `fallback` (what phone notifications show): the title and the first
 * alert's summary. Alertmanager's default is the title and a link to itself, which says less.
 */
export const SLACK_FALLBACK = SLACK_TITLE + "{{ with (index .Alerts 0).Annotations.summary }}: {{ . }}{{ end }}";

/**
 * PagerDuty's `payload.summary` (Alertmanager's `description`), which the Events API v2 requires
 * to be non-empty: PagerDuty refuses the event otherwise and no incident opens. One alert: its
 * own summary. Several: `.CommonAnnotations.summary` is empty as soon as their summaries differ
 * (two nodes, two probes), so the alert name, service and count lead, then the first
 * {@link LISTED_ALERTS} firing summaries. Each alternative falls back to the alert name, so
 * the text is never blank; Alertmanager cuts it at PagerDuty's 1024 characters.
 */
export const PAGERDUTY_SUMMARY =
  "{{ if eq (len .Alerts) 1 }}{{ with (index .Alerts 0).Annotations.summary }}{{ . }}{{ else }}{{ $.CommonLabels.alertname }}{{ end }}" +
  "{{ else }}{{ .CommonLabels.alertname }}{{ with .CommonLabels.service }} ({{ . }}){{ end }}: {{ .Alerts.Firing | len }} firing" +
  `{{ range $i, $a := .Alerts.Firing }}{{ if lt $i ${LISTED_ALERTS} }}{{ if $i }};{{ else }} —{{ end }} {{ $a.Annotations.summary }}{{ end }}{{ end }}` +
  `{{ if gt (len .Alerts.Firing) ${LISTED_ALERTS} }}; …{{ end }}{{ end }}`;

/**
 * PagerDuty's `payload.source`, "the unique location of the affected system" (required,
 * non-empty): the service, else the instance, else the job of the group, else the stack.
 */
export function pagerDutySource(environment: string): string {
  return `{{ or .CommonLabels.service .CommonLabels.instance .CommonLabels.job "app-platform-${environment}" }}`;
}

/**
 * The Alertmanager configuration of a stack (pure). Credentials are never values: receivers
 * read them from files of the receivers Secret (`api_url_file`, `routing_key_file`,
 * `auth_password_file`). Alertmanager 0.25 has no `url_file` for webhooks, so the heartbeat
 * (whose URL is a credential) is sent with a Slack-compatible POST through `api_url_file`,
 * which every dead-man's-switch service that accepts a POST understands.
 */
export function buildAlertmanagerConfig(config: AlertmanagerSettings): Record<string, unknown> {
  const scale = (d: string) => scaleDuration(d, config.timeScale);
  const timers = config.alerting.timers;
  const r = config.alerting.receivers;
  const intent = intendedReceivers(config);
  const maintenance = config.alerting.maintenance;
  const mute = maintenance ? { mute_time_intervals: [MAINTENANCE_INTERVAL] } : {};

  const chain = (severity: string, receivers: string[], extra: Partial<Route>): Route[] =>
    receivers.map((receiver, i) => ({
      receiver,
      matchers: [`severity="${severity}"`],
      ...extra,
      // Every integration but the last continues, so that each one gets the alert.
      ...(i < receivers.length - 1 ? { continue: true } : {}),
    }));

  const heartbeatRepeat = scale(config.alerting.heartbeat?.repeatInterval ?? "1m");
  const routes: Route[] = [
    // First, so that severity routes never see it; without a heartbeat it goes to "null"
    // explicitly rather than to the default receiver.
    {
      receiver: intent.watchdog[0],
      matchers: ['alertname="Watchdog"'],
      group_by: ["alertname"],
      group_wait: scale("10s"),
      group_interval: heartbeatRepeat,
      repeat_interval: heartbeatRepeat,
    },
    ...chain("critical", intent.critical, { group_wait: scale(timers.criticalGroupWait) }),
    ...chain("warning", intent.warning, mute),
    { receiver: RECEIVERS.none, matchers: ['severity="info"'] },
    // kube-prometheus-stack's InfoInhibitor (severity "none") only exists to inhibit; it must not
    // fall through to the default receiver.
    { receiver: RECEIVERS.none, matchers: ['alertname="InfoInhibitor"'] },
  ];

  const receivers: Record<string, unknown>[] = [{ name: RECEIVERS.none }];
  if (config.alerting.heartbeat) {
    receivers.push({ name: RECEIVERS.heartbeat, slack_configs: [{ api_url_file: receiverSecretFile("heartbeatUrl"), send_resolved: false }] });
  }
  if (r.pagerduty) {
    receivers.push({
      name: RECEIVERS.pagerduty,
      pagerduty_configs: [
        {
          routing_key_file: receiverSecretFile("pagerdutyRoutingKey"),
          severity: r.pagerduty.severity ?? "critical",
          description: PAGERDUTY_SUMMARY,
          source: pagerDutySource(config.environment),
          send_resolved: true,
        },
      ],
    });
  }
  if (r.slack) {
    const slack = (channel: string) => ({ api_url_file: receiverSecretFile("slackWebhookUrl"), channel, send_resolved: true, title: SLACK_TITLE, text: SLACK_TEXT, fallback: SLACK_FALLBACK });
    receivers.push({ name: RECEIVERS.slackCritical, slack_configs: [slack(r.slack.criticalChannel ?? r.slack.channel)] });
    receivers.push({ name: RECEIVERS.slack, slack_configs: [slack(r.slack.channel)] });
  }
  if (r.email) {
    receivers.push({
      name: RECEIVERS.email,
      email_configs: [
        {
          to: r.email.to.join(", "),
          from: r.email.from,
          smarthost: r.email.smarthost,
          require_tls: true,
          send_resolved: true,
          ...(r.email.username !== undefined ? { auth_username: r.email.username, auth_password_file: receiverSecretFile("smtpPassword") } : {}),
        },
      ],
    });
  }
  if (r.webhook) receivers.push({ name: RECEIVERS.webhook, webhook_configs: [{ url: r.webhook.url, send_resolved: true }] });

  const inhibit_rules = [
    { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ["alertname", "namespace"] },
    { source_matchers: ['alertname="ServiceDown"'], target_matchers: [`alertname=~"${MUTED_WHILE_DOWN.join("|")}"`], equal: ["namespace", "service"] },
    ...SUPERSEDES.map((p) => ({ source_matchers: [`alertname="${p.source}"`], target_matchers: [`alertname="${p.target}"`], equal: [...p.equal] })),
    { source_matchers: [`alertname=~"${SAME_INCIDENT_PAGES.source}"`], target_matchers: [`alertname="${SAME_INCIDENT_PAGES.target}"`], equal: [...SAME_INCIDENT_PAGES.equal] },
  ];

  return {
    global: { resolve_timeout: scale("5m") },
    route: {
      receiver: intent.unmatched[0],
      group_by: [...GROUP_BY],
      group_wait: scale(timers.groupWait),
      group_interval: scale(timers.groupInterval),
      repeat_interval: scale(timers.repeatInterval),
      routes,
    },
    inhibit_rules,
    receivers,
    ...(maintenance
      ? {
          time_intervals: [
            {
              name: MAINTENANCE_INTERVAL,
              time_intervals: [
                {
                  weekdays: maintenance.weekdays,
                  times: [{ start_time: maintenance.startTime, end_time: maintenance.endTime }],
                  ...(maintenance.location ? { location: maintenance.location } : {}),
                },
              ],
            },
          ],
        }
      : {}),
  };
}

/** The parts of the worst-case delay from "service down" to a page, in seconds. */
export interface TimeToPage {
  /** A failed scrape is seen at most one scrape interval after the service goes down. */
  readonly scrape: number;
  /** The rule sees the failed scrape at its next evaluation. */
  readonly evaluation: number;
  /** ServiceDown's `for:`. */
  readonly for: number;
  /** Alertmanager waits `group_wait` before the first notification of a critical group. */
  readonly groupWait: number;
  readonly total: number;
}

/**
 * Worst-case time from a service going down to the page, with the stack's intervals:
 * scrape interval + evaluation interval + ServiceDown's `for:` + the critical group_wait.
 * (Prometheus sends a firing alert to Alertmanager at once; `for:` is a multiple of the
 * evaluation interval in every stack, so it adds no rounding.)
 */
export function timeToPage(config: AlertmanagerSettings): TimeToPage {
  const s = (d: string) => durationSeconds(scaleDuration(d, config.timeScale));
  const parts = {
    scrape: s(config.monitoring.scrapeInterval),
    evaluation: s(config.monitoring.evaluationInterval),
    for: s(String(config.alerting.thresholds.serviceDownFor)),
    groupWait: s(config.alerting.timers.criticalGroupWait),
  };
  return { ...parts, total: parts.scrape + parts.evaluation + parts.for + parts.groupWait };
}
