import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { scaledGroupIntervals } from "../../../tools/harness/monitoring";
import { PROGRAMS, requireProgram, tempDir } from "../../../tools/harness/processes";

describe("scaledGroupIntervals", () => {
  const dir = tempDir("scaled-intervals");
  const rule = { record: "job:up:sum", expr: "sum by (job) (up)" };
  const withInterval = path.join(dir, "chart-group.yaml");
  const without = path.join(dir, "ours.yaml");
  fs.writeFileSync(withInterval, YAML.stringify({ groups: [{ name: "kube-apiserver-availability.rules", interval: "3m", rules: [rule] }] }));
  fs.writeFileSync(without, YAML.stringify({ groups: [{ name: "app-platform-services", rules: [rule] }] }));

  it("multiplies an explicit group interval by the time scale (3m at 0.01 is 1.8 s, worked by hand) and keeps files without one", () => {
    const out = tempDir("scaled-intervals-out");
    const [scaled, kept] = scaledGroupIntervals([withInterval, without], 0.01, out);
    expect(kept).toBe(without);
    expect(path.dirname(scaled!)).toBe(out);
    expect((YAML.parse(fs.readFileSync(scaled!, "utf8")) as { groups: { interval: string }[] }).groups[0]!.interval).toBe("1800ms");
    // Never below Prometheus' one-second floor that the harness uses for evaluation.
    const [floor] = scaledGroupIntervals([withInterval], 0.001, tempDir("scaled-intervals-floor"));
    expect((YAML.parse(fs.readFileSync(floor!, "utf8")) as { groups: { interval: string }[] }).groups[0]!.interval).toBe("1000ms");
    expect(scaledGroupIntervals([withInterval], 1, out)).toEqual([withInterval]);
  });

  it("writes a file the real promtool accepts", () => {
    const [scaled] = scaledGroupIntervals([withInterval], 0.01, tempDir("scaled-intervals-promtool"));
    const r = spawnSync(requireProgram(PROGRAMS.promtool), ["check", "rules", scaled!], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
