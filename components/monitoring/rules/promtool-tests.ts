import { durationSeconds } from "../../../lib/duration";
import { N } from "./series";
import { renderTemplate } from "./template";
import { isAlertingRule, type AlertCase, type AlertingRule, type BuiltGroup, type InputSeries } from "./types";

/** Minutes after the last evaluation of a case that its input series still cover. */
const TAIL_MINUTES = 10;
/** How long after the firing time the quiet series are checked. */
export const QUIET_AFTER_MINUTES = 5;

function minutesOf(rule: AlertingRule): number {
  const s = rule.for === undefined ? 0 : durationSeconds(rule.for);
  if (s % 60 !== 0) {
    throw new Error(`${rule.alert}: for: ${rule.for} is not whole minutes; promtool tests are generated for timeScale 1 only`);
  }
  return s / 60;
}

function fill(input: readonly InputSeries[], samples: number): InputSeries[] {
  return input.map((s) => ({ series: s.series, values: s.values.split(N).join(String(samples)) }));
}

/** When a case's alert first fires (minutes from the start). */
export function firingMinute(rule: AlertingRule, c: AlertCase): number {
  return (c.onsetMinutes ?? 0) + minutesOf(rule);
}

/** What a firing alert of a case looks like: its labels and rendered annotations. */
export function expectedAlert(rule: AlertingRule, c: AlertCase): { exp_labels: Record<string, string>; exp_annotations: Record<string, string> } {
  const labels = { ...c.labels, ...rule.labels };
  const exp_annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(rule.annotations)) exp_annotations[k] = renderTemplate(v, labels, c.value);
  return { exp_labels: labels, exp_annotations };
}

/**
 * A promtool rule test file for one group: for every case, the firing series are evaluated one
 * minute before the alert may fire (silent: still pending, or not yet true when there is no
 * `for:`) and at the minute it fires (the alert with its exact labels and annotations); the
 * quiet series are evaluated after that (silent). Expression cases become promql_expr_tests.
 */
export function promtoolTestFile(built: BuiltGroup, ruleFile: string): Record<string, unknown> {
  const rules = new Map(built.group.rules.filter(isAlertingRule).map((r) => [r.alert, r]));
  const tests: Record<string, unknown>[] = [];
  for (const c of built.cases) {
    const rule = rules.get(c.alert);
    if (!rule) throw new Error(`test case for ${c.alert}, which group ${built.group.name} does not define`);
    const at = firingMinute(rule, c);
    const samples = at + QUIET_AFTER_MINUTES + TAIL_MINUTES;
    const checks: Record<string, unknown>[] = [];
    if (at >= 1) checks.push({ eval_time: `${at - 1}m`, alertname: c.alert, exp_alerts: [] });
    checks.push({ eval_time: `${at}m`, alertname: c.alert, exp_alerts: [expectedAlert(rule, c)] });
    tests.push({ interval: "1m", input_series: fill(c.firing, samples), alert_rule_test: checks });
    if (c.quiet) {
      tests.push({
        interval: "1m",
        input_series: fill(c.quiet, samples),
        alert_rule_test: [{ eval_time: `${at + QUIET_AFTER_MINUTES}m`, alertname: c.alert, exp_alerts: [] }],
      });
    }
  }
  // Expression cases over the same input share one test group: one evaluation run for all.
  const byInput = new Map<string, Record<string, unknown>>();
  for (const e of built.exprCases) {
    const input = fill(e.input, e.evalMinutes + TAIL_MINUTES);
    const key = JSON.stringify(input);
    if (!byInput.has(key)) byInput.set(key, { interval: "1m", input_series: input, promql_expr_test: [] });
    (byInput.get(key)!.promql_expr_test as unknown[]).push({ expr: e.expr, eval_time: `${e.evalMinutes}m`, exp_samples: e.expected.map((x) => ({ labels: x.labels, value: x.value })) });
  }
  tests.push(...byInput.values());
  return { rule_files: [ruleFile], evaluation_interval: "1m", tests };
}

/**
 * {@link promtoolTestFile} split into files of at most `perFile` test groups, so that a large
 * group's tests can run in parallel promtool processes.
 */
export function promtoolTestFiles(built: BuiltGroup, ruleFile: string, perFile = 8): Record<string, unknown>[] {
  const whole = promtoolTestFile(built, ruleFile);
  const tests = whole.tests as unknown[];
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < tests.length; i += perFile) out.push({ ...whole, tests: tests.slice(i, i + perFile) });
  return out;
}

/**
 * Alerts of a group covered on both sides: a case with firing series and the silent check
 * before it fires, and quiet series (Watchdog, which is always firing, needs no quiet side).
 */
export function testedAlerts(built: BuiltGroup): Set<string> {
  const out = new Set<string>();
  for (const c of built.cases) if (c.quiet !== undefined || c.alert === "Watchdog") out.add(c.alert);
  return out;
}
