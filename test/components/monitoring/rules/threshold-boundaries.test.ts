// Issue #12: threshold overrides the config loader accepts must not make the generated promtool
// tests fail later in `platform check`. Each value below is loaded through the real stack loader,
// its rule group is built, and the generated tests run with the real promtool (runRuleSuite, as
// `platform check` does): the alert is still tested firing, silent before its `for:`, and quiet
// below its threshold. The values are the edges a colleague found failing, and around them.
import { beforeAll, describe, expect, it } from "vitest";
import { buildRuleGroups } from "../../../../components/monitoring/rules/catalogue";
import { ruleFilePath, ruleFileText } from "../../../../components/monitoring/rules/files";
import type { Artifact } from "../../../../tools/render/artifacts";
import { runRuleSuite } from "../../../../tools/check/promtool";
import { PROGRAMS, requireProgram } from "../../../../tools/harness/processes";
import { edited, load } from "../../../stacks/fixtures";

beforeAll(() => {
  requireProgram(PROGRAMS.promtool);
});

const configWith = (key: string, value: number | string) => load(edited("staging", (v) => (v.alerting.thresholds = { [key]: value })));

const CASES: readonly (readonly [string, string, number | string])[] = [
  ["app-platform-postgres", "postgresFor", "1m"],
  ["app-platform-postgres", "postgresFor", "9m"],
  ["app-platform-postgres", "postgresFor", "10m"],
  ["app-platform-postgres", "postgresFor", "30m"],
  ["app-platform-redis", "redisFor", "1m"],
  ["app-platform-redis", "redisFor", "10m"],
  ["app-platform-redis", "redisFor", "30m"],
  ["app-platform-monitoring", "monitoringFor", "1m"],
  ["app-platform-monitoring", "monitoringFor", "2m"],
  ["app-platform-monitoring", "monitoringFor", "4m"],
  ["app-platform-monitoring", "monitoringFor", "1h"],
  ["app-platform-monitoring", "targetDownRatio", 0.01],
  ["app-platform-monitoring", "targetDownRatio", 0.5],
  ["app-platform-monitoring", "targetDownRatio", 0.9],
  ["app-platform-monitoring", "targetDownRatio", 0.999],
  ["app-platform-nodes", "nodeCpuFor", "1m"],
  ["app-platform-nodes", "nodeCpuFor", "2m"],
  ["app-platform-nodes", "nodeCpuFor", "4m"],
  ["app-platform-nodes", "nodeDiskPredictWindow", "1m"],
  ["app-platform-nodes", "nodeDiskPredictWindow", "2m"],
  ["app-platform-nodes", "nodeDiskPredictWindow", "1h"],
  ["app-platform-nodes", "nodeDiskPredictWindow", "30d"],
  ["app-platform-slo", "sloMinFailures", 1],
  ["app-platform-slo", "sloMinFailures", 20],
  ["app-platform-slo", "sloMinFailures", 1000],
];

describe("alerting.thresholds accepted at load keep the generated promtool tests passing", () => {
  it.each(CASES)(
    "%s with %s = %s",
    async (group, key, value) => {
      const config = configWith(key, value);
      expect(config.alerting.thresholds[key as keyof typeof config.alerting.thresholds]).toBe(value);
      const built = buildRuleGroups(config).find((b) => b.group.name === group)!;
      const files: Artifact[] = [{ path: ruleFilePath(group), content: ruleFileText(built.group) } as Artifact];
      const s = await runRuleSuite(files, config, { groups: [group] });
      expect(s.check.ok, s.check.output).toBe(true);
      expect(s.groups).toHaveLength(1);
      expect(s.groups[0].run.ok, s.groups[0].run.output).toBe(true);
      // Every alert of the group is covered on both sides by the passing tests.
      expect([...s.groups[0].tested].sort()).toEqual([...s.groups[0].alerts].sort());
    },
    120_000,
  );
});

describe("the generated cases' values, worked by hand", () => {
  const caseOf = (key: string, value: number | string, group: string, alert: string) =>
    buildRuleGroups(configWith(key, value)).find((b) => b.group.name === group)!.cases.find((c) => c.alert === alert)!;

  it("deadlocks keep happening (one a minute from minute 3), so a `for:` past the 10m window still fires", () => {
    // Fires at minute 3 + 10: the window [3m, 13m] holds counter values 1..11, an increase of 10.
    expect(caseOf("postgresFor", "10m", "app-platform-postgres", "PostgresDeadlocks").value).toBe(10);
    // Fires at minute 5: the window reaches minute 0 (counter 0) and the counter is at 3.
    expect(caseOf("postgresFor", "2m", "app-platform-postgres", "PostgresDeadlocks").value).toBe(3);
    // Two rejected connections a minute, the full 10-minute window: 20.
    expect(caseOf("redisFor", "30m", "app-platform-redis", "RedisRejectedConnections").value).toBe(20);
  });

  it("a short monitoringFor fires before the 5-minute window is full", () => {
    // Fires at minute 5: one failure a minute from minute 3, counter at 3 (0 at minute 0).
    expect(caseOf("monitoringFor", "2m", "app-platform-monitoring", "PrometheusRuleEvaluationFailures").value).toBe(3);
    expect(caseOf("monitoringFor", "2m", "app-platform-monitoring", "AlertmanagerNotificationsFailing").value).toBe(6);
  });

  it("ScrapeTargetsDown at a ratio of 0.5 fires on 6 of 10 targets down and stays quiet on 5 of 10", () => {
    const c = caseOf("targetDownRatio", 0.5, "app-platform-monitoring", "ScrapeTargetsDown");
    const down = (xs: readonly { series: string; values: string }[]) => xs.filter((x) => x.values.startsWith("0x")).length;
    expect([c.firing.length, down(c.firing), c.value]).toEqual([10, 6, 0.6]);
    expect([c.quiet!.length, down(c.quiet!)]).toEqual([10, 5]);
  });

  it("NodeHighCPU with a 2m for: fires at minute 3, when rate() has 3 of its 5 minutes", () => {
    // Staging warns at nodeCpuWarning; the firing node is halfway between it and 100% busy, so
    // idle grows by 60 * (1 - u) a minute; at minute 3 rate()[5m] sees 3 minutes of it.
    const u = (configWith("nodeCpuFor", "2m").alerting.thresholds.nodeCpuWarning + 1) / 2;
    expect(caseOf("nodeCpuFor", "2m", "app-platform-nodes", "NodeHighCPU").value).toBeCloseTo(1 - ((1 - u) * 3) / 5, 12);
  });
});
