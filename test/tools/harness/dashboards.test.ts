import { describe, expect, it } from "vitest";
import { dashboardQueries, dashboardVariables, expandQuery } from "../../../tools/harness/dashboards";

const dashboard = {
  templating: {
    list: [
      { name: "service", query: { query: 'label_values(http_requests_total{namespace="apps"}, service)' }, multi: false },
      { name: "color", query: "label_values(color)", includeAll: true },
      { name: "custom", type: "custom", query: "a,b" },
    ],
  },
  panels: [
    { id: 1, title: "Rate", targets: [{ refId: "A", expr: 'sum(rate(x{service="$service"}[$__rate_interval]))' }] },
    { id: 2, type: "row", title: "Row", panels: [{ id: 3, title: "Inner", targets: [{ refId: "B", expr: "up{color=~\"${color}\"}" }, { refId: "C", expr: "" }] }] },
    { id: 4, title: "Note", type: "text" },
  ],
};

describe("dashboard queries", () => {
  it("lists every non-empty query, nested rows included", () => {
    expect(dashboardQueries("d.json", dashboard).map((q) => [q.panel, q.refId])).toEqual([
      ["Rate", "A"],
      ["Inner", "B"],
    ]);
  });

  it("reads label_values variables with and without a selector", () => {
    expect(dashboardVariables(dashboard)).toEqual([
      { name: "service", labelValues: { selector: 'http_requests_total{namespace="apps"}', label: "service" }, multi: false, includeAll: false },
      { name: "color", labelValues: { selector: undefined, label: "color" }, multi: false, includeAll: true },
      { name: "custom", labelValues: undefined, multi: false, includeAll: false },
    ]);
  });

  it("expands variables and Grafana's interval built-ins", () => {
    expect(expandQuery('rate(x{s="$service",c=~"${color:regex}",d="[[service]]"}[$__rate_interval]) / $__range_s', { service: "web", color: "a|b" }, { interval: 2, range: 60, scrape: 1 })).toBe(
      'rate(x{s="web",c=~"a|b",d="web"}[4000ms]) / 60',
    );
    expect(() => expandQuery("x{a=\"$nope\"}", {}, { interval: 1, range: 1 })).toThrow('query uses the variable $nope, which the dashboard does not define: x{a="$nope"}');
  });
});
