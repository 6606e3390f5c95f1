import type { Environment } from "../../../lib/environment";
import type { BackupSpec } from "../../backup/backup-spec";
import type { NamespacesSpec } from "../../foundation/namespaces-spec";
import type { AlertingSpec, MonitoringSpec } from "../monitoring-spec";
import type { ServiceConfig } from "../../app/service-spec";
import type { AlertThresholds, ThresholdName } from "./thresholds";
import { durationSeconds, scaleDuration, scaleSeconds } from "../../../lib/duration";

/** Severity of an alert; decides its route (critical pages, warning goes to chat, info nowhere). */
export type Severity = "critical" | "warning" | "info";

/** What an operator reads in docs/runbooks/<AlertName>.md. */
export interface Runbook {
  /** What the alert means and why it matters. */
  readonly meaning: string;
  /** How to confirm and diagnose, one step per entry. */
  readonly check: readonly string[];
  /** How to fix or mitigate, one step per entry. */
  readonly fix: readonly string[];
}

/** An alerting rule as Prometheus reads it. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: Severity };
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url: string };
}

/** A recording rule as Prometheus reads it. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** One rule group: the unit of a rule file and of a PrometheusRule object. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (AlertingRule | RecordingRule)[];
}

/** One input series of a promtool test, in promtool's expanding notation. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/**
 * A promtool test case of one alert, on both sides of its threshold and its `for:`. The
 * generator evaluates `firing` just before `onset + for` (expecting silence) and at
 * `onset + for` (expecting the alert with `labels` and the annotations rendered with `value`),
 * and `quiet` well after that (expecting silence).
 */
export interface AlertCase {
  readonly alert: string;
  /** Series on the alerting side of the threshold. */
  readonly firing: readonly InputSeries[];
  /** The same series just on the quiet side of the threshold; undefined only for Watchdog. */
  readonly quiet: readonly InputSeries[] | undefined;
  /** Minutes from the start until the expression is first true with `firing`. @default 0 */
  readonly onsetMinutes?: number;
  /** Labels the alert carries besides `alertname`, `severity` and the rule's static labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** The expression's value when the alert fires (`$value` in annotations). */
  readonly value: number;
}

/** A promql_expr_test: what an expression evaluates to at one time. */
export interface ExprCase {
  readonly name: string;
  readonly input: readonly InputSeries[];
  readonly evalMinutes: number;
  readonly expr: string;
  readonly expected: readonly { readonly labels: string; readonly value: number }[];
}

/** An alert together with its runbook (the runbook is written to docs/, not into the rule). */
export interface AlertDefinition {
  readonly rule: AlertingRule;
  readonly runbook: Runbook;
}

/** What a rule group module builds from a stack's config. */
export interface BuiltGroup {
  readonly group: RuleGroup;
  readonly alerts: readonly AlertDefinition[];
  readonly cases: readonly AlertCase[];
  readonly exprCases: readonly ExprCase[];
}

/** The slice of stack config the alert rules are built from. */
export interface AlertRulesConfig {
  readonly environment: Environment;
  /** Services with their SLOs: per-service alerts and burn-rate rules. */
  readonly services: readonly ServiceConfig[];
  readonly namespaces: Pick<NamespacesSpec, "apps" | "monitoring" | "backup">;
  readonly alerting: Pick<AlertingSpec, "thresholds" | "runbookBaseUrl">;
  /** Prometheus retention bounds the SLO budget window. */
  readonly monitoring: Pick<MonitoringSpec, "prometheus">;
  /** Backup schedules decide when a backup is stale; disabled backups drop the group. */
  readonly backup: BackupSpec;
  /** Factor applied to every rule duration for end-to-end tests; 1 in real stacks. */
  readonly timeScale: number;
}

/** A rule group module: a pure function of the rule context. */
export interface RuleGroupModule {
  /** Group name; also the rule file name (`<name>.yaml`) and the PrometheusRule suffix. */
  readonly name: string;
  /** Whether the stack has what the group watches (e.g. backups enabled); @default true */
  enabled?(config: AlertRulesConfig): boolean;
  build(ctx: RuleContext): BuiltGroup;
}

/** What every group builder reads: the stack's config, its thresholds and duration scaling. */
export class RuleContext {
  readonly thresholds: AlertThresholds;

  constructor(readonly config: AlertRulesConfig) {
    this.thresholds = config.alerting.thresholds;
  }

  /** A duration of the rules, multiplied by `timeScale`. */
  dur(duration: string): string {
    return scaleDuration(duration, this.config.timeScale);
  }

  /** A duration threshold by name, multiplied by `timeScale`. */
  durOf(name: ThresholdName): string {
    return this.dur(String(this.thresholds[name]));
  }

  /** Seconds of a duration (or of a number of seconds), multiplied by `timeScale`. */
  secs(duration: string | number): number {
    return scaleSeconds(typeof duration === "number" ? duration : durationSeconds(duration), this.config.timeScale);
  }

  /** A numeric threshold by name. */
  num(name: ThresholdName): number {
    return Number(this.thresholds[name]);
  }

  /** The configured application services. */
  get services(): readonly ServiceConfig[] {
    return this.config.services;
  }

  /** The runbook address of an alert. */
  runbookUrl(alert: string): string {
    return `${this.config.alerting.runbookBaseUrl}/${alert}.md`;
  }

  /** Builds an alert definition with its annotations and runbook. */
  alert(a: {
    readonly name: string;
    readonly expr: string;
    readonly for?: string;
    readonly severity: Severity;
    readonly summary: string;
    readonly description: string;
    readonly runbook: Runbook;
    readonly labels?: Readonly<Record<string, string>>;
  }): AlertDefinition {
    return {
      rule: {
        alert: a.name,
        expr: a.expr,
        ...(a.for !== undefined ? { for: a.for } : {}),
        labels: { severity: a.severity, ...(a.labels ?? {}) },
        annotations: { summary: a.summary, description: a.description, runbook_url: this.runbookUrl(a.name) },
      },
      runbook: a.runbook,
    };
  }
}

/** True for alerting rules. */
export function isAlertingRule(r: AlertingRule | RecordingRule): r is AlertingRule {
  return "alert" in r;
}
