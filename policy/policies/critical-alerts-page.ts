import { createHash } from "node:crypto";
import type { EnforcementLevel, PolicyResource } from "@pulumi/policy";
import { parse } from "yaml";
import { routeAlert, type AlertmanagerConfig } from "../lib/alertmanager";
import { configSchema, DEFAULT_ENFORCEMENT, known, objectKey, type PlatformPolicy } from "../lib/policy";
import { stackRules } from "../lib/prometheus";

/** Config of {@link criticalAlertsPage}. */
export interface CriticalAlertsPageConfig {
  /** Name of the Secret holding Alertmanager's configuration. @default "alertmanager-platform-config" */
  readonly configSecret: string;
  /** Key of the configuration inside that Secret. @default "alertmanager.yaml" */
  readonly configKey: string;
  /** Receiver integrations that count as paging a human. @default ["pagerduty_configs", "opsgenie_configs"] */
  readonly pagerIntegrations: readonly string[];
  /** Value of the `severity` label that must page. @default "critical" */
  readonly criticalSeverity: string;
  /** Annotation of the Secret holding the SHA-256 (hex) of the configuration. @default "app-platform/config-sha256" */
  readonly hashAnnotation: string;
}

/** The configuration text of an Alertmanager config Secret (stringData, or base64 data). */
export function alertmanagerConfigText(secret: PolicyResource, key: string): string | undefined {
  const text = secret.props.stringData?.[key];
  if (text !== undefined) return text;
  const b64 = secret.props.data?.[key];
  return b64 === undefined ? undefined : Buffer.from(b64, "base64").toString("utf8");
}

/**
 * The configuration text when the Secret's data cannot be read: the Kubernetes SDK makes every
 * Secret's data a Pulumi secret, so a render shows "[secret]" (the CLI would pass the
 * plaintext). The component that owns the Secret publishes the same file as its own input, and
 * the Secret's hash annotation (a plain value) vouches that it is the Secret's content.
 */
export function vouchedParentText(secret: PolicyResource, key: string, hashAnnotation: string): string | undefined {
  const text = known(() => secret.parent?.props?.[key] as string | undefined);
  const hash = known(() => secret.props.metadata?.annotations?.[hashAnnotation] as string | undefined);
  if (typeof text !== "string" || hash === undefined) return undefined;
  return createHash("sha256").update(text).digest("hex") === hash ? text : undefined;
}

/**
 * Every critical alert reaches a receiver that pages a human. The policy reads the Alertmanager
 * configuration from its Secret (the alerting component keeps credentials in a second Secret as
 * files, so this one holds no secret) and routes each critical rule's static labels through it.
 */
export function criticalAlertsPage(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<CriticalAlertsPageConfig> = {}): PlatformPolicy {
  return {
    name: "critical-alerts-page",
    description: "Every critical alert routes to a receiver that pages (PagerDuty, Opsgenie, ...).",
    severity: "critical",
    enforcementLevel,
    remediationSteps: "Add a route matching severity=\"critical\" to a receiver with pagerduty_configs (or another paging integration).",
    configSchema: configSchema<CriticalAlertsPageConfig>(
      {
        configSecret: { type: "string" },
        configKey: { type: "string" },
        pagerIntegrations: { type: "array", items: { type: "string" } },
        criticalSeverity: { type: "string" },
        hashAnnotation: { type: "string" },
      },
      {
        configSecret: "alertmanager-platform-config",
        configKey: "alertmanager.yaml",
        pagerIntegrations: ["pagerduty_configs", "opsgenie_configs"],
        criticalSeverity: "critical",
        hashAnnotation: "app-platform/config-sha256",
      },
      defaults,
    ),
    validateStack: (args, report) => {
      const cfg = args.getConfig<CriticalAlertsPageConfig>();
      const critical = stackRules(args).filter((r) => r.rule.alert !== undefined && r.rule.labels?.severity === cfg.criticalSeverity);
      if (critical.length === 0) return args.notApplicable("the stack has no critical alerts");
      const secret = args.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.props.metadata?.name === cfg.configSecret);
      if (!secret) {
        report(`the stack has ${critical.length} critical alerts but no Alertmanager configuration Secret "${cfg.configSecret}": nobody would be paged; create it with a route for severity="${cfg.criticalSeverity}" to a paging receiver.`);
        return;
      }
      // Read directly when possible; otherwise the vouched copy; otherwise read again and let
      // the unknown propagate, so that the policy reports it could not run rather than pass.
      const text = known(() => alertmanagerConfigText(secret, cfg.configKey)) ?? vouchedParentText(secret, cfg.configKey, cfg.hashAnnotation) ?? alertmanagerConfigText(secret, cfg.configKey);
      if (text === undefined) {
        report(`Secret ${objectKey(secret.props, secret.name)} has no key "${cfg.configKey}": Alertmanager would start without routes; put the configuration under that key.`, secret.urn);
        return;
      }
      const am = parse(text) as AlertmanagerConfig;
      if (!am?.route) {
        report(`the Alertmanager configuration in Secret ${objectKey(secret.props, secret.name)} has no route: no alert is delivered; add a route tree.`, secret.urn);
        return;
      }
      const pagers = new Set(
        (am.receivers ?? []).filter((rc) => cfg.pagerIntegrations.some((i) => Array.isArray(rc[i]) && (rc[i] as unknown[]).length > 0)).map((rc) => rc.name),
      );
      for (const c of critical) {
        const labels = { ...c.rule.labels, alertname: c.rule.alert! };
        const receivers = routeAlert(am.route, labels);
        if (!receivers.some((r) => pagers.has(r))) {
          report(
            `critical alert ${c.rule.alert} (PrometheusRule ${objectKey(c.resource.props, c.resource.name)}, group "${c.group}") routes to ${receivers.length ? receivers.map((r) => `"${r}"`).join(", ") : "no receiver"}, which does not page (paging integrations: ${cfg.pagerIntegrations.join(", ")}): an outage would wait for someone to read a channel; route severity="${cfg.criticalSeverity}" to a paging receiver.`,
            c.resource.urn,
          );
        }
      }
    },
  };
}
