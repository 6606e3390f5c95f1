import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, objectKey, validateResourceOfToken, type PlatformPolicy } from "../lib/policy";
import { PROMETHEUS_RULE, type PrometheusRuleProps } from "../lib/prometheus";

/** Config of {@link alertRuleMetadata}. */
export interface AlertRuleMetadataConfig {
  /**
   * Severities routes know about. "none" is kube-prometheus' severity of Watchdog and
   * InfoInhibitor (the chart's default rules), which must reach no human. @default ["critical", "warning", "info", "none"]
   */
  readonly severities: readonly string[];
}

/**
 * Every alert carries what routing and the person paged need: a severity that a route knows,
 * a one-line summary, and a runbook link.
 */
export function alertRuleMetadata(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<AlertRuleMetadataConfig> = {}): PlatformPolicy {
  return {
    name: "alert-rule-metadata",
    description: "Every alerting rule has a known severity label and summary and runbook_url annotations.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Add labels.severity (critical, warning or info), annotations.summary and annotations.runbook_url (an http(s) URL) to the rule.",
    configSchema: configSchema<AlertRuleMetadataConfig>({ severities: { type: "array", items: { type: "string" } } }, { severities: ["critical", "warning", "info", "none"] }, defaults),
    validateResource: validateResourceOfToken<PrometheusRuleProps>(PROMETHEUS_RULE, (pr, args, report) => {
      const severities = args.getConfig<AlertRuleMetadataConfig>().severities ?? [];
      const where = `PrometheusRule ${objectKey(pr, args.name)}`;
      for (const g of pr.spec?.groups ?? []) {
        for (const r of g.rules ?? []) {
          if (r.alert === undefined) continue;
          const problems: string[] = [];
          const sev = r.labels?.severity;
          if (sev === undefined) problems.push("no severity label (routing cannot decide who to notify)");
          else if (!severities.includes(sev)) problems.push(`severity "${sev}", which no route expects (use ${severities.join(", ")})`);
          if (!r.annotations?.summary) problems.push("no summary annotation (the notification has no headline)");
          const rb = r.annotations?.runbook_url;
          if (!rb) problems.push("no runbook_url annotation (the person paged has no procedure)");
          else if (!/^https?:\/\//.test(rb)) problems.push(`runbook_url "${rb}", which is not an http(s) URL`);
          if (problems.length > 0) {
            report(`${where} group "${g.name}" alert ${r.alert} has ${problems.join("; ")}; fix the rule's labels and annotations.`);
          }
        }
      }
    }),
  };
}
