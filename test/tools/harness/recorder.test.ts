import { afterEach, describe, expect, it } from "vitest";
import { NotificationRecorder, recorderPath } from "../../../tools/harness/recorder";
import { StaticExporter } from "../../../tools/harness/static-exporter";

describe("NotificationRecorder", () => {
  let rec: NotificationRecorder | undefined;
  afterEach(async () => {
    await rec?.stop();
  });

  const webhookBody = (status: string, labels: Record<string, string>) => ({ status, alerts: [{ status, labels, annotations: {}, startsAt: "", endsAt: "" }] });

  it("files requests by Alertmanager, receiver and kind and parses their status", async () => {
    rec = new NotificationRecorder();
    await rec.start();
    await fetch(rec.urlFor("main", "team a", "shadow"), { method: "POST", body: JSON.stringify(webhookBody("firing", { alertname: "X", service: "s" })) });
    const pd = await fetch(rec.urlFor("main", "pd", "pagerduty"), { method: "POST", body: JSON.stringify({ routing_key: "k", event_action: "resolve", dedup_key: "d" }) });
    expect(pd.status).toBe(202);
    expect(rec.find({ receiver: "team a", labels: { alertname: "X" } })).toHaveLength(1);
    expect(rec.find({ receiver: "team a", labels: { alertname: "Y" } })).toHaveLength(0);
    expect(rec.find({ receiver: "pd", status: "resolved" })).toHaveLength(1);
    expect(rec.find({ alertmanager: "other" })).toHaveLength(0);
    expect(recorderPath("main", "team a", "slack")).toBe("/main/team%20a/slack");
  });

  it("answers 400 to a PagerDuty or Slack request the vendor would refuse, and lists it", async () => {
    rec = new NotificationRecorder();
    await rec.start();
    const blank = { routing_key: "k", event_action: "trigger", payload: { summary: "", source: "Alertmanager", severity: "critical" } };
    const pd = await fetch(rec.urlFor("main", "pd", "pagerduty"), { method: "POST", body: JSON.stringify(blank) });
    expect(pd.status).toBe(400);
    expect(await pd.json()).toMatchObject({ status: "invalid event", errors: ["payload.summary is missing or empty"] });
    const slack = await fetch(rec.urlFor("main", "chat", "slack"), { method: "POST", body: JSON.stringify({ channel: "#a", attachments: [{ title: "t" }] }) });
    expect(slack.status).toBe(400);
    expect(rec.rejected()).toHaveLength(2);
    expect(rec.find({ accepted: true })).toEqual([]);
    expect(rec.find({ receiver: "pd", accepted: false })[0]!.status).toBe("firing");
  });

  it("waits for a notification and fails with what arrived instead", async () => {
    rec = new NotificationRecorder();
    await rec.start();
    setTimeout(() => void fetch(rec!.urlFor("m", "r", "webhook"), { method: "POST", body: JSON.stringify(webhookBody("resolved", { alertname: "Z" })) }), 100);
    const n = await rec.waitFor({ status: "resolved", labels: { alertname: "Z" } }, 2000);
    expect(n.receiver).toBe("r");
    await expect(rec.waitFor({ labels: { alertname: "Nope" } }, 300)).rejects.toThrow(/no notification matching .*Nope.*m\/r\/webhook resolved/s);
  });
});

describe("StaticExporter", () => {
  it("serves the series a test sets, escaped, and forgets deleted ones", () => {
    const e = new StaticExporter();
    e.set("kube_cronjob_created", { namespace: "backup", cronjob: 'a"b' }, 5);
    e.set("kube_cronjob_created", { namespace: "backup", cronjob: "c" }, 6);
    e.delete("kube_cronjob_created", { namespace: "backup", cronjob: "c" });
    expect(e.metricsText()).toBe('# TYPE kube_cronjob_created gauge\nkube_cronjob_created{namespace="backup",cronjob="a\\"b"} 5\n');
  });
});
