// The documented request contracts of the services Alertmanager notifies, so that the
// end-to-end recorder accepts only what the real service would accept. Expectations come from
// the vendors' documentation, not from our templates:
//  - PagerDuty Events API v2 (POST https://events.pagerduty.com/v2/enqueue, "Send an Alert
//    Event"): `routing_key` (the integration key) and `event_action` (trigger, acknowledge,
//    resolve) are required; a trigger needs `payload.summary` (a non-empty brief text of at
//    most 1024 characters), `payload.source` (the affected system, non-empty) and
//    `payload.severity` (critical, error, warning or info); acknowledge and resolve need the
//    `dedup_key` of the alert they act on; a dedup_key is at most 255 characters. PagerDuty
//    answers 400 "Event object is invalid" otherwise: the incident is never opened.
//  - Slack incoming webhooks (api.slack.com/messaging/webhooks, chat.postMessage arguments):
//    a message needs `text`, or `blocks`, or `attachments`; a legacy attachment needs a
//    plain-text `fallback` summary (shown in notifications and clients that cannot render the
//    attachment) and some content (`text`, `title`, `pretext` or `fields`); at most 100
//    attachments; `text` is truncated by Slack past 40,000 characters, so longer is refused
//    here. Slack answers 400 "no_text" / "invalid_attachments" otherwise.

/** Severities the Events API v2 accepts in `payload.severity`. */
export const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"] as const;
/** Event actions of the Events API v2 alert events. */
export const PAGERDUTY_ACTIONS = ["trigger", "acknowledge", "resolve"] as const;
/** Longest `payload.summary` the Events API v2 accepts. */
export const PAGERDUTY_SUMMARY_MAX = 1024;
/** Longest `dedup_key` the Events API v2 accepts. */
export const PAGERDUTY_DEDUP_KEY_MAX = 255;
/** Most attachments Slack accepts on one message. */
export const SLACK_ATTACHMENTS_MAX = 100;
/** Longest message `text` Slack keeps. */
export const SLACK_TEXT_MAX = 40_000;

const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

/** Every way an Events API v2 request violates the documented contract (empty: valid). */
export function pagerDutyViolations(body: any): string[] {
  const out: string[] = [];
  if (typeof body !== "object" || body === null) return ["body is not a JSON object"];
  if (!nonEmpty(body.routing_key)) out.push("routing_key is missing or empty");
  if (!PAGERDUTY_ACTIONS.includes(body.event_action)) out.push(`event_action (${JSON.stringify(body.event_action)}) must be one of ${PAGERDUTY_ACTIONS.join(", ")}`);
  if (body.dedup_key !== undefined && (typeof body.dedup_key !== "string" || body.dedup_key.length > PAGERDUTY_DEDUP_KEY_MAX)) {
    out.push(`dedup_key must be a string of at most ${PAGERDUTY_DEDUP_KEY_MAX} characters`);
  }
  if (body.event_action === "trigger") {
    const p = body.payload;
    if (typeof p !== "object" || p === null) {
      out.push("payload is required for a trigger event");
    } else {
      if (!nonEmpty(p.summary)) out.push("payload.summary is missing or empty");
      else if ([...p.summary].length > PAGERDUTY_SUMMARY_MAX) out.push(`payload.summary has ${[...p.summary].length} characters, more than ${PAGERDUTY_SUMMARY_MAX}`);
      if (!nonEmpty(p.source)) out.push("payload.source is missing or empty");
      if (!PAGERDUTY_SEVERITIES.includes(p.severity)) out.push(`payload.severity (${JSON.stringify(p.severity)}) must be one of ${PAGERDUTY_SEVERITIES.join(", ")}`);
    }
  } else if (PAGERDUTY_ACTIONS.includes(body.event_action) && !nonEmpty(body.dedup_key)) {
    out.push(`dedup_key is required for ${body.event_action} events`);
  }
  return out;
}

/** Every way a Slack incoming-webhook message violates the documented contract (empty: valid). */
export function slackViolations(body: any): string[] {
  const out: string[] = [];
  if (typeof body !== "object" || body === null) return ["body is not a JSON object"];
  const attachments = body.attachments;
  const blocks = body.blocks;
  const hasText = nonEmpty(body.text);
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (!hasText && !hasBlocks && !hasAttachments) out.push("the message has no text, blocks or attachments (Slack: no_text)");
  if (hasText && body.text.length > SLACK_TEXT_MAX) out.push(`text has ${body.text.length} characters, more than ${SLACK_TEXT_MAX}`);
  if (attachments !== undefined && attachments !== null) {
    if (!Array.isArray(attachments)) out.push("attachments must be an array");
    else {
      if (attachments.length > SLACK_ATTACHMENTS_MAX) out.push(`${attachments.length} attachments, more than ${SLACK_ATTACHMENTS_MAX}`);
      attachments.forEach((a: any, i: number) => {
        if (!nonEmpty(a?.fallback)) out.push(`attachments[${i}].fallback (the plain-text summary) is missing or empty`);
        const content = [a?.text, a?.title, a?.pretext].some(nonEmpty) || (Array.isArray(a?.fields) && a.fields.length > 0);
        if (!content) out.push(`attachments[${i}] has no text, title, pretext or fields`);
        if (nonEmpty(a?.text) && a.text.length > SLACK_TEXT_MAX) out.push(`attachments[${i}].text has ${a.text.length} characters, more than ${SLACK_TEXT_MAX}`);
      });
    }
  }
  return out;
}
