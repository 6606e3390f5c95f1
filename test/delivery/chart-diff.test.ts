// platform diff over chart children: a change of the chart's values lists the chart objects that
// change, property by property, as the PR comment shows them. Both sides are the real chart
// rendered with Helm (the head with the edited values), not a model.
import { beforeAll, describe, expect, it } from "vitest";
import { diffResources } from "../../tools/delivery/diff";
import { formatDiff } from "../../tools/delivery/markdown";
import { renderChart } from "../../tools/render/chart";
import { REPO_ROOT, type RenderedResource } from "../../tools/render/mock-runtime";
import { renderInChild } from "../../tools/render/subprocess";

const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";
let base: RenderedResource[];

beforeAll(async () => {
  const r = await renderInChild({ stack: "production" });
  if (!r.ok) throw new Error(`render failed (${r.exitCode}): ${r.stderr}`);
  if (r.result.charts?.[0]?.status !== "rendered") throw new Error(`chart not rendered: ${r.result.charts?.[0]?.message}`);
  base = r.result.resources;
}, 180_000);

/** The production render with the Chart's values edited and its children rendered again by Helm. */
async function edited(edit: (values: Record<string, any>) => void): Promise<RenderedResource[]> {
  const chart = structuredClone(base.find((x) => x.type === CHART_TYPE)!) as RenderedResource & { inputs: { values: Record<string, any> } };
  edit(chart.inputs.values);
  const { render, children } = await renderChart(chart, { stack: "production", project: "app-platform", repoRoot: REPO_ROOT });
  if (render.status !== "rendered") throw new Error(render.message);
  return [...base.filter((x) => !x.chartChild).map((x) => (x.urn === chart.urn ? chart : x)), ...children];
}

describe("platform diff with chart children", () => {
  it("a chart value change lists the changed chart object and property, beside the Chart's values", async () => {
    const head = await edited((v) => (v.grafana.resources = { ...v.grafana.resources, limits: { memory: "768Mi" } }));
    const d = diffResources(base, head);
    const grafana = d.changes.find((c) => c.urn.endsWith("$kubernetes:apps/v1:Deployment::monitoring-chart:monitoring/kube-prometheus-stack-grafana"));
    expect(grafana?.kind).toBe("update");
    // The chart's template puts the grafana container after the two sidecars.
    expect(grafana?.changes.map((c) => [c.path, c.old, c.new])).toContainEqual(["spec.template.spec.containers[2].resources.limits.memory", "512Mi", "768Mi"]);
    expect(d.changes.find((c) => c.type === CHART_TYPE)?.changes.map((c) => c.path)).toEqual(["values.grafana.resources.limits.memory"]);
    // Nothing else of the chart changes: no CRD, no other workload.
    expect(d.changes.map((c) => c.type).sort()).toEqual([CHART_TYPE, "kubernetes:apps/v1:Deployment"].sort());
    const md = formatDiff({ stack: "production", baseRef: "main", diff: d, secretConfig: [], resourcesWithSecrets: [] });
    expect(md).toContain("monitoring-chart:monitoring/kube-prometheus-stack-grafana");
    expect(md).toContain("spec.template.spec.containers[2].resources.limits.memory");
  });

  it("turning a chart feature off removes its objects, each listed", async () => {
    const head = await edited((v) => (v.nodeExporter = { enabled: false }));
    const removed = diffResources(base, head)
      .changes.filter((c) => c.kind === "remove")
      .map((c) => `${c.type.split(":").pop()} ${c.name}`);
    expect(removed).toContain("DaemonSet monitoring-chart:host-agents/kube-prometheus-stack-prometheus-node-exporter");
    expect(removed.filter((r) => r.startsWith("ServiceMonitor ") && r.endsWith("/kube-prometheus-stack-prometheus-node-exporter"))).toHaveLength(1);
  });
});
