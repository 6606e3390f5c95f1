import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";

/** Pulumi type of the prometheus-operator's PrometheusRule (a CustomResource). */
export const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
/** Pulumi type of the prometheus-operator's ServiceMonitor. */
export const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";

/** A rule of a PrometheusRule's spec. */
export interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr?: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** The inputs of a PrometheusRule. */
export interface PrometheusRuleProps {
  readonly metadata?: { name?: string; namespace?: string };
  readonly spec?: { groups?: { name: string; rules?: Rule[] }[] };
}

/** A rule with where it lives. */
export interface LocatedRule {
  readonly resource: PolicyResource;
  readonly group: string;
  readonly rule: Rule;
}

/** Every rule of every PrometheusRule in the stack. */
export function stackRules(args: StackValidationArgs): LocatedRule[] {
  const out: LocatedRule[] = [];
  for (const r of args.resources.filter((x) => x.type === PROMETHEUS_RULE)) {
    for (const g of (r.props as PrometheusRuleProps).spec?.groups ?? []) {
      for (const rule of g.rules ?? []) out.push({ resource: r, group: g.name, rule });
    }
  }
  return out;
}
