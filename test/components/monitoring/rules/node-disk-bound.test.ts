// Issue #12 follow-up: NodeDiskFillingUp's `for:` is tied to its prediction window at load.
// The expression (components/monitoring/rules/nodes.ts)
//   avail / size < 0.4 and predict_linear(avail[6h], P) < 0 and readonly == 0
// turns true once a steadily filling disk is due to be full within P, and stays true until the
// 6h fit window holds only the full, flat disk (the fitted slope is then 0, and 0 < 0 is false):
// at most P + 6h. On promtool's 1-minute grid, worked out by hand below, a P of 1m holds for 6h
// in a good phase and 5h59m in the worst, so the loader allows at most 359m (5h59m) with P = 1m. Both
// sides are shown with the real promtool on hand-written series, and the generated tests of
// `platform check` pass at the bound.
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { buildRuleGroups } from "../../../../components/monitoring/rules/catalogue";
import { ruleFilePath, ruleFileText } from "../../../../components/monitoring/rules/files";
import { durationSeconds } from "../../../../lib/duration";
import type { PlatformConfig } from "../../../../stacks/config";
import type { Artifact } from "../../../../tools/render/artifacts";
import { promtool, runRuleSuite } from "../../../../tools/check/promtool";
import { PROGRAMS, requireProgram, tempDir } from "../../../../tools/harness/processes";
import { edited, load, problemsOf } from "../../../stacks/fixtures";

const P = "app-platform:";
const GROUP = "app-platform-nodes";
const thresholds = (t: Record<string, string>) => edited("staging", (v) => (v.alerting.thresholds = t));

beforeAll(() => {
  requireProgram(PROGRAMS.promtool);
});

describe("nodeDiskFillingFor is tied to nodeDiskPredictWindow at load", () => {
  it("refuses a for: longer than the expression holds in the worst phase, naming both values and the fix", () => {
    // P = 1m: ceil(1m / 1m) x 1m + 6h - 2m = 5h59m (worked out in the header and below).
    expect(problemsOf(thresholds({ nodeDiskPredictWindow: "1m", nodeDiskFillingFor: "6h" }))).toEqual([
      `${P}alerting.thresholds.nodeDiskFillingFor ("6h") must be at most 359m with alerting.thresholds.nodeDiskPredictWindow (1m): NodeDiskFillingUp's expression holds for a disk filling at a steady rate from 1m before it is full until its 6h fit window sees only the full disk, which on the 1-minute grid \`platform check\` tests with can be as short as 359m, so a longer for: may never fire; lower nodeDiskFillingFor or raise nodeDiskPredictWindow`,
    ]);
    // A window under a minute still counts one grid step: 1m + 6h - 2m.
    expect(problemsOf(thresholds({ nodeDiskPredictWindow: "20s", nodeDiskFillingFor: "6h" }))).toEqual([
      `${P}alerting.thresholds.nodeDiskFillingFor ("6h") must be at most 359m with alerting.thresholds.nodeDiskPredictWindow (20s): NodeDiskFillingUp's expression holds for a disk filling at a steady rate from 20s before it is full until its 6h fit window sees only the full disk, which on the 1-minute grid \`platform check\` tests with can be as short as 359m, so a longer for: may never fire; lower nodeDiskFillingFor or raise nodeDiskPredictWindow`,
    ]);
  });

  it("accepts the bound itself, and every for: the 6h cap allows once the window is 2m", () => {
    for (const t of [
      { nodeDiskPredictWindow: "1m", nodeDiskFillingFor: "359m" },
      { nodeDiskPredictWindow: "20s", nodeDiskFillingFor: "359m" },
      // 2m + 6h - 2m = 6h; 90s rounds up to 2m on the grid.
      { nodeDiskPredictWindow: "2m", nodeDiskFillingFor: "6h" },
      { nodeDiskPredictWindow: "90s", nodeDiskFillingFor: "6h" },
    ]) {
      expect(problemsOf(thresholds(t)), JSON.stringify(t)).toEqual([]);
    }
  });

  it("leaves a malformed value to the threshold check: one message, not two", () => {
    expect(problemsOf(thresholds({ nodeDiskPredictWindow: "1m", nodeDiskFillingFor: "7h" }))).toEqual([
      `${P}alerting.thresholds.nodeDiskFillingFor ("7h") must be at most 6h: \`platform check\` tests every alert minute by minute on both sides of its \`for:\`, and a longer one cannot be tested in bounded time (how long the prediction must hold)`,
    ]);
  });
});

