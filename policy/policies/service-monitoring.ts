import type { EnforcementLevel, PolicyResource } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, objectKey, selects, type PlatformPolicy } from "../lib/policy";
import { SERVICE_MONITOR, stackRules } from "../lib/prometheus";

/** Config of {@link serviceMonitoring}. */
export interface ServiceMonitoringConfig {
  /** Label naming the application a Service belongs to. @default "app.kubernetes.io/name" */
  readonly nameLabel: string;
  /** Label and value that mark the Service users reach (one per application). @default "app-platform/role" */
  readonly roleLabel: string;
  /** @default "active" */
  readonly roleValue: string;
  /** Case-insensitive pattern of SLO recording-rule names. @default "^slo:" */
  readonly sloRecordPattern: string;
}

/** True when a ServiceMonitor scrapes `svc` (selector, namespace and a named port of the Service). */
export function monitors(sm: PolicyResource, svc: PolicyResource): boolean {
  const spec = sm.props.spec ?? {};
  const svcNs = svc.props.metadata?.namespace ?? "default";
  const smNs = sm.props.metadata?.namespace ?? "default";
  const nsSel = spec.namespaceSelector ?? {};
  const nsOk = nsSel.any === true || (nsSel.matchNames ? nsSel.matchNames.includes(svcNs) : svcNs === smNs);
  const ports: string[] = (svc.props.spec?.ports ?? []).map((p: { name?: string }) => p.name).filter(Boolean);
  const portOk = (spec.endpoints ?? []).some((e: { port?: string; targetPort?: unknown }) => e.targetPort !== undefined || (e.port !== undefined && ports.includes(e.port)));
  return nsOk && portOk && selects(spec.selector, svc.props.metadata?.labels);
}

/**
 * Every application service is scraped (a ServiceMonitor selects its Service and a port it
 * exposes) and has SLO recording rules, so that its burn-rate alerts and dashboards have data.
 */
export function serviceMonitoring(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<ServiceMonitoringConfig> = {}): PlatformPolicy {
  return {
    name: "service-monitoring",
    description: "Every application service has a ServiceMonitor and SLO recording rules.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Add a ServiceMonitor selecting the Service's labels and metrics port, and SLO recording rules (slo:...) labelled with the service.",
    configSchema: configSchema<ServiceMonitoringConfig>(
      { nameLabel: { type: "string" }, roleLabel: { type: "string" }, roleValue: { type: "string" }, sloRecordPattern: { type: "string" } },
      { nameLabel: "app.kubernetes.io/name", roleLabel: "app-platform/role", roleValue: "active", sloRecordPattern: "^slo:" },
      defaults,
    ),
    validateStack: (args, report) => {
      const cfg = args.getConfig<ServiceMonitoringConfig>();
      const services = args.resources.filter((r) => r.type === "kubernetes:core/v1:Service" && r.props.metadata?.labels?.[cfg.roleLabel] === cfg.roleValue);
      if (services.length === 0) return args.notApplicable("the stack has no application services");
      const sms = args.resources.filter((r) => r.type === SERVICE_MONITOR);
      const slo = new RegExp(cfg.sloRecordPattern, "i");
      const sloRules = stackRules(args).filter((r) => r.rule.record !== undefined && slo.test(r.rule.record));
      for (const svc of services) {
        const app = svc.props.metadata?.labels?.[cfg.nameLabel] ?? svc.name;
        const key = objectKey(svc.props, svc.name);
        if (!sms.some((sm) => monitors(sm, svc))) {
          report(`Service ${key} (service "${app}") is not selected by any ServiceMonitor on one of its named ports: its metrics are never scraped, so its alerts cannot fire; add a ServiceMonitor selecting its labels and metrics port.`, svc.urn);
        }
        const forApp = sloRules.filter((r) => r.rule.labels?.service === app || (r.rule.expr ?? "").includes(`service="${app}"`));
        if (forApp.length === 0) {
          report(`service "${app}" has no SLO recording rules (records matching /${cfg.sloRecordPattern}/ for service="${app}"): its error budget cannot be tracked or alerted on; add SLO rules for it.`, svc.urn);
        }
      }
    },
  };
}
