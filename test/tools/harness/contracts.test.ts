// Cases from the vendors' documentation (see tools/harness/contracts.ts for the sources): the
// Events API v2 example trigger event, and what PagerDuty and Slack answer 400 to.
import { describe, expect, it } from "vitest";
import { pagerDutyViolations, slackViolations } from "../../../tools/harness/contracts";

// The shape of PagerDuty's documented example trigger ("DISK at 99% on machine ...").
const documentedTrigger = {
  routing_key: "samplekeyhere",
  dedup_key: "samplekeyhere",
  event_action: "trigger",
  payload: {
    summary: "DISK at 99% on machine prod-datapipe03.example.com",
    timestamp: "2015-07-17T08:42:58.315+0000",
    severity: "critical",
    source: "prod-datapipe03.example.com",
    component: "mysql",
    group: "prod-datapipe",
    class: "disk",
    custom_details: { "free space": "1%" },
  },
};

describe("PagerDuty Events API v2 contract", () => {
  it("accepts the documented trigger, and a resolve that names its dedup_key", () => {
    expect(pagerDutyViolations(documentedTrigger)).toEqual([]);
    expect(pagerDutyViolations({ routing_key: "samplekeyhere", dedup_key: "samplekeyhere", event_action: "resolve" })).toEqual([]);
    expect(pagerDutyViolations({ routing_key: "samplekeyhere", dedup_key: "samplekeyhere", event_action: "acknowledge" })).toEqual([]);
  });

  it("refuses a blank or whitespace summary, and one over 1024 characters", () => {
    const with_ = (summary: string) => ({ ...documentedTrigger, payload: { ...documentedTrigger.payload, summary } });
    expect(pagerDutyViolations(with_(""))).toEqual(["payload.summary is missing or empty"]);
    expect(pagerDutyViolations(with_("  "))).toEqual(["payload.summary is missing or empty"]);
    expect(pagerDutyViolations(with_("x".repeat(1024)))).toEqual([]);
    expect(pagerDutyViolations(with_("x".repeat(1025)))).toEqual(["payload.summary has 1025 characters, more than 1024"]);
  });

  it("refuses a severity outside critical, error, warning, info, and a missing source", () => {
    expect(pagerDutyViolations({ ...documentedTrigger, payload: { ...documentedTrigger.payload, severity: "page" } })).toEqual(['payload.severity ("page") must be one of critical, error, warning, info']);
    expect(pagerDutyViolations({ ...documentedTrigger, payload: { ...documentedTrigger.payload, source: "" } })).toEqual(["payload.source is missing or empty"]);
  });

  it("refuses a missing routing key, an unknown action, and a resolve without dedup_key", () => {
    expect(pagerDutyViolations({ ...documentedTrigger, routing_key: "" })).toEqual(["routing_key is missing or empty"]);
    expect(pagerDutyViolations({ ...documentedTrigger, event_action: "create" })).toEqual(['event_action ("create") must be one of trigger, acknowledge, resolve']);
    expect(pagerDutyViolations({ routing_key: "k", event_action: "resolve" })).toEqual(["dedup_key is required for resolve events"]);
    expect(pagerDutyViolations({ ...documentedTrigger, dedup_key: "d".repeat(256) })).toEqual(["dedup_key must be a string of at most 255 characters"]);
  });
});

describe("Slack incoming webhook contract", () => {
  it("accepts plain text, and attachments with a fallback and content", () => {
    expect(slackViolations({ text: "Hello, world." })).toEqual([]);
    expect(slackViolations({ attachments: [{ fallback: "Required plain-text summary", title: "Title", text: "Body" }] })).toEqual([]);
  });

  it("refuses a message with nothing to show, and attachments without fallback or content", () => {
    expect(slackViolations({ channel: "#alerts" })).toEqual(["the message has no text, blocks or attachments (Slack: no_text)"]);
    expect(slackViolations({ attachments: [{ title: "t", fallback: "" }] })).toEqual(["attachments[0].fallback (the plain-text summary) is missing or empty"]);
    expect(slackViolations({ attachments: [{ fallback: "f", color: "danger" }] })).toEqual(["attachments[0] has no text, title, pretext or fields"]);
    expect(slackViolations({ attachments: Array.from({ length: 101 }, () => ({ fallback: "f", text: "t" })) })).toEqual(["101 attachments, more than 100"]);
  });
});