describe("both sides of the bound on the real promtool (P = 1m, hand-worked timelines)", () => {
  let dir: string;
  // The rule file as the program writes it, for a `for:` the loader accepts or (patched after
  // loading, as a stack file cannot) one it refuses.
  const ruleFileFor = (holdFor: string): string => {
    const config = load(thresholds({ nodeDiskPredictWindow: "1m", nodeDiskFillingFor: "359m" }));
    const patched = {
      ...config,
      alerting: { ...config.alerting, thresholds: { ...config.alerting.thresholds, nodeDiskFillingFor: holdFor } },
    } as PlatformConfig;
    const file = `nodes-${holdFor}.yaml`;
    const group = buildRuleGroups(patched).find((b) => b.group.name === GROUP)!.group;
    fs.writeFileSync(path.join(dir, file), ruleFileText(group));
    const rule = (YAML.parse(fs.readFileSync(path.join(dir, file), "utf8")).groups[0].rules as { alert?: string; for?: string }[]).find(
      (r) => r.alert === "NodeDiskFillingUp",
    )!;
    expect(durationSeconds(rule.for!)).toBe(durationSeconds(holdFor));
    return file;
  };

  beforeAll(() => {
    dir = tempDir("node-disk-bound");
  });

  const fsLabels = 'instance="node-1:9100",job="node-exporter",device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/"';
  /** A 100 GB root filesystem whose free bytes follow `avail` (promtool notation, 1-minute steps). */
  const disk = (avail: string) => [
    { series: `node_filesystem_size_bytes{${fsLabels}}`, values: "100000000000x500" },
    { series: `node_filesystem_readonly{${fsLabels}}`, values: "0x500" },
    { series: `node_filesystem_avail_bytes{${fsLabels}}`, values: avail },
  ];
  const state = 'count by (alertstate) (ALERTS{alertname="NodeDiskFillingUp"})';
  const at = (minute: number, alertstate?: "pending" | "firing") => ({
    expr: state,
    eval_time: `${minute}m`,
    exp_samples: alertstate ? [{ labels: `{alertstate="${alertstate}"}`, value: 1 }] : [],
  });

  async function run(name: string, ruleFile: string, avail: string, checks: ReturnType<typeof at>[]): Promise<void> {
    const file = path.join(dir, `${name}.test.yaml`);
    fs.writeFileSync(
      file,
      YAML.stringify(
        { rule_files: [ruleFile], evaluation_interval: "1m", tests: [{ interval: "1m", input_series: disk(avail), promql_expr_test: checks }] },
        { lineWidth: 0 },
      ),
    );
    const r = await promtool(["test", "rules", file], dir);
    expect(r.ok, r.output).toBe(true);
  }

  // A steady fill: 29.5 GB free, 1 GB a minute, so the last sample with space (minute 29, 0.5 GB)
  // comes half a minute before full; flat at 0 from minute 30. Due to be full within 1m first at
  // minute 29 (0.5 GB - 1 GB < 0; at 28: 1.5 GB - 1 GB > 0). The 6h window still holds minute 29
  // up to minute 29 + 360 = 389; at 390 it holds only zeros: slope 0, prediction 0, not < 0.
  // True from 29 to 389: 6h of evaluations in this phase.
  const steady = "29500000000-1000000000x29 0x470";

  it("a steady fill: 359m fires at minute 388, 6h at 389, and 361m never", async () => {
    await run("steady-359", ruleFileFor("359m"), steady, [at(28), at(29, "pending"), at(387, "pending"), at(388, "firing"), at(389, "firing"), at(390)]);
    await run("steady-360", ruleFileFor("6h"), steady, [at(388, "pending"), at(389, "firing"), at(390)]);
    await run("steady-361", ruleFileFor("361m"), steady, [at(389, "pending"), at(390), at(391), at(460)]);
  }, 60_000);

  // The worst phase: the last sample with space is due to be full exactly at the next one, so
  // the expression turns true a minute later than it could. Here the disk series starts with
  // 30 GB free and is full from minute 1: true from minute 1 (predict_linear needs two samples)
  // while the window holds minute 0, up to minute 360. 5h59m fires at 360; 6h would need 361.
  const worst = "30000000000 0x470";

  it("the worst phase: 359m (5h59m, the bound) fires at minute 360, and 6h never does", async () => {
    await run("worst-359", ruleFileFor("359m"), worst, [at(0), at(1, "pending"), at(359, "pending"), at(360, "firing"), at(361)]);
    await run("worst-360", ruleFileFor("6h"), worst, [at(1, "pending"), at(360, "pending"), at(361), at(400)]);
  }, 60_000);
});

describe("the generated promtool tests of `platform check` pass at the bound", () => {
  it.each([
    ["1m", "359m"],
    ["20s", "359m"],
    ["2m", "6h"],
    ["90s", "6h"],
  ])(
    "nodeDiskPredictWindow %s with nodeDiskFillingFor %s",
    async (window, holdFor) => {
      const config = load(thresholds({ nodeDiskPredictWindow: window, nodeDiskFillingFor: holdFor }));
      const built = buildRuleGroups(config).find((b) => b.group.name === GROUP)!;
      const files: Artifact[] = [{ path: ruleFilePath(GROUP), content: ruleFileText(built.group) } as Artifact];
      const s = await runRuleSuite(files, config, { groups: [GROUP] });
      expect(s.check.ok, s.check.output).toBe(true);
      expect(s.groups[0].run.ok, s.groups[0].run.output).toBe(true);
      expect(s.groups[0].tested).toContain("NodeDiskFillingUp");
    },
    120_000,
  );
});
