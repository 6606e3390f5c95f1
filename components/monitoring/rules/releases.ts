import { APP_METRICS, userRequests } from "../contract";
import { appSelector, pct, requestSeries } from "./services";
import { clean, gauge, series } from "./series";
import type { AlertCase, RuleGroupModule } from "./types";

/**
 * Blue-green release alerts: both colours serving production traffic (the switch did not
 * complete, or a selector matches both), and the preview colour failing before it is promoted.
 */
export const releasesGroup: RuleGroupModule = {
  name: "app-platform-releases",
  build(ctx) {
    const w = ctx.dur("5m");
    const t = ctx.thresholds;
    // Smoke tests and preview-host users, not the preview pods' probes and scrapes.
    const preview = (...more: string[]) => userRequests("count", appSelector(ctx, "preview"), ctx.services, ...more);
    const alerts = [
      ctx.alert({
        name: "BothColorsServing",
        // The active Service's endpoints are what its ServiceMonitor scrapes (role="active"):
        // pods of both colours among them for longer than `for:` mean its selector matches both.
        // During a normal switch the old colour's targets leave within a scrape; request rates
        // over 5 minutes (the former signal) outlived every switch yet never its `for:`.
        expr: `count by (namespace, service) (\n  count by (namespace, service, color) (up{${appSelector(ctx, "active")}} == 1)\n) > 1`,
        for: ctx.durOf("bothColorsFor"),
        severity: "warning",
        summary: "Both colours of {{ $labels.service }} serve production traffic",
        description: "The active Service of {{ $labels.service }} in {{ $labels.namespace }} has selected pods of {{ $value | humanize }} colours for " + t.bothColorsFor + ".",
        runbook: {
          meaning: "A blue-green switch should move all production traffic to one colour at once. The active Service selecting pods of both colours means its selector lost the colour (a manual edit, a broken release), so users see two versions at random.",
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
        expr: `sum by (namespace, service, color) (rate(${preview(`${APP_METRICS.statusLabel}=~"5.."`)}[${w}]))\n  / sum by (namespace, service, color) (rate(${preview()}[${w}]))\n  > ${t.previewErrorRatio}`,
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
    const up = (color: string) => series("up", { namespace: apps, role: "active", service: first, color, pod: `${first}-${color}-0` }, gauge(1));
    const previewRatio = (r: number) => requestSeries(ctx, first, r, 1000, "preview", "green");
    const cases: AlertCase[] = [
      { alert: "BothColorsServing", firing: [up("blue"), up("green")], quiet: [up("blue")], labels: { namespace: apps, service: first }, value: 2 },
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
