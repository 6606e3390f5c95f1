import { z } from "zod";
import { promDuration } from "./common";

/** `app-platform:alerting` */
export const alertingSchema = z.strictObject({
  receivers: z
    .strictObject({
      /** Slack channels; the webhook URL is the secret key `slackWebhookUrl`. */
      slack: z
        .strictObject({
          channel: z.string().regex(/^#[\w-]+$/, { error: 'must be a channel name such as "#alerts"' }),
          criticalChannel: z.string().regex(/^#[\w-]+$/, { error: 'must be a channel name such as "#incidents"' }).optional(),
        })
        .optional(),
      /** PagerDuty Events v2; the routing key is the secret key `pagerdutyRoutingKey`. */
      pagerduty: z.strictObject({ severity: z.enum(["critical", "error"]).optional() }).optional(),
      /** Email; the SMTP password is the secret key `smtpPassword`. */
      email: z
        .strictObject({
          to: z.array(z.email()).min(1),
          from: z.email(),
          smarthost: z.string().regex(/^[\w.-]+:\d+$/, { error: 'must be "host:port"' }),
          username: z.string().optional(),
        })
        .optional(),
      /** Plain webhook receiver (dev only): a local endpoint with no credentials. */
      webhook: z.strictObject({ url: z.url() }).optional(),
    })
    .optional(),
  /** Dead-man's-switch heartbeat for Watchdog; its URL is the secret key `heartbeatUrl`. */
  heartbeat: z.strictObject({ repeatInterval: promDuration.optional() }).optional(),
  /** Weekly maintenance window in which non-critical notifications are muted. */
  maintenance: z
    .strictObject({
      weekdays: z.array(z.string().regex(/^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(:(monday|tuesday|wednesday|thursday|friday|saturday|sunday))?$/, { error: 'must be a weekday or a range such as "saturday:sunday"' })).min(1),
      startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be "HH:MM"' }),
      endTime: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, { error: 'must be "HH:MM"' }),
      location: z.string().optional(),
    })
    .optional(),
  /** Overrides of alert thresholds and `for:` durations, by setting name. */
  thresholds: z.record(z.string(), z.union([z.number(), promDuration])).optional(),
});
