import { pct } from "./services";
import { clean, counterFrom, gauge, series, windowIncrease } from "./series";
import type { AlertCase, RuleGroupModule } from "./types";

/** Alerts on the monitoring itself: Watchdog, failing rules and notifications, targets down. */
export const monitoringGroup: RuleGroupModule = {
  name: "app-platform-monitoring",
  build(ctx) {
    const t = ctx.thresholds;
    const w = ctx.dur("5m");
    const alerts = [
      ctx.alert({
        name: "Watchdog",
        expr: "vector(1)",
        severity: "info",
        summary: "Alerting pipeline heartbeat",
        description: "Always firing ({{ $value | humanize }}), so that the dead-man's switch hears from Alertmanager; its silence means Prometheus or Alertmanager is down.",
        runbook: {
          meaning: "This alert always fires. Alertmanager sends it to the heartbeat receiver (a dead-man's switch) every repeat interval. If the switch stops hearing it, the alerting pipeline is broken and nothing else can page.",
          check: ["In Alertmanager (`/#/alerts`), Watchdog must be active.", "If the dead-man's switch fired: are the Prometheus and Alertmanager pods running (`kubectl -n <monitoring namespace> get pods`)? Can Alertmanager reach the heartbeat URL?"],
          fix: ["Never silence Watchdog. Restore Prometheus/Alertmanager, or the network path to the heartbeat service."],
        },
      }),
      ctx.alert({
        name: "PrometheusRuleEvaluationFailures",
        expr: `increase(prometheus_rule_evaluation_failures_total[${w}]) > 0`,
        for: ctx.durOf("monitoringFor"),
        severity: "critical",
        summary: "Prometheus fails to evaluate rules of group {{ $labels.rule_group }}",
        description: "Prometheus {{ $labels.instance }} failed {{ $value | humanize }} rule evaluations of {{ $labels.rule_group }} in the last 5 minutes: alerts of that group may not fire.",
        runbook: {
          meaning: "Rules fail at evaluation (e.g. many-to-many matching, or a query over the sample limit). Alerts that depend on them are blind.",
          check: ["Prometheus UI `/rules`: the failing rule shows its error.", "`kubectl -n <monitoring namespace> logs <prometheus pod> -c prometheus | grep 'Evaluating rule failed'`."],
          fix: ["Fix the rule in components/monitoring/rules (add `on(...)` or aggregation to disambiguate), run the promtool tests, and `pulumi up`."],
        },
      }),
      ctx.alert({
        name: "AlertmanagerNotificationsFailing",
        expr: `increase(alertmanager_notifications_failed_total[${w}]) > 0`,
        for: ctx.durOf("monitoringFor"),
        severity: "critical",
        summary: "Alertmanager fails to send notifications to {{ $labels.integration }}",
        description: "Alertmanager {{ $labels.instance }} failed {{ $value | humanize }} notifications to {{ $labels.integration }} in the last 5 minutes.",
        runbook: {
          meaning: "Notifications to one integration (Slack, PagerDuty, email, webhook) fail. Alerts routed there reach nobody; critical alerts still go to the other integration.",
          check: ["`kubectl -n <monitoring namespace> logs <alertmanager pod> -c alertmanager | grep -i notify` — HTTP status and error.", "Is the credential in the receivers Secret still valid (revoked Slack webhook, rotated PagerDuty key)?"],
          fix: ["Set the new credential with `pulumi config set --secret <slackWebhookUrl|pagerdutyRoutingKey|smtpPassword> <value>` and run `pulumi up`; fix egress to the integration if blocked."],
        },
      }),
      ctx.alert({
        name: "ScrapeTargetsDown",
        // `service` is kept so that ServiceDown of the same service inhibits this warning.
        expr: `count by (namespace, job, service) (up == 0) / count by (namespace, job, service) (up) > ${t.targetDownRatio}`,
        for: ctx.durOf("targetDownFor"),
        severity: "warning",
        summary: "{{ $value | humanizePercentage }} of {{ $labels.job }} targets are down",
        description: "{{ $value | humanizePercentage }} of the scrape targets of job {{ $labels.job }} in {{ $labels.namespace }} have been down for " + t.targetDownFor + " (threshold " + pct(t.targetDownRatio) + ").",
        runbook: {
          meaning: "Prometheus cannot scrape part of a job's targets. Their metrics are missing, so their alerts cannot fire.",
          check: ["Prometheus UI `/targets`: the error per target (connection refused, timeout, 401/403, TLS).", "NetworkPolicies: the monitoring namespace must be allowed to reach the metrics port."],
          fix: ["Restore the exporter or pod; allow the scrape in the target namespace's NetworkPolicy; fix the ServiceMonitor's port name."],
        },
      }),
      ctx.alert({
        name: "PrometheusNotConnectedToAlertmanagers",
        expr: "max by (namespace, pod) (prometheus_notifications_alertmanagers_discovered) < 1",
        for: ctx.durOf("monitoringFor"),
        severity: "critical",
        summary: "Prometheus {{ $labels.pod }} has no Alertmanager to send to",
        description: "Prometheus {{ $labels.namespace }}/{{ $labels.pod }} has discovered {{ $value | humanize }} Alertmanagers: no alert leaves it.",
        runbook: {
          meaning: "Prometheus evaluates alerts but has nowhere to send them. Only the dead-man's switch (Watchdog's silence) would notice.",
          check: ["Prometheus UI `/status`: Alertmanagers list.", "`kubectl -n <monitoring namespace> get endpoints` for the Alertmanager service."],
          fix: ["Restore the Alertmanager pods; check the Prometheus resource's `alerting.alertmanagers` matches the Alertmanager Service."],
        },
      }),
      ctx.alert({
        name: "PrometheusRuleGroupSlow",
        expr: "prometheus_rule_group_last_duration_seconds > prometheus_rule_group_interval_seconds",
        for: ctx.durOf("monitoringFor"),
        severity: "warning",
        summary: "Rule group {{ $labels.rule_group }} evaluates slower than its interval",
        description: "Rule group {{ $labels.rule_group }} on {{ $labels.instance }} took {{ $value | humanizeDuration }} to evaluate, longer than its interval: evaluations are skipped.",
        runbook: {
          meaning: "A rule group takes longer than its evaluation interval, so Prometheus skips evaluations and alerts fire late.",
          check: ["Prometheus UI `/rules`: evaluation time per rule.", "`prometheus_rule_group_iterations_missed_total`."],
          fix: ["Move expensive expressions into recording rules, reduce cardinality, or give Prometheus more CPU."],
        },
      }),
    ];
    const prom = { namespace: ctx.config.namespaces.monitoring, instance: "10.0.0.5:9090", job: "prometheus", pod: "prometheus-0" };
    const group = { ...prom, rule_group: "/etc/prometheus/rules/app-platform-services.yaml;app-platform-services" };
    const am = { namespace: ctx.config.namespaces.monitoring, instance: "10.0.0.6:9093", job: "alertmanager", integration: "slack" };
    const forMinutes = ctx.secs(t.monitoringFor) / 60;
    // Targets of one job, `down` of `of` down: the firing side has the fewest down above the
    // ratio, the quiet side the most at or below it (at the ratio exactly, `>` is false).
    const of = t.targetDownRatio < 0.9 ? 10 : 100;
    const downAtRatio = Math.floor(clean(t.targetDownRatio * of));
    const targets = (down: number) => Array.from({ length: of }, (_, i) => up("web", i + 1, i < down ? 0 : 1));
    const up = (job: string, i: number, v: number) => series("up", { namespace: "apps", job, instance: `10.0.1.${i}:8080` }, gauge(v));
    const cases: AlertCase[] = [
      { alert: "Watchdog", firing: [], quiet: undefined, labels: {}, value: 1 },
      // One failure a minute from minute 3 on: five in the 5-minute window once it is full, fewer
      // when a short monitoringFor fires before that (see windowIncrease).
      { alert: "PrometheusRuleEvaluationFailures", firing: [series("prometheus_rule_evaluation_failures_total", group, counterFrom(2, 1))], quiet: [series("prometheus_rule_evaluation_failures_total", group, gauge(0))], onsetMinutes: 3, labels: group, value: windowIncrease(1, forMinutes, 5) },
      { alert: "AlertmanagerNotificationsFailing", firing: [series("alertmanager_notifications_failed_total", am, counterFrom(2, 2))], quiet: [series("alertmanager_notifications_failed_total", am, gauge(3))], onsetMinutes: 3, labels: am, value: windowIncrease(2, forMinutes, 5) },
      { alert: "ScrapeTargetsDown", firing: targets(downAtRatio + 1), quiet: targets(downAtRatio), labels: { namespace: "apps", job: "web" }, value: (downAtRatio + 1) / of },
      {
        alert: "PrometheusNotConnectedToAlertmanagers",
        firing: [series("prometheus_notifications_alertmanagers_discovered", prom, gauge(0))],
        quiet: [series("prometheus_notifications_alertmanagers_discovered", prom, gauge(2))],
        labels: { namespace: prom.namespace, pod: prom.pod },
        value: 0,
      },
      {
        alert: "PrometheusRuleGroupSlow",
        firing: [series("prometheus_rule_group_last_duration_seconds", group, gauge(45)), series("prometheus_rule_group_interval_seconds", group, gauge(30))],
        quiet: [series("prometheus_rule_group_last_duration_seconds", group, gauge(2)), series("prometheus_rule_group_interval_seconds", group, gauge(30))],
        labels: group,
        value: 45,
      },
    ];
    return { group: { name: this.name, rules: alerts.map((a) => a.rule) }, alerts, cases, exprCases: [] };
  },
};
