// The production stack's receivers, in the real Alertmanager 0.25, delivering to endpoints that
// enforce PagerDuty's Events API v2 and Slack's incoming-webhook contracts
// (tools/harness/contracts.ts). Alerts are posted to Alertmanager's API exactly as Prometheus
// sends them, with the annotations Prometheus renders from the platform's own rules, in groups
// of several alerts whose summaries differ — the case where `.CommonAnnotations.summary` is
// empty and PagerDuty refused the event, so no incident opened.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAlertmanagerConfig } from "../../../components/monitoring/alertmanager/config";
import { buildRuleGroups } from "../../../components/monitoring/rules/catalogue";
import { renderTemplate } from "../../../components/monitoring/rules/template";
import { loadPlatformConfig, type PlatformConfig } from "../../../stacks/config";
import { startAlertmanager, type AlertmanagerServer } from "../../../tools/harness/alertmanager";
import { PROGRAMS, ProcessGroup, requireProgram } from "../../../tools/harness/processes";
import { NotificationRecorder } from "../../../tools/harness/recorder";
import { REPO_ROOT } from "../../../tools/render/mock-runtime";
import { readStackConfig } from "../../../tools/render/stack-files";

const TIMEOUT = 20_000;

describe("production receivers against the vendors' contracts (Alertmanager 0.25)", () => {
  let config: PlatformConfig;
  let group: ProcessGroup;
  let recorder: NotificationRecorder;
  let am: AlertmanagerServer;
  const annotationsOf = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    requireProgram(PROGRAMS.alertmanager);
    const sc = readStackConfig(REPO_ROOT, "production");
    const loaded = loadPlatformConfig(sc.config, new Set(sc.secretKeys), "production");
    // Production's timers at 1/100 (the config refuses timeScale outside dev, so it is set on
    // the resolved config); the Sunday maintenance window would mute warnings if this ran
    // inside it, and is tested by the end-to-end scenarios.
    config = { ...loaded, timeScale: 0.01, alerting: { ...loaded.alerting, maintenance: undefined } };
    for (const g of buildRuleGroups(config)) for (const a of g.alerts) annotationsOf.set(a.rule.alert, { ...a.rule.annotations });
    group = new ProcessGroup();
    recorder = new NotificationRecorder();
    await recorder.start();
    am = await startAlertmanager(group, buildAlertmanagerConfig(config), { recorderUrl: (receiver, kind) => recorder.urlFor("main", receiver, kind) });
  }, 60_000);

  afterAll(async () => {
    await group?.stopAll();
    await recorder?.stop();
  });

  /** Posts alerts as Prometheus does: labels, annotations rendered by Prometheus' template rules. */
  async function post(alerts: { alertname: string; labels: Record<string, string>; value: number; severity: string; resolved?: boolean }[]): Promise<void> {
    const now = Date.now();
    const body = alerts.map((a) => {
      const labels = { alertname: a.alertname, severity: a.severity, ...a.labels };
      const template = annotationsOf.get(a.alertname)!;
      const annotations = Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderTemplate(v, labels, a.value)]));
      return { labels, annotations, startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(a.resolved ? now - 1000 : now + 3_600_000).toISOString() };
    });
    const res = await fetch(`${am.url}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  }

  it("opens one PagerDuty incident for two probes down at once, naming both, and resolves it", async () => {
    const since = Date.now();
    const probes = ["https://shop.example.com/", "https://api.example.com/"];
    const alerts = probes.map((instance) => ({ alertname: "EndpointDown", severity: "critical", labels: { namespace: config.namespaces.monitoring, instance, probe: instance }, value: 0 }));
    const summaries = probes.map((instance) => renderTemplate(annotationsOf.get("EndpointDown")!.summary, { instance }, 0));
    expect(summaries[0]).not.toBe(summaries[1]);
    await post(alerts);

    const page = await recorder.waitFor({ receiver: "pagerduty", kind: "pagerduty", status: "firing", since }, TIMEOUT);
    expect(page.violations).toEqual([]);
    const summary: string = page.body.payload.summary;
    for (const s of summaries) expect(summary).toContain(s);
    expect(summary).toContain("EndpointDown");
    expect(summary).toContain("2 firing");
    expect(page.body.payload.severity).toBe("critical");
    const chat = await recorder.waitFor({ receiver: "slack-critical", kind: "slack", since }, TIMEOUT);
    expect(chat.violations).toEqual([]);
    expect(chat.body.channel).toBe("#incidents");
    for (const s of summaries) expect(chat.body.attachments[0].text).toContain(s);
    expect(chat.body.attachments[0].fallback).toContain("EndpointDown");

    const resolvedSince = Date.now();
    await post(alerts.map((a) => ({ ...a, resolved: true })));
    const resolve = await recorder.waitFor({ receiver: "pagerduty", kind: "pagerduty", status: "resolved", since: resolvedSince }, TIMEOUT);
    expect(resolve.violations).toEqual([]);
    // The same incident: the resolve names the trigger's dedup_key.
    expect(resolve.body.dedup_key).toBe(page.body.dedup_key);
    expect(recorder.rejected()).toEqual([]);
  });

  it("sends a lone alert's own summary as the incident title, with the service as its source", async () => {
    const since = Date.now();
    const service = config.services[0]!.name;
    await post([{ alertname: "ServiceDown", severity: "critical", labels: { namespace: config.namespaces.apps, service }, value: 0 }]);
    const page = await recorder.waitFor({ receiver: "pagerduty", kind: "pagerduty", status: "firing", since }, TIMEOUT);
    expect(page.violations).toEqual([]);
    expect(page.body.payload.summary).toBe(`Service ${service} is down`);
    expect(page.body.payload.source).toBe(service);
    expect(recorder.rejected()).toEqual([]);
  });

  it("posts a warning group of two mounts to the chat channel, each with its own summary", async () => {
    const since = Date.now();
    const mounts = ["/", "/var/lib/postgresql"];
    const alerts = mounts.map((mountpoint) => ({ alertname: "NodeDiskFillingUp", severity: "warning", labels: { instance: "node-1:9100", mountpoint, device: "nvme0n1p1", fstype: "ext4" }, value: 3600 }));
    await post(alerts);
    const chat = await recorder.waitFor({ receiver: "slack", kind: "slack", since }, TIMEOUT);
    expect(chat.violations).toEqual([]);
    expect(chat.body.channel).toBe("#alerts");
    expect(chat.body.attachments[0].title).toContain("[FIRING:2] NodeDiskFillingUp");
    for (const m of mounts) expect(chat.body.attachments[0].text).toContain(m);
    expect(recorder.find({ receiver: "pagerduty", since, labels: { alertname: "NodeDiskFillingUp" } })).toEqual([]);
    expect(recorder.rejected()).toEqual([]);
  });
});
