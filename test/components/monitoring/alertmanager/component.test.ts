import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { stackConfig } from "../fixtures";
import { captureRegistrations } from "../../../support/mocks";

const { settle, children } = captureRegistrations();
// How the mock monitor sees a value marked secret.
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const secretValue = (v: any) => {
  expect(v?.[SIG]).toBe(SECRET);
  return v.value;
};

describe("AlertmanagerConfig", () => {
  it("defaults: Secrets in config.namespaces.monitoring; credentials read as Pulumi secrets of app-platform:<key>", async () => {
    pulumi.runtime.setAllConfig({ "app-platform:slackWebhookUrl": "https://hooks.example/T/B/X", "app-platform:pagerdutyRoutingKey": "rk-123" }, ["app-platform:slackWebhookUrl", "app-platform:pagerdutyRoutingKey"]);
    const { AlertmanagerConfig, alertmanagerConfigText } = await import("../../../../components/monitoring/alertmanager/component");
    const config = stackConfig("production");
    new AlertmanagerConfig("am-defaults", { config });
    await settle();
    const cfg = children("am-defaults").find((c) => c.name === "am-defaults-config")!;
    const rec = children("am-defaults").find((c) => c.name === "am-defaults-receivers")!;
    expect(cfg.name).toBe("am-defaults-config");
    expect(cfg.inputs.metadata).toMatchObject({ name: "alertmanager-platform-config", namespace: "monitoring" });
    // The provider marks every Secret's data secret; the text is no credential and is also the component's input.
    expect(secretValue(cfg.inputs.stringData)).toEqual({ "alertmanager.yaml": alertmanagerConfigText(config) });
    expect(rec.name).toBe("am-defaults-receivers");
    expect(rec.inputs.metadata).toMatchObject({ name: "alertmanager-receivers", namespace: "monitoring" });
    expect(secretValue(rec.inputs.stringData)).toEqual({ "slack-webhook-url": "https://hooks.example/T/B/X", "pagerduty-routing-key": "rk-123" });
    pulumi.runtime.setAllConfig({}, []);
  });

  it("marks the receivers Secret's data secret, and creates it even with no credential", async () => {
    const { AlertmanagerConfig } = await import("../../../../components/monitoring/alertmanager/component");
    new AlertmanagerConfig("am-empty", { config: stackConfig("dev"), namespace: "obs", credential: () => undefined });
    await settle();
    const rec = children("am-empty").find((c) => c.name === "am-empty-receivers")!;
    expect(secretValue(rec.inputs.stringData)).toEqual({});
    expect(rec.inputs.metadata.namespace).toBe("obs");
  });

  it("takes credentials from the reader it is given and keeps them secret", async () => {
    const { AlertmanagerConfig } = await import("../../../../components/monitoring/alertmanager/component");
    new AlertmanagerConfig("am-reader", { config: stackConfig("production"), credential: (k) => (k === "heartbeatUrl" ? pulumi.output("https://hc.example/ping/abc") : undefined) });
    await settle();
    const rec = children("am-reader").find((c) => c.name === "am-reader-receivers")!;
    expect(secretValue(rec.inputs.stringData)).toEqual({ "heartbeat-url": "https://hc.example/ping/abc" });
  });
});
