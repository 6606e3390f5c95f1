import { describe, expect, it } from "vitest";
import { buildAlertmanagerConfig, intendedReceivers, RECEIVERS } from "../../../../components/monitoring/alertmanager/config";
import { receiverSecretFile } from "../../../../components/monitoring/contract";
import { durationSeconds } from "../../../../lib/duration";
import { edited, load } from "../../../stacks/fixtures";
import { stackConfig, walk } from "../fixtures";

type Route = { receiver: string; matchers?: string[]; continue?: boolean; group_wait?: string; group_interval?: string; repeat_interval?: string; mute_time_intervals?: string[]; routes?: Route[] };
const routesOf = (c: Record<string, any>) => (c.route as Route).routes!;

describe("Alertmanager configuration builder", () => {
  it('heartbeat.repeatInterval unset ("heartbeat: {}"): Watchdog is sent every 1m, the documented @default', () => {
    const c = buildAlertmanagerConfig(load(edited("production", (v) => (v.alerting.heartbeat = {}))));
    expect(routesOf(c)[0]).toEqual({ receiver: "heartbeat", matchers: ['alertname="Watchdog"'], group_by: ["alertname"], group_wait: "10s", group_interval: "1m", repeat_interval: "1m" });
  });
  it("production: critical to PagerDuty and Slack, warning to Slack (muted in maintenance), info and InfoInhibitor to null, Watchdog to the heartbeat", () => {
    const c = buildAlertmanagerConfig(stackConfig("production"));
    expect(c.route).toMatchObject({ receiver: "slack", group_by: ["alertname", "namespace", "service"], group_wait: "30s", group_interval: "5m", repeat_interval: "4h" });
    expect(routesOf(c)).toEqual([
      { receiver: "heartbeat", matchers: ['alertname="Watchdog"'], group_by: ["alertname"], group_wait: "10s", group_interval: "1m", repeat_interval: "1m" },
      { receiver: "pagerduty", matchers: ['severity="critical"'], group_wait: "10s", continue: true },
      { receiver: "slack-critical", matchers: ['severity="critical"'], group_wait: "10s" },
      { receiver: "slack", matchers: ['severity="warning"'], mute_time_intervals: ["maintenance"] },
      { receiver: "null", matchers: ['severity="info"'] },
      { receiver: "null", matchers: ['alertname="InfoInhibitor"'] },
    ]);
    expect(c.time_intervals).toEqual([{ name: "maintenance", time_intervals: [{ weekdays: ["sunday"], times: [{ start_time: "02:00", end_time: "04:00" }], location: "UTC" }] }]);
  });

  it("reads every credential from a file of the receivers Secret, never a value", () => {
    const c = buildAlertmanagerConfig(stackConfig("production")) as any;
    const byName = Object.fromEntries(c.receivers.map((r: any) => [r.name, r]));
    expect(byName.pagerduty.pagerduty_configs[0]).toMatchObject({ routing_key_file: "/etc/alertmanager/secrets/alertmanager-receivers/pagerduty-routing-key", severity: "critical", send_resolved: true });
    expect(byName["slack-critical"].slack_configs[0]).toMatchObject({ api_url_file: receiverSecretFile("slackWebhookUrl"), channel: "#incidents" });
    expect(byName.slack.slack_configs[0]).toMatchObject({ api_url_file: receiverSecretFile("slackWebhookUrl"), channel: "#alerts" });
    expect(byName.heartbeat.slack_configs[0]).toEqual({ api_url_file: receiverSecretFile("heartbeatUrl"), send_resolved: false });
    for (const { path, value } of walk(c)) {
      const key = path[path.length - 1];
      expect(["api_url", "routing_key", "service_key", "auth_password", "url"], path.join(".")).not.toContain(key);
      if (typeof value === "string") expect(value).not.toMatch(/hooks\.slack\.com|placeholder/);
    }
  });

  it("inhibits warning and info by critical of the same alertname and namespace, and a down service's latency and SLO alerts", () => {
    const c = buildAlertmanagerConfig(stackConfig("staging")) as any;
    expect(c.inhibit_rules[0]).toEqual({ source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ["alertname", "namespace"] });
    expect(c.inhibit_rules[1]).toEqual({
      source_matchers: ['alertname="ServiceDown"'],
      target_matchers: ['alertname=~"ServiceHighLatency|ServiceHighErrorRatio|ServiceElevatedErrorRatio|ServiceNoTraffic|ErrorBudgetBurn.*|LatencyBudgetBurn.*|SLOErrorBudgetLow|ScrapeTargetsDown"'],
      equal: ["namespace", "service"],
    });
    expect(c.inhibit_rules).toContainEqual({ source_matchers: ['alertname="ServiceHighErrorRatio"'], target_matchers: ['alertname="ServiceElevatedErrorRatio"'], equal: ["namespace", "service"] });
  });

  it("staging without PagerDuty: critical goes to the critical Slack channel only; no heartbeat means Watchdog to null, explicitly", () => {
    const c = buildAlertmanagerConfig(stackConfig("staging"));
    const routes = routesOf(c);
    expect(routes[0]).toMatchObject({ receiver: "null", matchers: ['alertname="Watchdog"'] });
    expect(routes.filter((r) => r.matchers?.includes('severity="critical"')).map((r) => r.receiver)).toEqual(["slack-critical"]);
    expect((c.route as Route).repeat_interval).toBe(stackConfig("staging").alerting.timers.repeatInterval);
    expect(c.time_intervals).toBeUndefined();
    expect(routes.find((r) => r.receiver === "slack")!.mute_time_intervals).toBeUndefined();
  });

  it("dev without receivers routes everything to null explicitly", () => {
    const config = stackConfig("dev");
    expect(intendedReceivers(config)).toEqual({ critical: ["null"], warning: ["null"], info: ["null"], watchdog: ["null"], unmatched: ["null"] });
    const c = buildAlertmanagerConfig(config) as any;
    expect(c.receivers).toEqual([{ name: "null" }]);
    expect(c.route.receiver).toBe("null");
  });

  it("dev with a webhook sends critical and warning to it; email joins when configured, with its password as a file", () => {
    const config = load(
      edited("dev", (v) => {
        v.alerting = { receivers: { webhook: { url: "http://alert-sink.apps.svc:8080/" }, email: { to: ["oncall@example.com", "ops@example.com"], from: "alertmanager@example.com", smarthost: "smtp.example.com:587", username: "alertmanager" } } };
        v.smtpPassword = "s3cr3t-smtp-value";
      }),
    );
    const c = buildAlertmanagerConfig(config) as any;
    expect(routesOf(c).filter((r) => r.matchers?.includes('severity="critical"')).map((r) => [r.receiver, r.continue ?? false])).toEqual([["email", true], ["webhook", false]]);
    expect(c.receivers.find((r: any) => r.name === "webhook")).toEqual({ name: "webhook", webhook_configs: [{ url: "http://alert-sink.apps.svc:8080/", send_resolved: true }] });
    expect(c.receivers.find((r: any) => r.name === "email").email_configs[0]).toEqual({
      to: "oncall@example.com, ops@example.com",
      from: "alertmanager@example.com",
      smarthost: "smtp.example.com:587",
      require_tls: true,
      send_resolved: true,
      auth_username: "alertmanager",
      auth_password_file: receiverSecretFile("smtpPassword"),
    });
    expect(JSON.stringify(c)).not.toContain("s3cr3t-smtp-value");
    expect(c.route.receiver).toBe("email");
  });

  it("multiplies group_wait, group_interval, repeat_interval and resolve_timeout by timeScale (whole seconds, at least 1 s)", () => {
    const base = buildAlertmanagerConfig(stackConfig("dev")) as any;
    const scaled = buildAlertmanagerConfig(load(edited("dev", (v) => (v.timeScale = 0.01)))) as any;
    const timers = (c: any) => [...walk(c)].filter((n) => /^(group_wait|group_interval|repeat_interval|resolve_timeout)$/.test(n.path[n.path.length - 1] ?? "")).map((n) => durationSeconds(n.value as string));
    const a = timers(base);
    expect(a.length).toBeGreaterThanOrEqual(7);
    expect(timers(scaled)).toEqual(a.map((s) => Math.max(1, Math.round(s * 0.01))));
    expect(scaled.route).toMatchObject({ group_wait: "1s", group_interval: "3s", repeat_interval: "864s" });
  });

  it("names every receiver it routes to", () => {
    for (const stack of ["dev", "staging", "production"] as const) {
      const c = buildAlertmanagerConfig(stackConfig(stack)) as any;
      const names = new Set(c.receivers.map((r: any) => r.name));
      for (const { path, value } of walk(c.route)) if (path[path.length - 1] === "receiver") expect(names, `${stack}: ${String(value)}`).toContain(value);
      expect(names).toContain(RECEIVERS.none);
    }
  });
});

describe("worst-case time from service down to a page", () => {
  it("production: 15 s scrape + 15 s evaluation + 2 m for: + 10 s group_wait = 160 s, under the seeds' 5 minutes", async () => {
    const { timeToPage } = await import("../../../../components/monitoring/alertmanager/config");
    expect(timeToPage(stackConfig("production"))).toEqual({ scrape: 15, evaluation: 15, for: 120, groupWait: 10, total: 160 });
    expect(timeToPage(stackConfig("staging")).total).toBe(30 + 30 + 180 + 10);
    expect(timeToPage(stackConfig("production")).total).toBeLessThan(300);
  });
});
