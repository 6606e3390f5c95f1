import { APP_METRICS, userRequests } from "../contract";
import { clean, counter, gauge, series } from "./series";
import type { AlertCase, AlertDefinition, RuleContext, RuleGroupModule } from "./types";

/** Label matchers of an application's series: its namespace, a role and optionally a service. */
export function appSelector(ctx: RuleContext, role: "active" | "preview", extra = ""): string {
  return `namespace="${ctx.config.namespaces.apps}",role="${role}"${extra}`;
}

/** Kubelet probe requests per minute in test series (about 0.4 per second per pod). */
export const PROBES_PER_MINUTE = 24;

/**
 * Requests of one pod as podinfo exports them: user requests (`path="root"`) split into 5xx
 * and 2xx with the given error ratio, kubelet probes (`path="healthz"`, always 200), and the
 * plain `http_requests_total{status}` counting both, as podinfo's counter does.
 */
export function requestSeries(ctx: RuleContext, service: string, ratio: number, perMinute = 1000, role: "active" | "preview" = "active", color = "blue") {
  const labels = { namespace: ctx.config.namespaces.apps, role, service, color, pod: `${service}-${color}-0` };
  const count = (path: string, status: string, n: number) => series(APP_METRICS.durationCount, { ...labels, method: "GET", [APP_METRICS.pathLabel]: path, [APP_METRICS.statusLabel]: status }, counter(n));
  const ok = clean(perMinute * (1 - ratio));
  const out = [count("root", "200", ok), count("healthz", "200", PROBES_PER_MINUTE), series(APP_METRICS.requests, { ...labels, [APP_METRICS.statusLabel]: "200" }, counter(clean(ok + PROBES_PER_MINUTE)))];
  if (ratio > 0) {
    out.push(count("root", "500", clean(perMinute * ratio)), series(APP_METRICS.requests, { ...labels, [APP_METRICS.statusLabel]: "500" }, counter(clean(perMinute * ratio))));
  }
  return out;
}

/**
 * Service alerts on the RED signals of every configured service's active colour: down,
 * error ratio (warning and critical), p95 latency and no traffic. Error-budget alerts live in
 * the SLO group.
 */
