import { describe, expect, it } from "vitest";
import { chartsStage } from "../../../tools/check/charts";
import type { CheckContext } from "../../../tools/check/stage";
import type { ChartRender } from "../../../tools/render/chart";

function ctx(charts: ChartRender[]): CheckContext {
  return { stack: "dev", outDir: "/nonexistent", files: [], config: {} as CheckContext["config"], result: { stack: "dev", project: "app-platform", resources: [], outputs: {}, secretValues: [], charts } };
}

const base = { urn: "urn:pulumi:dev::app-platform::kubernetes:helm.sh/v4:Chart::monitoring-chart", chart: "kube-prometheus-stack", version: "79.7.1" };

describe("helm charts stage", () => {
  it("fails when a chart's children are missing, with the render's message", async () => {
    const message = "kube-prometheus-stack 79.7.1: chart children are missing: helm is not installed; install it with: bash scripts/install-helm.sh";
    const r = await chartsStage.run(ctx([{ ...base, status: "missing", children: 0, message }]));
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([message]);
    expect(r.reportLines).toEqual(["chart objects: 0"]);
  });

  it("passes when every chart is rendered and reports the number of chart objects", async () => {
    const r = await chartsStage.run(ctx([{ ...base, status: "rendered", children: 107 }]));
    expect(r.ok).toBe(true);
    expect(r.summary).toBe("1/1 charts rendered with Helm, 107 objects (kube-prometheus-stack 79.7.1)");
    expect(r.reportLines).toEqual(["chart objects: 107"]);
  });
});
