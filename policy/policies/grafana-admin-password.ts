import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

/** Config of {@link grafanaAdminPassword}. */
export interface GrafanaAdminPasswordConfig {
  /** Charts whose values configure Grafana: the `grafana` key for kube-prometheus-stack, the top level for grafana. @default ["kube-prometheus-stack", "grafana"] */
  readonly charts: readonly string[];
}

const CHART_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart"];
const GENERATORS = ["random:index/randomPassword:RandomPassword", "random:index/randomString:RandomString"];

/**
 * Grafana's admin password is never a literal. It comes from a Secret named by
 * `admin.existingSecret`; when the stack creates that Secret, its value must be generated
 * (a RandomPassword), not written in the program. A password in chart values lands in the
 * rendered manifests and the Pulumi state; a password the chart generates changes on every
 * client-side render.
 */
export function grafanaAdminPassword(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<GrafanaAdminPasswordConfig> = {}): PlatformPolicy {
  return {
    name: "grafana-admin-password",
    description: "Grafana's admin password comes from a generated Secret, never a literal.",
    severity: "critical",
    enforcementLevel,
    remediationSteps: "Generate the password with random.RandomPassword, store it in a Secret and set grafana.admin.existingSecret; remove adminPassword from the values.",
    configSchema: configSchema<GrafanaAdminPasswordConfig>({ charts: { type: "array", items: { type: "string" } } }, { charts: ["kube-prometheus-stack", "grafana"] }, defaults),
    validateStack: (args, report) => {
      const charts = args.getConfig<GrafanaAdminPasswordConfig>().charts ?? [];
      for (const r of args.resources.filter((x) => CHART_TYPES.includes(x.type))) {
        const chart = String(r.props.chart ?? "");
        const match = charts.find((c) => chart === c || chart.endsWith(`/${c}`));
        if (!match) continue;
        const grafana = (match === "grafana" ? r.props.values : r.props.values?.grafana) ?? {};
        if (grafana.enabled === false) continue;
        const where = `chart ${r.name} (${chart})`;
        // `in`, not a read: the value may be secret or unknown, and any value there is a leak.
        if ("adminPassword" in grafana) {
          report(`${where} sets the Grafana adminPassword in its values: the password lands in the rendered manifests and the stack state; remove it and set admin.existingSecret to a Secret with a generated password.`, r.urn);
          continue;
        }
        const secretName = grafana.admin?.existingSecret;
        if (!secretName) {
          report(`${where} sets no Grafana admin.existingSecret: the chart falls back to a password it generates on every render (or a literal); point admin.existingSecret at a Secret holding a generated password.`, r.urn);
          continue;
        }
        const ns = r.props.namespace ?? r.props.values?.namespaceOverride;
        const secret = args.resources.find(
          (s) => s.type === "kubernetes:core/v1:Secret" && s.props.metadata?.name === secretName && (ns === undefined || (s.props.metadata?.namespace ?? "default") === ns),
        );
        if (secret && !secret.dependencies.some((d) => GENERATORS.includes(d.type))) {
          report(`Secret ${secretName}, Grafana's admin secret, is not derived from a generated password: its value is written in the program (and so in source control); fill it from a random.RandomPassword.`, secret.urn);
        }
      }
    },
  };
}
