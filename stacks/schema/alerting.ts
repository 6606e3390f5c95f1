import { z } from "zod";
import { hostNameProblem, timeZone, webUrl } from "./network";
import { promDuration, type Environment } from "./common";
import { ALERT_THRESHOLD_DEFAULTS } from "./defaults";
import { ALERT_THRESHOLDS, type AlertThresholds, type ThresholdSpec } from "../../components/monitoring/rules/thresholds";
import "./meta";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

const weekday = z
  .string()
  .regex(/^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(:(monday|tuesday|wednesday|thursday|friday|saturday|sunday))?$/, { error: 'must be a weekday or a range such as "monday:friday"' })
  // Alertmanager counts weeks from Sunday and refuses a range that wraps around it.
  .refine((d) => !d.includes(":") || WEEKDAYS.indexOf(d.split(":")[0]) <= WEEKDAYS.indexOf(d.split(":")[1]), {
    error: 'must not wrap around Sunday (Alertmanager weeks start on Sunday): list ["saturday", "sunday"] instead of "saturday:sunday"',
  });

/** `app-platform:alerting` */
export const alertingSchema = z.strictObject({
  receivers: z
    .strictObject({
      slack: z
        .strictObject({
          channel: z.string().regex(/^#[\w-]+$/, { error: 'must be a channel name such as "#alerts"' }).meta({ description: "Channel that gets warnings (and critical alerts unless criticalChannel is set).", examples: ["#alerts"] }),
          criticalChannel: z
            .string()
            .regex(/^#[\w-]+$/, { error: 'must be a channel name such as "#incidents"' })
            .optional()
            .meta({ description: "Channel that gets critical alerts.", defaultText: "`channel`", examples: ["#incidents"] }),
        })
        .optional()
        .meta({
          description: "Slack notifications; the webhook URL is the credential `slackWebhookUrl`. Required in staging and production, where warnings go to Slack.",
          defaultText: "none (required in staging and production)",
        }),
      pagerduty: z
        .strictObject({
          severity: z
            .enum(["critical", "error"])
            .optional()
            .meta({ description: "PagerDuty severity of the incidents (Events API v2 `payload.severity`).", defaultText: "`critical`", examples: ["error"] }),
        })
        .optional()
        .meta({
          description: "PagerDuty paging of critical alerts (Events API v2); the routing key is the credential `pagerdutyRoutingKey`. Required in production: critical alerts must page someone. Write `pagerduty: {}` to enable it with defaults.",
          defaultText: "none (required in production)",
        }),
      email: z
        .strictObject({
          to: z.array(z.email()).min(1).meta({ description: "Addresses that get the alerts.", examples: [["oncall@example.com"]] }),
          from: z.email().meta({ description: "Sender address.", examples: ["alertmanager@example.com"] }),
          smarthost: z
            .string()
            .regex(/^[\w.-]+:\d+$/, { error: 'must be "host:port"' })
            .superRefine((hp, ctx) => {
              const host = hp.replace(/:\d+$/, "");
              const why = /^[\w.-]+:\d+$/.test(hp) ? hostNameProblem(host, { ip: true }) : undefined;
              if (why) ctx.addIssue({ code: "custom", message: `has the host "${host}", which ${why}`, input: hp });
            })
            .meta({ description: "SMTP server as `host:port`; Alertmanager requires STARTTLS.", allowed: "the host is a host name (RFC 1123) or an IPv4 address", examples: ["smtp.example.com:587"] }),
          username: z.string().optional().meta({ description: "SMTP user; its password is the credential `smtpPassword`.", defaultText: "none: no SMTP authentication", examples: ["alertmanager"] }),
        })
        .optional()
        .meta({ description: "E-mail notifications: warnings and critical alerts, like Slack.", defaultText: "none: no e-mail" }),
      webhook: z
        .strictObject({ url: webUrl().meta({ description: "Endpoint Alertmanager posts to, with no credentials.", allowed: "an https or http URL with a valid host name", examples: ["http://alert-sink.dev.svc:8080/alerts"] }) })
        .optional()
        .meta({ description: "Plain webhook receiver, for dev only (refused in staging and production): a local endpoint with no credentials.", defaultText: "none: no webhook" }),
    })
    .optional()
    .meta({ description: "Where notifications go. Critical alerts page (PagerDuty) and go to Slack; warnings go to Slack; info alerts to no one." }),
  heartbeat: z
    .strictObject({
      repeatInterval: promDuration.optional().meta({ description: "How often the always-firing Watchdog alert is sent to the heartbeat URL; the dead-man's switch should alarm after a few missed calls.", defaultText: "`1m` (the Alertmanager config's default)", examples: ["5m"] }),
    })
    .optional()
    .meta({
      description: "Dead-man's-switch: the Watchdog alert, always firing, is sent to the credential `heartbeatUrl`, so that an outside service notices when alerting itself is down. Write `heartbeat: {}` to enable it with defaults.",
      defaultText: "none: no heartbeat",
    }),
  maintenance: z
    .strictObject({
      weekdays: z.array(weekday).min(1).meta({ description: "Days of the window; a range must not wrap around Sunday.", examples: [["saturday", "sunday"], ["monday:friday"]] }),
      startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be "HH:MM"' }).meta({ description: "Start of the window on each of those days.", examples: ["02:00"] }),
      endTime: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, { error: 'must be "HH:MM"' }).meta({ description: "End of the window on the same day; after startTime (24:00 is the end of the day).", examples: ["04:00"] }),
      location: timeZone.optional().meta({
        description: "IANA time zone of startTime and endTime.",
        defaultText: "none: UTC (Alertmanager's default)",
        allowed: "an IANA time zone name as written in the tz database (case-sensitive)",
        examples: ["Europe/Berlin"],
      }),
    })
    .optional()
    .meta({ description: "Weekly maintenance window in which non-critical notifications are muted (an Alertmanager time interval); critical alerts still page.", defaultText: "none: notifications are never muted" }),
  // Durations are checked by checkAlertThresholds, which knows which ones are `for:` durations.
  thresholds: z
    .record(z.string(), z.union([z.number(), z.string()]))
    .optional()
    .meta({
      description:
        "Overrides of alert thresholds and `for:` durations, by name (see the table). Ratios are fractions (0.05 = 5%); durations use Prometheus notation, `for:` durations whole minutes and at most 6h, because `platform check` tests every alert on both sides of its `for:`.",
      defaultText: "the table below",
      allowed: "names from the table; ratios in (0, 1), seconds > 0, counts whole and ≥ 1",
      examples: [{ errorRatioCritical: 0.1, serviceDownFor: "5m" }],
      entries: Object.fromEntries(Object.entries(ALERT_THRESHOLDS).map(([name, spec]) => [name, `${spec.description} (${spec.kind})`])),
    }),
  runbookBaseUrl: webUrl()
    .optional()
    .meta({
      description: "Where runbooks live; every alert's `runbook_url` is `<runbookBaseUrl>/<AlertName>.md`.",
      allowed: "an https or http URL with a valid host name",
      examples: ["https://git.example.com/platform/runbooks/-/blob/main"],
    }),
});

// The catalogue of thresholds belongs to the alert rules that use them (components/monitoring/rules).
export { ALERT_THRESHOLDS, type AlertThresholds, type ThresholdKind, type ThresholdName, type ThresholdSpec } from "../../components/monitoring/rules/thresholds";

/** Where runbooks live unless `alerting.runbookBaseUrl` says otherwise (this repository's docs). */
export const DEFAULT_RUNBOOK_BASE_URL = "https://github.com/app-platform/app-platform/blob/main/docs/runbooks";

/**
 * The thresholds of an environment with the stack's overrides applied. Unknown names and values
 * of the wrong kind are reported by `checkAlertThresholds`, before this result is used.
 */
export function resolveThresholds(environment: Environment, overrides: Readonly<Record<string, number | string>> = {}): AlertThresholds {
  const defaults: Record<Environment, AlertThresholds> = ALERT_THRESHOLD_DEFAULTS;
  const out: Record<string, number | string> = { ...defaults[environment] };
  for (const [k, v] of Object.entries(overrides)) if (k in ALERT_THRESHOLDS) out[k] = v;
  return out as AlertThresholds;
}

/** One problem with `alerting.thresholds`: the key, the value and the rule it breaks with the fix. */
export interface ThresholdProblem {
  readonly key: string;
  readonly value: unknown;
  readonly rule: string;
}

/**
 * Longest `for:` duration an alert threshold may have. `platform check` tests every alert with
 * promtool on both sides of its `for:`, one sample a minute, and stops a promtool run after
 * 120 s. Measured on an idle machine: the workloads group's tests take 1.4 s with a 10m `for:`,
 * 2.6 s with 6h, 7 s with 1d, 26 s with 7d; the SLO group's take 28 s with one 6h burn-rate
 * `for:` and 68 s with 1d, which a busy machine pushes past the limit.
 */
export const MAX_FOR_SECONDS = 6 * 3600;

/**
 * Why a threshold duration is unusable, or undefined: Prometheus notation and above zero; a
 * `for:` duration (names ending in "For") also whole minutes, which the generated promtool tests
 * step through, and at most {@link MAX_FOR_SECONDS}.
 */
export function thresholdDurationProblem(key: string, value: string): string | undefined {
  const m = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(value);
  if (!m) return 'must be a duration such as "5m"';
  const seconds = Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[m[2] as "s"];
  if (seconds <= 0) return 'must be greater than zero: write a duration such as "5m"';
  if (!key.endsWith("For")) return undefined;
  if (seconds % 60 !== 0) return `must be whole minutes: alerts are tested minute by minute on both sides of their \`for:\`; write e.g. "${Math.max(1, Math.round(seconds / 60))}m"`;
  if (seconds > MAX_FOR_SECONDS) return "must be at most 6h: `platform check` tests every alert minute by minute on both sides of its `for:`, and a longer one cannot be tested in bounded time";
  return undefined;
}

/**
 * Checks threshold overrides: known names (with a did-you-mean for misspellings), the kind of
 * value each name takes, and ranges (ratios in (0, 1), seconds > 0, counts whole and >= 1).
 */
export function checkAlertThresholds(
  overrides: Readonly<Record<string, number | string>>,
  suggest: (key: string, known: readonly string[]) => string | undefined,
): ThresholdProblem[] {
  const out: ThresholdProblem[] = [];
  const known = Object.keys(ALERT_THRESHOLDS);
  for (const [key, value] of Object.entries(overrides)) {
    const spec = (ALERT_THRESHOLDS as Record<string, ThresholdSpec>)[key];
    if (!spec) {
      const guess = suggest(key, known);
      out.push({ key, value, rule: guess ? `is not a known alert threshold: did you mean "${guess}"? Rename it` : `is not a known alert threshold; known names: ${known.join(", ")}` });
      continue;
    }
    if (spec.kind === "duration") {
      const why = typeof value === "string" ? thresholdDurationProblem(key, value) : `must be a duration such as "5m"`;
      if (why) out.push({ key, value, rule: `${why} (${spec.description})` });
      continue;
    }
    if (typeof value !== "number") {
      out.push({ key, value, rule: `must be a number, not a duration (${spec.description})` });
    } else if (spec.kind === "ratio" && !(value > 0 && value < 1)) {
      // A ratio is never above 1 nor below 0: at either end the alert would never fire (or always).
      out.push({ key, value, rule: `must be a fraction in (0, 1), e.g. 0.05 for 5%: at 0 or 1 the alert fires always or never (${spec.description})` });
    } else if (spec.kind === "seconds" && !(value > 0)) {
      out.push({ key, value, rule: `must be a number of seconds > 0 (${spec.description})` });
    } else if (spec.kind === "count" && !(Number.isInteger(value) && value >= 1)) {
      out.push({ key, value, rule: `must be a whole number >= 1 (${spec.description})` });
    }
  }
  return out;
}
