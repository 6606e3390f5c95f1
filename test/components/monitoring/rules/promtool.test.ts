// promtool on exactly what ships: each stack is rendered by the real program in a child process,
// the rule files are taken from the rendered PrometheusRule objects, and the generated unit
// tests run against them with the Debian promtool (Prometheus 2.42).
import { beforeAll, describe, expect, it } from "vitest";
import { buildRuleGroups } from "../../../../components/monitoring/rules/catalogue";
import { MONITORING_LABEL } from "../../../../components/monitoring/contract";
import { ARTIFACT_EXTRACTORS, isKubernetesObject, kubernetesObject, type Artifact } from "../../../../tools/render/artifacts";
import type { RenderResult } from "../../../../tools/render/mock-runtime";
import { renderInChild } from "../../../../tools/render/subprocess";
import { runRuleSuite } from "../../../../tools/check/promtool";
import { PROGRAMS, requireProgram } from "../../../../tools/harness/processes";
import { stackConfig } from "../fixtures";

const STACKS = ["dev", "staging", "production"] as const;
const renders: Record<string, { result: RenderResult; files: Artifact[] }> = {};

beforeAll(async () => {
  requireProgram(PROGRAMS.promtool);
  await Promise.all(
    STACKS.map(async (stack) => {
      const r = await renderInChild({ stack });
      if (!r.ok) throw new Error(`render ${stack} failed: ${r.stderr}`);
      renders[stack] = { result: r.result, files: ARTIFACT_EXTRACTORS.flatMap((x) => x.extract(r.result.resources)) };
    }),
  );
}, 180_000);

const ruleFiles = (stack: string) => renders[stack].files.filter((f) => f.path.startsWith("prometheus/rules/"));

describe("rendered PrometheusRule objects", () => {
  it.each(STACKS)("%s: one per group, in the monitoring namespace, labelled for Prometheus, under the AlertRules component", (stack) => {
    // Ours: the chart's own PrometheusRules are rendered beside them (children of the chart).
    const objs = renders[stack].result.resources.filter((r) => isKubernetesObject(r) && r.inputs.kind === "PrometheusRule" && /AlertRules::alert-rules$/.test(r.parent ?? ""));
    const groups = buildRuleGroups(stackConfig(stack));
    expect(objs.map((r) => (r.inputs.metadata as { name: string }).name).sort()).toEqual(groups.map((g) => g.group.name).sort());
    for (const r of objs) {
      const obj = kubernetesObject(r) as { metadata: { namespace: string; labels: Record<string, string> }; spec: { groups: { name: string }[] } };
      expect(obj.metadata.namespace).toBe("monitoring");
      expect(obj.metadata.labels).toMatchObject(MONITORING_LABEL);
      expect(obj.spec.groups).toHaveLength(1);
      expect(r.parent).toMatch(/app-platform:monitoring:AlertRules::alert-rules$/);
      expect(r.name).toBe(`alert-rules-${obj.spec.groups[0].name}`);
    }
    // Beside the chart's own rule files, which promtool checks too.
    expect(ruleFiles(stack).map((f) => f.path)).toEqual(expect.arrayContaining(groups.map((g) => `prometheus/rules/${g.group.name}.yaml`)));
  });
});

describe("promtool", () => {
  it.each(STACKS)(
    "%s: check rules passes and the unit tests cover every alert on both sides of threshold and for:",
    async (stack) => {
      const s = await runRuleSuite(ruleFiles(stack), stackConfig(stack));
      expect(s.check.ok, s.check.output).toBe(true);
      for (const g of s.groups) expect(g.run.ok, `${g.group}: ${g.run.output}`).toBe(true);
      expect(s.alerts).toBeGreaterThanOrEqual(40);
      expect(s.testedAlerts).toBe(s.alerts);
      expect(s.duplicates).toEqual([]);
    },
    180_000,
  );

  it("fails when a shipped threshold differs from what the tests expect", async () => {
    const files = ruleFiles("production").map((f) => (f.path.endsWith("app-platform-services.yaml") ? { ...f, content: f.content.replace("> 0.05", "> 0.5") } : f));
    expect(files.find((f) => f.path.endsWith("app-platform-services.yaml"))!.content).toContain("> 0.5");
    const s = await runRuleSuite(files, stackConfig("production"), { groups: ["app-platform-services", "app-platform-redis"] });
    const g = s.groups.find((x) => x.group === "app-platform-services")!;
    expect(g.run.ok).toBe(false);
    expect(g.run.output).toContain("ServiceHighErrorRatio");
    expect(s.testedAlerts).toBe(s.alerts - g.alerts.length);
    expect(s.testedAlerts).toBeGreaterThan(0);
  }, 180_000);

  it("fails when a shipped for: is shorter than tested (the alert fires too early)", async () => {
    // PostgresDown waits 1m in production; without its for: it fires at once.
    const files = ruleFiles("production").map((f) => (f.path.endsWith("app-platform-postgres.yaml") ? { ...f, content: f.content.replace(/\n\s+for: 1m/, "") } : f));
    expect(files.find((f) => f.path.endsWith("app-platform-postgres.yaml"))!.content).not.toMatch(/for: 1m/);
    const s = await runRuleSuite(files, stackConfig("production"), { groups: ["app-platform-postgres"] });
    const g = s.groups.find((x) => x.group === "app-platform-postgres")!;
    expect(g.run.ok).toBe(false);
    expect(g.run.output).toContain("PostgresDown");
  }, 180_000);

  it("check rules refuses a broken rule file", async () => {
    const files = ruleFiles("dev").map((f) => (f.path.endsWith("app-platform-redis.yaml") ? { ...f, content: f.content.replace("redis_up == 0", "redis_up ==") } : f));
    const s = await runRuleSuite(files, stackConfig("dev"), { groups: [] });
    expect(s.check.ok).toBe(false);
    expect(s.check.output).toMatch(/app-platform-redis\.yaml/);
  }, 180_000);
});
