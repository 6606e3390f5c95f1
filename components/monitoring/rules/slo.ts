import type { MonitoringSpec } from "../monitoring-spec";
import type { ServiceConfig } from "../../app/service-spec";
import { durationSeconds } from "../../../lib/duration";
import { APP_METRICS, userRequests } from "../contract";
import { PROBES_PER_MINUTE, appSelector, requestSeries } from "./services";
import { clean, counter, series } from "./series";
import type { AlertCase, AlertDefinition, ExprCase, RecordingRule, RuleContext, RuleGroupModule } from "./types";

/** The two service-level indicators every service has: availability (5xx) and latency. */
export type SliName = "availability" | "latency";

/** Windows of the SLI error-ratio recording rules (nominal names; ranges scale with timeScale). */
export const SLI_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;

/**
 * Name of the recording rule holding a service's SLI error ratio over a window (user requests
 * only; 0 in a window without any): what the burn-rate alerts compare and the SLO dashboard's
 * burn-rate panel shows.
 */
export function sliErrorRatioRecord(window: (typeof SLI_WINDOWS)[number]): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/**
 * The multiwindow, multi-burn-rate tiers of the Google SRE workbook for a 30-day SLO: a tier
 * fires when both its long and short windows burn the budget `factor` times faster than
 * allowed. 14.4x over 1h spends 2% of a 30-day budget; 6x over 6h 5%; 3x over 1d 10%;
 * 1x over 3d 10%.
 */
export const BURN_TIERS = [
  { long: "1h", short: "5m", factor: 14.4, severity: "critical", forKey: "sloPageFastFor" },
  { long: "6h", short: "30m", factor: 6, severity: "critical", forKey: "sloPageSlowFor" },
  { long: "1d", short: "2h", factor: 3, severity: "warning", forKey: "sloTicketFastFor" },
  { long: "3d", short: "6h", factor: 1, severity: "warning", forKey: "sloTicketSlowFor" },
] as const;

/**
 * The SLO period the objectives and burn-rate factors are defined over (the SRE workbook's
 * 30 days): a burn rate of 1 spends the budget exactly in this time.
 */
export const SLO_PERIOD = "30d";

/**
 * The window the remaining error budget is measured over: the SLO period, or the stack's
 * Prometheus retention when that is shorter (production keeps 15 days, staging 7, dev 2).
 * A range longer than the retention silently covers only what is kept, so the period's name
 * would lie; the window is named after what it really covers (e.g. "15d").
 */
export function budgetWindow(config: { readonly monitoring: Pick<MonitoringSpec, "prometheus"> }): string {
  const retention = durationSeconds(config.monitoring.prometheus.retention);
  const period = durationSeconds(SLO_PERIOD);
  const seconds = Math.min(period, retention);
  return seconds % 86400 === 0 ? `${seconds / 86400}d` : seconds % 3600 === 0 ? `${seconds / 3600}h` : `${Math.floor(seconds / 60)}m`;
}

/**
 * The `le` matcher of a latency threshold. Prometheus 3 writes classic-histogram `le` values
 * as floats ("1.0") while 2.x wrote "1", so whole numbers match both spellings.
 */
export function leMatcher(threshold: number): string {
  return Number.isInteger(threshold) ? `le=~"${threshold}(\\\\.0)?"` : `le="${threshold}"`;
}

/** Objective of one SLI of a service. */
export function objectiveOf(s: ServiceConfig, sli: SliName): number {
  return sli === "availability" ? s.slo.availability : s.slo.latency.objective;
}

/** 1 - objective without binary noise (1 - 0.999 is 0.0010000000000000009 in floating point). */
export function budgetOf(objective: number): number {
  return clean(1 - objective);
}

/**
 * `num / den`, where a window without any request counts as no errors (0) rather than 0/0 =
 * NaN: a NaN sample poisons every average and comparison built on it, and an idle night is
 * not an outage. `den > 0` drops the idle series, `or 0 * den` puts a 0 in its place.
 */
export function zeroSafeRatio(num: string, den: string): string {
  return `(${num})\n/ (${den} > 0)\nor 0 * ${den}`;
}

