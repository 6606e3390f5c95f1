import { APP_METRICS } from "../contract";
import { appSelector, pct, requestSeries } from "./services";
import { clean, counter, gauge, series } from "./series";
import type { AlertCase, RuleGroupModule } from "./types";

/**
 * Blue-green release alerts: both colours serving production traffic (the switch did not
 * complete, or a selector matches both), and the preview colour failing before it is promoted.
 */
export const releasesGroup: RuleGroupModule = {
  name: "app-platform-releases",
  build(ctx) {
    const req = APP_METRICS.requests;
    const w = ctx.dur("5m");
    const t = ctx.thresholds;
    const preview = appSelector(ctx, "preview");
    const alerts = [
      ctx.alert({
        name: "BothColorsServing",
        expr: `count by (namespace, service) (\n  sum by (namespace, service, color) (rate(${req}{${appSelector(ctx, "active")}}[${w}])) > 0\n) > 1`,
        for: ctx.durOf("bothColorsFor"),
        severity: "warning",
        summary: "Both colours of {{ $labels.service }} serve production traffic",
        description: "{{ $value | humanize }} colours of {{ $labels.service }} in {{ $labels.namespace }} have received requests through the active Service for " + t.bothColorsFor + ".",
        runbook: {
          meaning: "A blue-green switch should move all production traffic to one colour at once. Traffic still reaching both colours means the switch did not complete or a selector matches both colours, so users may see two versions.",
          check: [
            "`kubectl -n <namespace> get service <service> -o jsonpath='{.spec.selector}'` — it must name one `app-platform/color`.",
            "`kubectl -n <namespace> get endpoints <service> -o wide` — every address must belong to a pod of the active colour.",
            "Compare `activeColor` in the stack config with the deployed Service (`pulumi preview`).",
          ],
          fix: ["Run `pulumi up` so that the active Service selects only `activeColor`; if a manual edit changed the selector, revert it."],
        },
      }),
      ctx.alert({
        name: "PreviewColorFailing",
        expr: `sum by (namespace, service, color) (rate(${req}{${preview},${APP_METRICS.statusLabel}=~"5.."}[${w}]))\n  / sum by (namespace, service, color) (rate(${req}{${preview}}[${w}]))\n  > ${t.previewErrorRatio}`,
        for: ctx.durOf("previewFor"),
        severity: "warning",
        summary: "Preview colour of {{ $labels.service }} fails {{ $value | humanizePercentage }} of requests",
        description: "The preview colour ({{ $labels.color }}) of {{ $labels.service }} in {{ $labels.namespace }} answers {{ $value | humanizePercentage }} of its requests with 5xx (threshold " + pct(t.previewErrorRatio) + "). Do not promote it.",
        runbook: {
          meaning: "The colour waiting to be promoted fails its own traffic (smoke tests, preview host). Promoting it would make users see these errors.",
          check: [
            "`kubectl -n <namespace> logs -l app.kubernetes.io/name=<service>,app-platform/color=<color> --tail=200`.",
            "Compare its image with the active colour's (`services[].image` in the stack config).",
          ],
          fix: ["Do not switch `activeColor`; fix the preview image and deploy it again to the preview colour."],
        },
      }),
    ];
    const first = ctx.services[0]?.name ?? "web";
    const apps = ctx.config.namespaces.apps;
    const colored = (color: string, perMinute: number) =>
      series(req, { namespace: apps, role: "active", service: first, color, pod: `${first}-${color}-0`, status: "200" }, perMinute > 0 ? counter(perMinute) : gauge(7));
    const previewRatio = (r: number) => requestSeries(ctx, first, r, 1000, "preview", "green");
    const cases: AlertCase[] = [
      { alert: "BothColorsServing", firing: [colored("blue", 100), colored("green", 10)], quiet: [colored("blue", 100), colored("green", 0)], onsetMinutes: 1, labels: { namespace: apps, service: first }, value: 2 },
      {
        alert: "PreviewColorFailing",
        firing: previewRatio(clean(Math.min(1, t.previewErrorRatio * 1.5))),
        quiet: previewRatio(clean(t.previewErrorRatio * 0.5)),
        onsetMinutes: 1,
        labels: { namespace: apps, service: first, color: "green" },
        value: clean(Math.min(1, t.previewErrorRatio * 1.5)),
      },
    ];
    return { group: { name: this.name, rules: alerts.map((a) => a.rule) }, alerts, cases, exprCases: [] };
  },
};
