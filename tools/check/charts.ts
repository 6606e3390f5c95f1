import type { CheckStage } from "./stage";

/**
 * `platform check` stage: every helm.v4.Chart had its children rendered with Helm. A chart
 * that is missing (no archive in the chart folder, no Helm) fails the check: its objects
 * would otherwise go unchecked by every later stage.
 */
export const chartsStage: CheckStage = {
  name: "helm charts",
  async run(ctx) {
    const charts = ctx.result.charts ?? [];
    const bad = charts.filter((c) => c.status !== "rendered");
    const objects = charts.reduce((n, c) => n + c.children, 0);
    return {
      ok: bad.length === 0,
      summary:
        charts.length === 0
          ? "no charts"
          : `${charts.length - bad.length}/${charts.length} charts rendered with Helm, ${objects} objects (${charts.map((c) => `${c.chart} ${c.version ?? ""}`.trim()).join(", ")})`,
      problems: bad.map((c) => c.message ?? `${c.chart}: ${c.status}`),
      reportLines: [`chart objects: ${objects}`],
    };
  },
};