function sliRecordingRules(ctx: RuleContext, s: ServiceConfig, sli: SliName): RecordingRule[] {
  // User requests of this service: its own probe and metrics paths are not part of the SLI.
  const sel = appSelector(ctx, "active", `,service="${s.name}"`);
  const count = (...more: string[]) => userRequests("count", sel, [s], ...more);
  const bucket = (...more: string[]) => userRequests("bucket", sel, [s], ...more);
  const by = "sum by (namespace, service)";
  // Static labels name the service too: promtool's lint treats two rules with one name and the
  // same static labels as duplicates, whatever their expressions select.
  const labels = { namespace: ctx.config.namespaces.apps, service: s.name, slo: sli };
  const total = (r: string) =>
    sli === "availability" ? `${by} (rate(${count()}[${r}]))` : `${by} (rate(${bucket('le="+Inf"')}[${r}]))`;
  const errors = (r: string) =>
    sli === "availability"
      ? // A service without any 5xx series still has an error rate: 0, not "no data".
        `${by} (rate(${count(`${APP_METRICS.statusLabel}=~"5.."`)}[${r}])) or 0 * ${total(r)}`
      : `${total(r)}\n  - ${by} (rate(${bucket(leMatcher(s.slo.latency.thresholdSeconds))}[${r}]))`;
  const rules: RecordingRule[] = [];
  for (const w of SLI_WINDOWS) {
    const r = ctx.dur(w);
    rules.push({ record: sliErrorRatioRecord(w), expr: zeroSafeRatio(errors(r), total(r)), labels });
  }
  for (const tier of BURN_TIERS) {
    const r = ctx.dur(tier.long);
    const t = sli === "availability" ? count() : bucket('le="+Inf"');
    rules.push({ record: `slo:sli_requests:increase${tier.long}`, expr: `${by} (increase(${t}[${r}]))`, labels });
  }
  const o = objectiveOf(s, sli);
  const own = { namespace: ctx.config.namespaces.apps, service: s.name, slo: sli };
  const match = `{namespace="${own.namespace}",service="${s.name}",slo="${sli}"}`;
  const window = ctx.dur(budgetWindow(ctx.config));
  // The budget spent is failed requests over all requests of the window: the 5-minute rates
  // summed over it (each weighs by its traffic), never an average of 5-minute ratios, in
  // which a quiet night's 1 failed request of 2 weighs as much as a busy hour.
  rules.push(
    { record: "slo:sli_errors:rate5m", expr: errors(ctx.dur("5m")), labels },
    { record: "slo:sli_requests:rate5m", expr: total(ctx.dur("5m")), labels },
    { record: "slo:objective:ratio", expr: `vector(${o})`, labels: own },
    { record: "slo:error_budget:ratio", expr: `vector(${budgetOf(o)})`, labels: own },
    {
      record: BUDGET_WINDOW_RATIO,
      expr: zeroSafeRatio(`sum_over_time(slo:sli_errors:rate5m${match}[${window}])`, `sum_over_time(slo:sli_requests:rate5m${match}[${window}])`),
      labels: own,
    },
    {
      record: "slo:error_budget_remaining:ratio",
      expr: `1 - ${BUDGET_WINDOW_RATIO}${match} / on (namespace, service, slo) slo:error_budget:ratio${match}`,
      labels: own,
    },
  );
  return rules;
}

/**
 * Recording rule of the error ratio over the budget window ({@link budgetWindow}); the SLO
 * dashboard reads it and `slo:error_budget_remaining:ratio`, so panel and alert agree.
 */
export const BUDGET_WINDOW_RATIO = "slo:sli_error:ratio_budget_window";

const PREFIX: Record<SliName, string> = { availability: "Error", latency: "Latency" };

/**
 * SLO rules generated from each service's objectives: Sloth-style recording rules (error ratio
 * per window, request counts, objective, budget, remaining budget over 30 days) and, per SLI,
 * four burn-rate alerts shared by all services. A minimum-traffic guard keeps a quiet service
 * from paging on one failed request: the long window must hold enough requests that burning at
 * the tier's rate takes at least `sloMinFailures` failures.
 */
