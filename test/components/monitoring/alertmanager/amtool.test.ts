// amtool 0.25 (Debian) on exactly what ships: alertmanager.yaml from each stack's render.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { alertmanagerConfigText, CONFIG_HASH_ANNOTATION, sha256 } from "../../../../components/monitoring/alertmanager/component";
import { ALERTMANAGER_CONFIG_SECRET, ALERTMANAGER_RECEIVERS_SECRET } from "../../../../components/monitoring/contract";
import { routeCases, runAlertmanagerSuite, type RouteCase } from "../../../../tools/check/amtool";
import { ARTIFACT_EXTRACTORS, isKubernetesObject, kubernetesObject, type Artifact } from "../../../../tools/render/artifacts";
import type { RenderResult } from "../../../../tools/render/mock-runtime";
import { renderInChild } from "../../../../tools/render/subprocess";
import { PROGRAMS, requireProgram, tempDir } from "../../../../tools/harness/processes";
import { edited, load } from "../../../stacks/fixtures";
import { stackConfig } from "../fixtures";

const STACKS = ["dev", "staging", "production"] as const;
const renders: Record<string, { result: RenderResult; files: Artifact[] }> = {};
const dir = tempDir("amtool-test");

beforeAll(async () => {
  requireProgram(PROGRAMS.amtool);
  await Promise.all(
    STACKS.map(async (stack) => {
      const r = await renderInChild({ stack });
      if (!r.ok) throw new Error(`render ${stack} failed: ${r.stderr}`);
      renders[stack] = { result: r.result, files: ARTIFACT_EXTRACTORS.flatMap((x) => x.extract(r.result.resources)) };
    }),
  );
}, 180_000);

function shipped(stack: string): string {
  const f = renders[stack].files.find((x) => x.path === "alertmanager/alertmanager.yaml");
  if (!f) throw new Error(`${stack}: alertmanager/alertmanager.yaml not rendered`);
  const file = path.join(dir, `${stack}.yaml`);
  fs.writeFileSync(file, f.content);
  return file;
}

/** The routing table each stack file promises, written out by hand. */
const EXPECTED: Record<(typeof STACKS)[number], Record<string, string[]>> = {
  dev: { critical: ["null"], warning: ["null"], info: ["null"], Watchdog: ["null"], unmatched: ["null"] },
  staging: { critical: ["slack-critical"], warning: ["slack"], info: ["null"], Watchdog: ["null"], unmatched: ["slack"] },
  production: { critical: ["pagerduty", "slack-critical"], warning: ["slack"], info: ["null"], Watchdog: ["heartbeat"], unmatched: ["slack"] },
};

describe("amtool", () => {
  it.each(STACKS)("%s: check-config accepts the shipped file and every severity, Watchdog and an unmatched label set route as intended", async (stack) => {
    const cases = routeCases(stackConfig(stack));
    expect(Object.fromEntries(cases.map((c) => [c.name, c.receivers]))).toEqual(EXPECTED[stack]);
    const s = await runAlertmanagerSuite(shipped(stack), cases);
    expect(s.check.ok, s.check.output).toBe(true);
    for (const r of s.routes) {
      expect(r.run.ok, `${r.route.name}: ${r.run.output}`).toBe(true);
      expect(r.got).toBe(r.route.receivers.join(","));
    }
    expect(s.routes).toHaveLength(5);
  });

  it("a wrong expectation fails the route test (the check can fail)", async () => {
    const wrong: RouteCase = { name: "critical", labels: { alertname: "ServiceDown", severity: "critical" }, receivers: ["slack"] };
    const s = await runAlertmanagerSuite(shipped("production"), [wrong]);
    expect(s.routes[0].run.ok).toBe(false);
    expect(s.routes[0].got).toBe("pagerduty,slack-critical");
  });

  it("accepts a dev config with a webhook and an email receiver, and routes to both", async () => {
    const config = load(
      edited("dev", (v) => {
        v.alerting = { receivers: { webhook: { url: "http://127.0.0.1:9099/" }, email: { to: ["oncall@example.com"], from: "am@example.com", smarthost: "smtp.example.com:587", username: "am" } }, maintenance: { weekdays: ["monday:friday", "saturday", "sunday"], startTime: "01:00", endTime: "03:00" } };
        v.smtpPassword = "x";
      }),
    );
    const file = path.join(dir, "dev-email.yaml");
    fs.writeFileSync(file, alertmanagerConfigText(config));
    const s = await runAlertmanagerSuite(file, routeCases(config));
    expect(s.check.ok, s.check.output).toBe(true);
    expect(s.routes.map((r) => [r.route.name, r.got])).toEqual([
      ["critical", "email,webhook"],
      ["warning", "email,webhook"],
      ["info", "null"],
      ["Watchdog", "null"],
      ["unmatched", "email"],
    ]);
  });

  it("refuses a broken file", async () => {
    const file = path.join(dir, "broken.yaml");
    fs.writeFileSync(file, fs.readFileSync(shipped("staging"), "utf8").replace("receiver: slack\n", "receiver: nowhere\n"));
    const s = await runAlertmanagerSuite(file, []);
    expect(s.check.ok).toBe(false);
    expect(s.check.output).toContain("nowhere");
  });
});

describe("Alertmanager Secrets as rendered", () => {
  const secret = (stack: string, name: string) =>
    renders[stack].result.resources.filter(isKubernetesObject).map((r) => ({ r, obj: kubernetesObject(r) as any })).find((x) => x.obj.kind === "Secret" && x.obj.metadata.name === name)!;

  it.each(STACKS)("%s: the config Secret carries the hash of the shipped alertmanager.yaml; the receivers Secret's data is secret", (stack) => {
    const cfg = secret(stack, ALERTMANAGER_CONFIG_SECRET);
    const text = fs.readFileSync(shipped(stack), "utf8");
    expect(cfg.obj.metadata.namespace).toBe("monitoring");
    expect(cfg.obj.metadata.annotations[CONFIG_HASH_ANNOTATION]).toBe(sha256(text));
    expect(text).toBe(alertmanagerConfigText(stackConfig(stack)));
    expect(YAML.parse(text).route.group_by).toEqual(["alertname", "namespace", "service"]);
    const rec = secret(stack, ALERTMANAGER_RECEIVERS_SECRET);
    expect(rec.obj.stringData).toBe("[secret]");
    expect(rec.r.parent).toMatch(/app-platform:monitoring:AlertmanagerConfig::alertmanager$/);
    expect(rec.r.name).toBe("alertmanager-receivers");
    expect(cfg.r.name).toBe("alertmanager-config");
  });

  it.each(STACKS)("%s: no secret value appears in any rendered file or resource", (stack) => {
    const all = JSON.stringify(renders[stack].result.resources) + renders[stack].files.map((f) => f.content).join("\n");
    for (const v of renders[stack].result.secretValues) expect(all).not.toContain(v);
  });
});
