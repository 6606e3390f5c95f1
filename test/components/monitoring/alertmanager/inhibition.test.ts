// Inhibition as the real Alertmanager 0.25 applies it, with the production configuration as
// built for the stack (amtool cannot test inhibit rules).
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertmanagerConfigText } from "../../../../components/monitoring/alertmanager/component";
import { freePort, httpOk, ProcessGroup, PROGRAMS, requireProgram, sleep } from "../../../../tools/harness/processes";
import { stackConfig } from "../fixtures";

const group = new ProcessGroup();
let base = "";

beforeAll(async () => {
  const bin = requireProgram(PROGRAMS.alertmanager);
  const dir = group.tempDir("am-inhibit");
  fs.writeFileSync(path.join(dir, "alertmanager.yml"), alertmanagerConfigText(stackConfig("production")));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await group.start("alertmanager", bin, [
    `--config.file=${path.join(dir, "alertmanager.yml")}`,
    `--storage.path=${path.join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--cluster.listen-address=",
  ], { ready: () => httpOk(`${base}/-/ready`) });
}, 60_000);

afterAll(async () => {
  await group.stopAll();
});

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

async function post(alerts: Record<string, string>[]): Promise<void> {
  const res = await fetch(`${base}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alerts.map((labels) => ({ labels, annotations: { summary: "test" } }))),
  });
  expect(res.status).toBe(200);
}

async function states(): Promise<Map<string, AmAlert>> {
  const res = await fetch(`${base}/api/v2/alerts`);
  const list = (await res.json()) as AmAlert[];
  return new Map(list.map((a) => [`${a.labels.alertname}/${a.labels.service ?? a.labels.instance ?? ""}/${a.labels.severity}`, a]));
}

describe("inhibition in Alertmanager 0.25", () => {
  it("a down service mutes its own latency and SLO alerts, not another service's; critical mutes warning of the same alertname and namespace", async () => {
    await post([
      { alertname: "ServiceDown", severity: "critical", namespace: "apps", service: "podinfo" },
      { alertname: "ServiceHighLatency", severity: "warning", namespace: "apps", service: "podinfo" },
      { alertname: "ErrorBudgetBurn1h", severity: "critical", namespace: "apps", service: "podinfo", slo: "availability" },
      { alertname: "ServiceHighLatency", severity: "warning", namespace: "apps", service: "orders-api" },
      { alertname: "ServiceHighErrorRatio", severity: "critical", namespace: "apps", service: "orders-api" },
      { alertname: "ServiceElevatedErrorRatio", severity: "warning", namespace: "apps", service: "orders-api" },
      // One failing service pages twice for the same requests without an inhibition.
      { alertname: "ErrorBudgetBurn1h", severity: "critical", namespace: "apps", service: "payments", slo: "availability" },
      { alertname: "ServiceHighErrorRatio", severity: "critical", namespace: "apps", service: "payments" },
      { alertname: "NodeMemoryCritical", severity: "critical", instance: "node-1" },
      { alertname: "NodeHighMemory", severity: "warning", instance: "node-1" },
      { alertname: "NodeHighMemory", severity: "warning", instance: "node-2" },
      { alertname: "Watchdog", severity: "info" },
      // The chart's rules have one name at two severities.
      { alertname: "KubeQuotaAlmostFull", severity: "critical", namespace: "apps", instance: "q" },
      { alertname: "KubeQuotaAlmostFull", severity: "warning", namespace: "apps", instance: "q" },
      { alertname: "KubeQuotaAlmostFull", severity: "info", namespace: "backup", instance: "q" },
    ]);
    let s = await states();
    for (let i = 0; i < 50 && s.size < 15; i++) {
      await sleep(100);
      s = await states();
    }
    const inhibited = (k: string) => {
      const a = s.get(k);
      expect(a, k).toBeDefined();
      return a!.status.inhibitedBy.length > 0;
    };
    expect(inhibited("ServiceHighLatency/podinfo/warning")).toBe(true);
    expect(inhibited("ErrorBudgetBurn1h/podinfo/critical")).toBe(true);
    expect(inhibited("ServiceHighLatency/orders-api/warning")).toBe(false);
    expect(inhibited("ServiceElevatedErrorRatio/orders-api/warning")).toBe(true);
    expect(inhibited("ServiceHighErrorRatio/payments/critical")).toBe(true);
    expect(inhibited("ErrorBudgetBurn1h/payments/critical")).toBe(false);
    // orders-api's ratio page stands: no burn-rate page of its own mutes it.
    expect(inhibited("ServiceHighErrorRatio/orders-api/critical")).toBe(false);
    expect(inhibited("NodeHighMemory/node-1/warning")).toBe(true);
    expect(inhibited("NodeHighMemory/node-2/warning")).toBe(false);
    expect(inhibited("ServiceDown/podinfo/critical")).toBe(false);
    expect(inhibited("Watchdog//info")).toBe(false);
    expect(inhibited("KubeQuotaAlmostFull/q/warning")).toBe(true);
    expect(inhibited("KubeQuotaAlmostFull/q/info")).toBe(false);
    expect(inhibited("KubeQuotaAlmostFull/q/critical")).toBe(false);
  });
});