export const sloGroup: RuleGroupModule = {
  name: "app-platform-slo",
  build(ctx) {
    const recording = ctx.services.flatMap((s) => (["availability", "latency"] as const).flatMap((sli) => sliRecordingRules(ctx, s, sli)));
    const minFailures = ctx.num("sloMinFailures");
    const window = budgetWindow(ctx.config);
    const alerts: AlertDefinition[] = [];
    for (const sli of ["availability", "latency"] as const) {
      for (const tier of BURN_TIERS) {
        const name = `${PREFIX[sli]}BudgetBurn${tier.long}`;
        const f = tier.factor;
        const m = `{slo="${sli}"}`;
        const on = "on (namespace, service, slo)";
        const expr = [
          `slo:sli_error:ratio_rate${tier.long}${m} > ${on} (${f} * slo:error_budget:ratio${m})`,
          `and ${on}`,
          `slo:sli_error:ratio_rate${tier.short}${m} > ${on} (${f} * slo:error_budget:ratio${m})`,
          `and ${on}`,
          `slo:sli_requests:increase${tier.long}${m} * ${on} slo:error_budget:ratio${m} * ${f} >= ${minFailures}`,
        ].join("\n");
        const what = sli === "availability" ? "failed requests" : "requests slower than the latency threshold";
        alerts.push(
          ctx.alert({
            name,
            expr,
            for: ctx.durOf(tier.forKey),
            severity: tier.severity,
            summary: `{{ $labels.service }} burns its ${sli} error budget ${f}x too fast (${tier.long} window)`,
            description: `{{ $labels.service }} in {{ $labels.namespace }}: {{ $value | humanizePercentage }} ${what} over the last ${tier.long} (and over ${tier.short}), ${f} times the rate that would spend the 30-day budget exactly.`,
            runbook: {
              meaning: `The ${sli} SLO's error budget burns ${f} times faster than it may, in both a ${tier.long} and a ${tier.short} window. At this rate ${tier.factor === 14.4 ? "2% of the 30-day budget is gone within an hour" : tier.factor === 6 ? "5% of the 30-day budget is gone within 6 hours" : tier.factor === 3 ? "10% of the budget is gone within a day" : "the whole budget is gone at the end of the period"}. ${tier.severity === "critical" ? "This pages: users are affected now." : "This is a ticket: fix it within working hours."}`,
              check: [
                `In Prometheus: \`slo:sli_error:ratio_rate${tier.long}{service="<service>",slo="${sli}"}\` and \`slo:error_budget_remaining:ratio{service="<service>"}\`.`,
                "Open the service's SLO dashboard; find when the burn started and whether a release happened then.",
                sli === "availability" ? "Check ServiceHighErrorRatio and dependency alerts (PostgresDown, RedisDown)." : "Check ServiceHighLatency, HPAAtMaxForLong and the datastore alerts.",
              ],
              fix: [
                "Roll back a faulty release by setting `activeColor` to the previous colour and running `pulumi up`.",
                "Mitigate the cause (scale out, fix the dependency); once the short window recovers the alert resolves.",
                "If the objective is wrong for this service, change `services[].slo` in the stack config rather than silencing.",
              ],
            },
          }),
        );
      }
    }
    alerts.push(
      ctx.alert({
        name: "SLOErrorBudgetLow",
        expr: `slo:error_budget_remaining:ratio < ${ctx.num("sloBudgetRemainingLow")}`,
        for: ctx.durOf("sloBudgetLowFor"),
        // A spent budget needs an owner: warning goes to the team's chat (info reached nobody).
        severity: "warning",
        summary: "{{ $labels.service }} has {{ $value | humanizePercentage }} of its {{ $labels.slo }} error budget left",
        description: `{{ $labels.service }} in {{ $labels.namespace }} has {{ $value | humanizePercentage }} of its {{ $labels.slo }} error budget left, measured over the last ${window} (the Prometheus retention bounds the ${SLO_PERIOD} SLO period).`,
        runbook: {
          meaning: `Most of the error budget is spent, measured over the last ${window} (the SLO period is ${SLO_PERIOD}; the window is shortened to what Prometheus keeps). Another incident would breach the SLO. Zero-traffic periods count as no errors.`,
          check: ["Open the SLO dashboard: which incidents spent the budget?", "`slo:sli_error:ratio_budget_window{service=\"<service>\"}` in Prometheus: the failed share of all requests in the window."],
          fix: ["Prefer reliability work over risky releases until the budget recovers; releases are still possible with the blue-green switch."],
        },
      }),
    );

    const s = ctx.services[0];
    const cases: AlertCase[] = [];
    const exprCases: ExprCase[] = [];
    if (s) {
      const labelsOf = (sli: SliName) => ({ namespace: ctx.config.namespaces.apps, service: s.name, slo: sli });
      // Enough traffic that the minimum-traffic guard holds from the first evaluation on, so
      // that the alert becomes pending exactly at minute 1.
      const perMinute = (sli: SliName, factor: number) => Math.max(1000, Math.ceil((2 * minFailures) / (factor * budgetOf(objectiveOf(s, sli))) / 1000) * 1000);
      const inputs = (sli: SliName, ratio: number, factor: number) =>
        sli === "availability" ? requestSeries(ctx, s.name, ratio, perMinute(sli, factor)) : latencySeries(ctx, s, ratio, perMinute(sli, factor));
      for (const sli of ["availability", "latency"] as const) {
        const b = budgetOf(objectiveOf(s, sli));
        for (const tier of BURN_TIERS) {
          const limit = tier.factor * b;
          // An invariant: the config refuses such an objective at load (field, value and fix).
          if (limit >= 1) throw new Error(`service "${s.name}": the ${sli} objective ${objectiveOf(s, sli)} puts the ${tier.factor}x burn-rate threshold at ${limit}, an error ratio no service can exceed, so the alert could never fire`);
          const fire = clean(Math.min(limit * 1.2, (limit + 1) / 2));
          cases.push({ alert: `${PREFIX[sli]}BudgetBurn${tier.long}`, firing: inputs(sli, fire, tier.factor), quiet: inputs(sli, clean(limit * 0.8), tier.factor), onsetMinutes: 1, labels: labelsOf(sli), value: fire });
        }
      }
      // The guard: a quiet service whose only request failed does not page.
      const b = budgetOf(s.slo.availability);
      const fire = clean(Math.min(14.4 * b * 1.2, (14.4 * b + 1) / 2));
      const lone = series(APP_METRICS.durationCount, { namespace: ctx.config.namespaces.apps, role: "active", service: s.name, color: "blue", pod: `${s.name}-blue-0`, method: "GET", path: "root", status: "500" }, `0 1x${"{N}"}`);
      // The firing side has the traffic of the tier's case, so that it also holds with a large
      // sloMinFailures (at 1000 requests a minute the guard needs sloMinFailures <= 14.4 x budget x 1000).
      cases.push({ alert: "ErrorBudgetBurn1h", firing: requestSeries(ctx, s.name, fire, perMinute("availability", 14.4)), quiet: [lone], onsetMinutes: 1, labels: labelsOf("availability"), value: fire });

      const low = ctx.num("sloBudgetRemainingLow");
      cases.push({
        alert: "SLOErrorBudgetLow",
        firing: requestSeries(ctx, s.name, clean(b * (1 - low * 0.8))),
        quiet: requestSeries(ctx, s.name, clean(b * (1 - low * 1.2))),
        onsetMinutes: 1,
        labels: labelsOf("availability"),
        value: clean(low * 0.8),
      });

      // Recording rules at minute 10 of a constant 1% (availability) and 2% (latency) error ratio.
      const sel = (sli: SliName) => `{namespace="${ctx.config.namespaces.apps}",service="${s.name}",slo="${sli}"}`;
      const input = [...requestSeries(ctx, s.name, 0.01), ...latencySeries(ctx, s, 0.02)];
      const at = (name: string, expr: string, value: number, sli: SliName): ExprCase => ({
        name,
        input,
        evalMinutes: 10,
        expr: `round(${expr} * 1000000)`,
        expected: [{ labels: sel(sli), value: Math.round(value * 1e6) }],
      });
      for (const sli of ["availability", "latency"] as const) {
        const r = sli === "availability" ? 0.01 : 0.02;
        const o = objectiveOf(s, sli);
        for (const w of SLI_WINDOWS) exprCases.push(at(`error ratio ${sli} ${w}`, `slo:sli_error:ratio_rate${w}${sel(sli)}`, r, sli));
        exprCases.push(at(`objective ${sli}`, `slo:objective:ratio${sel(sli)}`, o, sli));
        exprCases.push(at(`error budget ${sli}`, `slo:error_budget:ratio${sel(sli)}`, budgetOf(o), sli));
        exprCases.push(at(`remaining budget ${sli}`, `slo:error_budget_remaining:ratio${sel(sli)}`, 1 - r / budgetOf(o), sli));
        // 1000 requests a minute for 10 minutes.
        exprCases.push({ ...at(`requests ${sli} 1h`, `slo:sli_requests:increase1h${sel(sli)}`, 0, sli), expr: `slo:sli_requests:increase1h${sel(sli)}`, expected: [{ labels: `slo:sli_requests:increase1h${sel(sli)}`, value: 10000 }] });
      }
    }
    return { group: { name: this.name, rules: [...recording, ...alerts.map((a) => a.rule)] }, alerts, cases, exprCases };
  },
};

/**
 * Latency buckets of a service with `ratio` of its user requests slower than its latency
 * threshold, beside kubelet probes that all answer at once (which the SLI must not count).
 */
export function latencySeries(ctx: RuleContext, s: ServiceConfig, ratio: number, perMinute = 1000) {
  const base = { namespace: ctx.config.namespaces.apps, role: "active", service: s.name, color: "blue", pod: `${s.name}-blue-0`, method: "GET", status: "200" };
  const le = String(s.slo.latency.thresholdSeconds);
  return [
    series(APP_METRICS.durationBucket, { ...base, path: "root", le }, counter(clean(perMinute * (1 - ratio)))),
    series(APP_METRICS.durationBucket, { ...base, path: "root", le: "+Inf" }, counter(perMinute)),
    series(APP_METRICS.durationBucket, { ...base, path: "healthz", le }, counter(PROBES_PER_MINUTE)),
    series(APP_METRICS.durationBucket, { ...base, path: "healthz", le: "+Inf" }, counter(PROBES_PER_MINUTE)),
  ];
}
