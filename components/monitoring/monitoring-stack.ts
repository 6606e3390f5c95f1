import type { MonitoringValuesConfig } from "./values";
import type { MonitoringNetworkConfig } from "./network-policies";
import type { ServiceMonitorsConfig } from "./monitors";
import type { DashboardsConfig } from "./dashboards/inputs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../foundation/labels";
import { GeneratedSecret, type SecretsManagerTarget } from "../secrets/generated-secret";
import { MONITORING_RELEASE } from "./contract";
import { buildDashboards, dashboardJson } from "./dashboards";
import { appServiceMonitors, type MonitoringObject } from "./monitors";
import { monitoringNetworkPolicies } from "./network-policies";
import { CHART_NAME, CHART_REPOSITORY, DASHBOARD_FOLDER, DASHBOARD_LABEL, GRAFANA_ADMIN_KEYS, GRAFANA_SIDECAR_ROLE, grafanaSidecarRules, kubePrometheusStackValues } from "./values";

/** What {@link MonitoringStack} reads of the stack config. */
export type MonitoringStackConfig = MonitoringValuesConfig & MonitoringNetworkConfig & ServiceMonitorsConfig & DashboardsConfig;

/** Arguments of {@link MonitoringStack}. */
export interface MonitoringStackArgs {
  /** The slices of stack config the chart values, NetworkPolicies, ServiceMonitors and dashboards are built from. */
  readonly config: MonitoringStackConfig;
  /**
   * Namespace the stack runs in; pass the foundation's Namespace output so that everything
   * waits for it. @default config.namespaces.monitoring
   */
  readonly namespace?: pulumi.Input<string>;
  /** Length of the generated Grafana admin password (at least 16). @default 32 */
  readonly grafanaPasswordLength?: number;
  /** Ship the platform's dashboards as sidecar ConfigMaps. @default true */
  readonly dashboards?: boolean;
  /** Name of the Secret holding the Grafana admin credentials. @default "grafana-admin" */
  readonly grafanaAdminSecretName?: string;
  /** Rotation keeper of the Grafana admin password: change it to regenerate. @default "initial" */
  readonly grafanaPasswordRotation?: string;
  /**
   * Also store the Grafana admin credentials in AWS Secrets Manager (AWS stacks), for consumers
   * outside the cluster. @default undefined (Kubernetes Secret only)
   */
  readonly grafanaSecretsManager?: SecretsManagerTarget;
}

/** Creates a prometheus-operator custom resource from its plain-data description. */
export function monitoringResource(
  name: string,
  obj: MonitoringObject,
  namespace: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    name,
    { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { ...obj.metadata, namespace }, spec: obj.spec },
    opts,
  );
}

/**
 * kube-prometheus-stack (Prometheus, Alertmanager, Grafana, the operator, node-exporter and
 * kube-state-metrics) at a pinned chart version, with the platform's dashboards, the
 * ServiceMonitors of the app services and the NetworkPolicies the stack needs.
 *
 * Deployed with `helm.v4.Chart`, not `helm.v3.Release`: the Chart renders the templates and
 * manages every object as its own Pulumi resource, so a preview shows a per-object,
 * per-property diff (a Release shows one opaque values diff); CRDs from the chart's crds/
 * directories are applied as ordinary resources with server-side apply, so a chart upgrade
 * upgrades them too (Helm never upgrades CRDs, and the largest ones exceed the client-side
 * apply annotation limit); and other resources can `dependsOn` the Chart, which waits for all
 * of its children, CRDs included. Under the mock runtime both register only their inputs,
 * so the values below are what tests and `platform render` see. The price is that Helm hooks
 * do not run, which is why the operator's admission webhook is off (see values.ts).
 */