export const servicesGroup: RuleGroupModule = {
  name: "app-platform-services",
  build(ctx) {
    const apps = ctx.config.namespaces.apps;
    const names = ctx.services.map((s) => s.name);
    const first = names[0] ?? "web";
    const active = appSelector(ctx, "active");
    // User requests only: probes and scrapes are requests too, and would dilute the ratios
    // and keep the traffic from ever reaching zero.
    const user = (...more: string[]) => userRequests("count", active, ctx.services, ...more);
    const w = ctx.dur("5m");
    const t = ctx.thresholds;
    const errorRatio = `sum by (namespace, service) (rate(${user(`${APP_METRICS.statusLabel}=~"5.."`)}[${w}]))
  / sum by (namespace, service) (rate(${user()}[${w}]))`;

    // A service whose pods are all gone has no `up` series at all, so each configured service
    // is also checked for absence; `absent` keeps the equality matchers as labels, and `0 *`
    // makes its value the number of pods up, like the first branch.
    const absent = names.map((n) => `0 * max by (namespace, service) (absent(up{${active},service="${n}"}))`);
    const downExpr = [`sum by (namespace, service) (up{${active},service!=""}) == 0`, ...absent].join("\nor\n");

    const alerts: AlertDefinition[] = [
      ctx.alert({
        name: "ServiceDown",
        expr: downExpr,
        for: ctx.durOf("serviceDownFor"),
        severity: "critical",
        summary: "Service {{ $labels.service }} is down",
        description: "No pod of the active colour of {{ $labels.service }} in {{ $labels.namespace }} has answered a scrape for " + t.serviceDownFor + " ({{ $value | humanize }} up).",
        runbook: {
          meaning: "Prometheus cannot scrape any pod of the service's active colour: either every pod is failing or none exists. Users of the service get errors or timeouts.",
          check: [
            "`kubectl -n <namespace> get pods -l app.kubernetes.io/name=<service> -L app-platform/color` — are the active colour's pods Running and Ready?",
            "`kubectl -n <namespace> describe pod <pod>` and `kubectl -n <namespace> logs <pod> --previous` for crash reasons.",
            "In Prometheus, `up{service=\"<service>\"}` — a value of 0 means the pod is there but its metrics endpoint fails; no series means no pod.",
          ],
          fix: [
            "If a release caused it, roll back: set `activeColor` back to the previous colour and run `pulumi up`.",
            "If pods are Pending, check the namespace quota and node capacity (`kubectl describe quota -n <namespace>`).",
            "If the metrics endpoint alone fails, check the service's `metricsPort`/`metricsPath` in the stack config.",
          ],
        },
      }),
      ctx.alert({
        name: "ServiceHighErrorRatio",
        expr: `${errorRatio}\n  > ${t.errorRatioCritical}`,
        for: ctx.durOf("errorRatioFor"),
        severity: "critical",
        summary: "Service {{ $labels.service }} fails {{ $value | humanizePercentage }} of requests",
        description: "{{ $labels.service }} in {{ $labels.namespace }} answered {{ $value | humanizePercentage }} of requests with 5xx over the last 5 minutes (critical above " + pct(t.errorRatioCritical) + ").",
        runbook: {
          meaning: "A large share of the service's requests fail with a server error. Users see errors now.",
          check: [
            "Open the service's RED dashboard in Grafana; find when the ratio rose and whether a release (an `activeColor` change) happened then.",
            "`kubectl -n <namespace> logs -l app.kubernetes.io/name=<service>,app-platform/color=<active colour> --tail=200` for the errors.",
            "Check the dependencies: PostgresDown, RedisDown or endpoint alerts firing at the same time point to the cause.",
          ],
          fix: [
            "If it started with a release, roll back by setting `activeColor` to the previous colour and running `pulumi up`.",
            "If a dependency fails, follow that alert's runbook.",
            "If load causes it, check HPAAtMaxForLong and raise `replicas.max`.",
          ],
        },
      }),
      ctx.alert({
        name: "ServiceElevatedErrorRatio",
        expr: `${errorRatio}\n  > ${t.errorRatioWarning}`,
        for: ctx.durOf("errorRatioFor"),
        severity: "warning",
        summary: "Service {{ $labels.service }} fails {{ $value | humanizePercentage }} of requests",
        description: "{{ $labels.service }} in {{ $labels.namespace }} answered {{ $value | humanizePercentage }} of requests with 5xx over the last 5 minutes (warning above " + pct(t.errorRatioWarning) + ").",
        runbook: {
          meaning: "More requests fail than usual, though not yet at the critical level (ServiceHighErrorRatio mutes this alert when it fires).",
          check: [
            "Open the service's RED dashboard; compare the error ratio of the last day.",
            "Look for a recent release or a dependency alert.",
          ],
          fix: ["Fix the cause found above before it burns the error budget; roll back a faulty release with `activeColor`."],
        },
      }),
      ctx.alert({
        name: "ServiceHighLatency",
        expr: `histogram_quantile(0.95, sum by (namespace, service, le) (rate(${userRequests("bucket", active, ctx.services)}[${w}])))\n  > ${t.latencyP95Seconds}`,
        for: ctx.durOf("latencyFor"),
        severity: "warning",
        summary: "Service {{ $labels.service }} is slow: p95 {{ $value | humanizeDuration }}",
        description: "The 95th percentile latency of {{ $labels.service }} in {{ $labels.namespace }} is {{ $value | humanizeDuration }} (threshold " + t.latencyP95Seconds + "s).",
        runbook: {
          meaning: "One request in twenty takes longer than the threshold. Users notice slowness; timeouts upstream may follow.",
          check: [
            "Open the service's RED dashboard: is the latency rise general or tied to traffic growth?",
            "Check CPU throttling and HPAAtMaxForLong; check Postgres (PostgresLongTransaction, PostgresConnectionsHigh) and Redis alerts.",
          ],
          fix: ["Scale out (raise `replicas.max`) if saturated; fix the slow dependency; roll back a release that made it slower."],
        },
      }),
      ctx.alert({
        name: "ServiceNoTraffic",
        // A service whose users never called it has no user series at all: an up pod stands
        // in with 0. Probes and scrapes do not count as traffic.
        expr: `(\n  sum by (namespace, service) (rate(${user()}[${w}]))\n  or 0 * sum by (namespace, service) (up{${active}} == 1)\n) == 0`,
        for: ctx.durOf("noTrafficFor"),
        severity: "info",
        summary: "Service {{ $labels.service }} receives no requests",
        description: "{{ $labels.service }} in {{ $labels.namespace }} is up but has served {{ $value | humanize }} user requests per second for " + t.noTrafficFor + " (kubelet probes and metrics scrapes do not count).",
        runbook: {
          meaning: "The service runs but nothing reaches it. Either nobody uses it right now, or routing (Ingress, Service selector) is broken.",
          check: [
            "`kubectl -n <namespace> get endpoints <service>` — does the active Service select the active colour's pods?",
            "Probe the public URL (EndpointDown would fire if it fails).",
          ],
          fix: ["Fix the Ingress or Service selector; if the quiet period is expected, ignore (info alerts do not notify)."],
        },
      }),
    ];

    const labels = { namespace: apps, service: first };
    const others = names.filter((n) => n !== first);
    const upOf = (n: string, v: number) => series("up", { namespace: apps, role: "active", service: n, color: "blue", pod: `${n}-blue-0` }, gauge(v));
    const othersUp = others.map((n) => upOf(n, 1));
    const pctCase = (alert: string, thr: number): AlertCase => {
      const fire = clean(Math.min(1, thr * 1.5));
      return {
        alert,
        firing: requestSeries(ctx, first, fire),
        quiet: requestSeries(ctx, first, clean(thr * 0.5)),
        onsetMinutes: 1,
        labels,
        value: fire,
      };
    };
    const thr = t.latencyP95Seconds;
    const buckets = (inRange: "above" | "below") => {
      const base = { namespace: apps, role: "active", service: first, color: "blue", pod: `${first}-blue-0`, method: "GET", status: "200" };
      const counts = inRange === "above" ? [0, 0, 100, 100] : [0, 100, 100, 100];
      const les = [thr / 2, thr, thr * 2, "+Inf"];
      return [
        ...les.map((le, i) => series(APP_METRICS.durationBucket, { ...base, path: "root", le: String(le) }, counter(counts[i]))),
        // Probes answer at once, and outnumber the users here: counted, they would pull the
        // p95 under the threshold.
        ...les.map((le) => series(APP_METRICS.durationBucket, { ...base, path: "healthz", le: String(le) }, counter(1000))),
      ];
    };
    const cases: AlertCase[] = [
      { alert: "ServiceDown", firing: [upOf(first, 0), ...othersUp], quiet: [upOf(first, 1), ...othersUp], labels, value: 0 },
      // The service has no pod at all: the absent() branch.
      { alert: "ServiceDown", firing: [...othersUp, series("up", { namespace: apps, role: "preview", service: first, color: "green", pod: `${first}-green-0` }, gauge(1))], quiet: [upOf(first, 1), ...othersUp], labels, value: 0 },
      pctCase("ServiceHighErrorRatio", t.errorRatioCritical),
      pctCase("ServiceElevatedErrorRatio", t.errorRatioWarning),
      // All requests in (thr, 2 thr]: p95 interpolates to 1.95 thr; quiet: in (thr/2, thr]: 0.975 thr.
      { alert: "ServiceHighLatency", firing: buckets("above"), quiet: buckets("below"), onsetMinutes: 1, labels, value: clean(thr * 1.95) },
      {
        alert: "ServiceNoTraffic",
        // Up, probed and scraped, but no user request.
        firing: [...requestSeries(ctx, first, 0, 0), upOf(first, 1)],
        quiet: [...requestSeries(ctx, first, 0), upOf(first, 1)],
        // True from the first evaluation: before any rate exists, the up pod stands in with 0.
        onsetMinutes: 0,
        labels,
        value: 0,
      },
    ];
    return { group: { name: this.name, rules: alerts.map((a) => a.rule) }, alerts, cases, exprCases: [] };
  },
};

/** A ratio as a percentage for descriptions: 0.05 -> "5%". */
export function pct(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(6))}%`;
}
