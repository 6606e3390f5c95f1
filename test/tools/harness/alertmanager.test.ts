import { describe, expect, it } from "vitest";
import { receiverSecretFile } from "../../../components/monitoring/contract";
import { rewriteAlertmanagerConfig } from "../../../tools/harness/alertmanager";

const url = (receiver: string, kind: string) => `http://rec/${receiver}/${kind}`;

describe("rewriteAlertmanagerConfig", () => {
  const rendered = {
    global: { resolve_timeout: "5m", slack_api_url_file: receiverSecretFile("slackWebhookUrl") },
    route: { receiver: "slack", routes: [{ matchers: ['severity="critical"'], receiver: "pagerduty" }] },
    inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["service"] }],
    receivers: [
      { name: "slack", slack_configs: [{ channel: "#alerts", send_resolved: true }] },
      { name: "pagerduty", pagerduty_configs: [{ routing_key_file: receiverSecretFile("pagerdutyRoutingKey") }] },
      { name: "heartbeat", webhook_configs: [{ url_file: receiverSecretFile("heartbeatUrl"), send_resolved: false }] },
      { name: "dev", webhook_configs: [{ url: "http://example.invalid/hook" }] },
      { name: "null" },
    ],
  };
  const out = rewriteAlertmanagerConfig(rendered, { recorderUrl: url, secretsDir: "/tmp/s" });
  const byName = Object.fromEntries(out.config.receivers.map((r: any) => [r.name, r]));

  it("points every integration at the recorder under its receiver's path", () => {
    expect(out.files[byName.slack.slack_configs[0].api_url_file]).toBe("http://rec/slack/slack");
    expect(byName.pagerduty.pagerduty_configs[0].url).toBe("http://rec/pagerduty/pagerduty");
    expect(out.files[byName.heartbeat.webhook_configs[0].url_file]).toBe("http://rec/heartbeat/heartbeat");
    expect(byName.dev.webhook_configs[0].url).toBe("http://rec/dev/webhook");
  });

  it("maps credential files out of /etc/alertmanager/secrets into the temporary folder", () => {
    expect(byName.pagerduty.pagerduty_configs[0].routing_key_file).toMatch(/^\/tmp\/s\//);
    expect(out.files[byName.pagerduty.pagerduty_configs[0].routing_key_file]).toBe("e2e-test-credential");
    expect(out.config.global.slack_api_url_file).toMatch(/^\/tmp\/s\//);
    expect(JSON.stringify(out.config)).not.toContain("/etc/alertmanager");
  });

  it("adds a shadow webhook that sends resolutions exactly when the receiver does", () => {
    expect(byName.slack.webhook_configs).toEqual([{ url: "http://rec/slack/shadow", send_resolved: true }]);
    expect(byName.pagerduty.webhook_configs).toEqual([{ url: "http://rec/pagerduty/shadow", send_resolved: true }]);
    expect(byName.heartbeat.webhook_configs[1]).toEqual({ url: "http://rec/heartbeat/shadow", send_resolved: false });
    expect(byName.null.webhook_configs).toEqual([{ url: "http://rec/null/shadow", send_resolved: false }]);
    expect(out.integrations).toEqual({ slack: ["slack"], pagerduty: ["pagerduty"], heartbeat: ["webhook"], dev: ["webhook"], null: [] });
  });

  it("leaves routes and inhibitions as rendered, and does not touch its input", () => {
    expect(out.config.route).toEqual(rendered.route);
    expect(out.config.inhibit_rules).toEqual(rendered.inhibit_rules);
    expect(rendered.receivers[0]).toEqual({ name: "slack", slack_configs: [{ channel: "#alerts", send_resolved: true }] });
  });

  it("sends no shadow when shadow is false", () => {
    const plain = rewriteAlertmanagerConfig(rendered, { recorderUrl: url, secretsDir: "/tmp/s", shadow: false });
    expect(plain.config.receivers.find((r: any) => r.name === "slack").webhook_configs).toBeUndefined();
  });

  it("rejects email receivers and credential files outside the secrets folder", () => {
    expect(() => rewriteAlertmanagerConfig({ receivers: [{ name: "mail", email_configs: [{ to: "a@b.c" }] }] }, { recorderUrl: url, secretsDir: "/t" })).toThrow(
      'receiver "mail" has email_configs: the harness has no SMTP recorder; test that receiver with amtool instead',
    );
    expect(() => rewriteAlertmanagerConfig({ receivers: [{ name: "p", pagerduty_configs: [{ routing_key_file: "/root/key" }] }] }, { recorderUrl: url, secretsDir: "/t" })).toThrow(
      "alertmanager.yaml refers to /root/key, outside /etc/alertmanager/secrets: credential files must come from the receivers Secret",
    );
  });
});