export class MonitoringStack extends pulumi.ComponentResource {
  /** The chart; `dependsOn` it before creating any monitoring.coreos.com resource. */
  readonly chart: k8s.helm.v4.Chart;
  /** Name of the Secret with the Grafana admin credentials. */
  readonly grafanaAdminSecretName: string;
  /** Name of the Helm release (and the chart's fullnameOverride). */
  readonly releaseName: string;
  /** Slugs of the dashboards shipped. */
  readonly dashboardSlugs: string[];

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:monitoring:MonitoringStack", name, {}, opts);
    const config = args.config;
    const passwordLength = args.grafanaPasswordLength ?? 32;
    if (!Number.isInteger(passwordLength) || passwordLength < 16) {
      throw new pulumi.ResourceError(`grafanaPasswordLength (${passwordLength}) must be an integer >= 16: shorter admin passwords can be guessed`, this);
    }
    const namespace = args.namespace ?? config.namespaces.monitoring;
    const labels = standardLabels({ environment: config.environment, component: "monitoring" });
    this.grafanaAdminSecretName = args.grafanaAdminSecretName ?? "grafana-admin";
    this.releaseName = MONITORING_RELEASE;

    // Letters and digits only (32 of them carry ~190 bits): symbols break shell quoting in
    // `grafana cli admin reset-admin-password` and URL-encoded basic auth.
    const admin = new GeneratedSecret(
      `${name}-grafana`,
      {
        environment: config.environment,
        component: "monitoring",
        description: `Grafana admin user of app-platform (${config.environment})`,
        rotation: args.grafanaPasswordRotation ?? "initial",
        length: passwordLength,
        secretName: this.grafanaAdminSecretName,
        namespaces: [namespace],
        passwordKey: GRAFANA_ADMIN_KEYS.password,
        staticData: { [GRAFANA_ADMIN_KEYS.user]: "admin" },
        secretsManager: args.grafanaSecretsManager,
      },
      { parent: this },
    );

    const policies = monitoringNetworkPolicies(config).map(
      (p) =>
        new k8s.networking.v1.NetworkPolicy(
          `${name}-netpol-${p.name}`,
          { metadata: { name: p.name, namespace, labels }, spec: p.spec },
          { parent: this },
        ),
    );

    // Grafana's sidecars read ConfigMaps of this namespace, nothing else (values.ts binds the
    // grafana subchart's service account to this Role instead of its own).
    const grafanaRole = new k8s.rbac.v1.Role(
      `${name}-grafana-sidecar-role`,
      { metadata: { name: GRAFANA_SIDECAR_ROLE, namespace, labels }, rules: grafanaSidecarRules() },
      { parent: this },
    );

    this.chart = new k8s.helm.v4.Chart(
      `${name}-chart`,
      {
        name: this.releaseName,
        chart: CHART_NAME,
        version: config.monitoring.chartVersion,
        repositoryOpts: { repo: CHART_REPOSITORY },
        namespace,
        values: kubePrometheusStackValues(config, { grafanaAdminSecret: this.grafanaAdminSecretName }),
      },
      // Policies first: under default-deny, pods started before them could not reach the API server.
      { parent: this, dependsOn: [admin, grafanaRole, ...policies] },
    );

    appServiceMonitors(config, labels).forEach((m) =>
      monitoringResource(`${name}-${m.metadata.name}`, m, namespace, { parent: this, dependsOn: [this.chart] }),
    );

    const dashboards = (args.dashboards ?? true) ? buildDashboards(config) : [];
    this.dashboardSlugs = dashboards.map((d) => d.slug);
    for (const d of dashboards) {
      new k8s.core.v1.ConfigMap(
        `${name}-dashboard-${d.slug}`,
        {
          metadata: {
            name: `dashboard-${d.slug}`,
            namespace,
            labels: { ...labels, [DASHBOARD_LABEL.key]: DASHBOARD_LABEL.value },
            annotations: { [DASHBOARD_FOLDER.annotation]: DASHBOARD_FOLDER.name },
          },
          data: { [`${d.slug}.json`]: dashboardJson(d) },
        },
        { parent: this },
      );
    }

    this.registerOutputs({ releaseName: this.releaseName, grafanaAdminSecretName: this.grafanaAdminSecretName, dashboards: this.dashboardSlugs });
  }
}
