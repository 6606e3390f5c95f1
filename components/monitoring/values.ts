import type { NamespacesSpec } from "../foundation/namespaces-spec";
import type { MonitoringSpec } from "./monitoring-spec";
import type { ClusterPlatform, Environment } from "../../lib/environment";
import { chartImageValues, mergeValues, type ChartImages } from "./chart-images";
import { priorityClassName } from "../foundation/priority";
import { restrictedContainer, restrictedPod } from "../foundation/security";
import {
  ALERTMANAGER_CONFIG_SECRET,
  ALERTMANAGER_RECEIVERS_SECRET,
  MONITORING_RELEASE,
} from "./contract";

/** Every chart workload is in the platform tier (components/foundation/priority.ts). */
const PLATFORM_PRIORITY = priorityClassName("platform");

/** The slice of stack config the chart values are computed from. */
export interface MonitoringValuesConfig {
  readonly environment: Environment;
  readonly clusterPlatform: ClusterPlatform;
  /** apps and backup: the chart's kubernetes-apps alerts skip them (our groups watch them). */
  readonly namespaces: Pick<NamespacesSpec, "apps" | "monitoring" | "backup" | "hostAgents">;
  readonly monitoring: MonitoringSpec;
  /** The chart's images, by role; a role not given runs the chart's default. */
  readonly images: { readonly chart: ChartImages };
}

/** Where the chart comes from; the version is pinned by `config.monitoring.chartVersion`. */
export const CHART_REPOSITORY = "https://prometheus-community.github.io/helm-charts";
/** Name of the chart in {@link CHART_REPOSITORY}. */
export const CHART_NAME = "kube-prometheus-stack";

/**
 * Object names that follow from `fullnameOverride: MONITORING_RELEASE`. The chart names its
 * Services `<fullname>-prometheus` / `<fullname>-alertmanager`; the Grafana subchart names
 * its objects after the release (`<release>-grafana`).
 */
export const STACK_NAMES = {
  prometheusService: `${MONITORING_RELEASE}-prometheus`,
  alertmanagerService: `${MONITORING_RELEASE}-alertmanager`,
  grafanaService: `${MONITORING_RELEASE}-grafana`,
  /** Label value the operator puts on `app.kubernetes.io/name` of Prometheus pods. */
  prometheusPodName: "prometheus",
  /** Label value the operator puts on `app.kubernetes.io/name` of Alertmanager pods. */
  alertmanagerPodName: "alertmanager",
  /** Label value of Grafana pods (`app.kubernetes.io/name`). */
  grafanaPodName: "grafana",
} as const;

/**
 * Labels the Grafana chart selects its pods by (`grafana.selectorLabels`: chart name and
 * release), for the topology spread constraint.
 */
export const GRAFANA_SELECTOR = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": MONITORING_RELEASE } as const;

/** Ports the stack serves on. */
export const STACK_PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  alertmanagerCluster: 9094,
  grafana: 3000,
} as const;

/** Datasource uids provisioned in Grafana; dashboards refer to them. */
export const DATASOURCE_UIDS = { prometheus: "prometheus", alertmanager: "alertmanager" } as const;

/** Label and value the Grafana sidecar watches for dashboard ConfigMaps. */
export const DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;

/**
 * Annotation naming the Grafana folder of a dashboard ConfigMap, and the folder of ours, so
 * that they stand apart from the chart's Kubernetes dashboards.
 */
export const DASHBOARD_FOLDER = { annotation: "grafana_folder", name: "app-platform" } as const;

/**
 * The Role Grafana's service account is bound to (the grafana subchart's `rbac.useExistingRole`,
 * created by the monitoring component): its dashboard and datasource sidecars read ConfigMaps
 * of the monitoring namespace and nothing else. The subchart's own Role or ClusterRole would
 * also grant get/list/watch on Secrets (every Secret of the cluster with its default
 * `rbac.namespaced: false`), a credential store one Grafana compromise away.
 */
export const GRAFANA_SIDECAR_ROLE = `${MONITORING_RELEASE}-grafana-sidecar`;

/** Rules of {@link GRAFANA_SIDECAR_ROLE}: ConfigMaps only, read-only. */
export function grafanaSidecarRules(): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  return [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }];
}

/**
 * kube-state-metrics collectors: the chart's default list (charts/kube-state-metrics/values.yaml
 * `collectors`) without `secrets`, whose collector needs list/watch on every Secret of the
 * cluster (a list returns their data). No alert or dashboard of ours reads kube_secret_*.
 */
export const KUBE_STATE_METRICS_COLLECTORS = [
  "certificatesigningrequests",
  "configmaps",
  "cronjobs",
  "daemonsets",
  "deployments",
  "endpoints",
  "horizontalpodautoscalers",
  "ingresses",
  "jobs",
  "leases",
  "limitranges",
  "mutatingwebhookconfigurations",
  "namespaces",
  "networkpolicies",
  "nodes",
  "persistentvolumeclaims",
  "persistentvolumes",
  "poddisruptionbudgets",
  "pods",
  "replicasets",
  "replicationcontrollers",
  "resourcequotas",
  "services",
  "statefulsets",
  "storageclasses",
  "validatingwebhookconfigurations",
  "volumeattachments",
] as const;

/** Keys of the Grafana admin Secret, as the Grafana chart's `admin.existingSecret` expects them. */
export const GRAFANA_ADMIN_KEYS = { user: "admin-user", password: "admin-password" } as const;

/** A default rule group of the chart, by its key under `defaultRules.rules`. */
export type DefaultRuleGroup =
  | "general"
  | "etcd"
  | "kubeControllerManager"
  | "kubeSchedulerAlerting"
  | "kubeSchedulerRecording"
  | "kubeProxy";

/** A control-plane scrape target of the chart, by its top-level values key. */
export type ControlPlaneTarget = "kubeEtcd" | "kubeControllerManager" | "kubeScheduler" | "kubeProxy";

/** What cannot be monitored on a cluster platform, and why (the reason goes into comments and the report). */
export interface PlatformLimits {
  readonly disabledRuleGroups: readonly DefaultRuleGroup[];
  readonly disabledTargets: readonly ControlPlaneTarget[];
  readonly reason: string;
}

/**
 * Default rule groups and scrape targets that cannot work on a cluster platform. Enabling
 * them anyway gives alerts such as `KubeControllerManagerDown` that fire forever: a managed
 * control plane (EKS, GKE, AKS) does not expose etcd, the scheduler or the controller manager
 * to in-cluster scrapes, and kube-proxy's metrics listen on 127.0.0.1 (EKS, AKS, kind) or
 * kube-proxy is absent (GKE Dataplane V2). kind runs the control plane as pods, but binds
 * their metrics to 127.0.0.1 unless the cluster config is patched. Only a "generic"
 * (self-managed) cluster keeps everything.
 */
export function platformLimits(platform: ClusterPlatform): PlatformLimits {
  const controlPlane: DefaultRuleGroup[] = ["etcd", "kubeControllerManager", "kubeSchedulerAlerting", "kubeSchedulerRecording", "kubeProxy"];
  const targets: ControlPlaneTarget[] = ["kubeEtcd", "kubeControllerManager", "kubeScheduler", "kubeProxy"];
  switch (platform) {
    case "eks":
    case "gke":
    case "aks":
      return { disabledRuleGroups: controlPlane, disabledTargets: targets, reason: `${platform} manages the control plane; its etcd, scheduler and controller manager cannot be scraped, and kube-proxy metrics are absent or bound to localhost` };
    case "kind":
      return { disabledRuleGroups: controlPlane, disabledTargets: targets, reason: "kind binds control-plane and kube-proxy metrics to 127.0.0.1" };
    case "generic":
      return { disabledRuleGroups: [], disabledTargets: [], reason: "self-managed control plane: every target is expected to be scrapeable" };
  }
}

/**
 * Alerts of the chart's default rules that our catalogue replaces, with the alert of ours that
 * covers the same condition over the same scope (cluster-wide). They are disabled by name
 * (`defaultRules.disabled`) so that one condition never pages twice: several are critical on
 * both sides.
 */
export const CHART_ALERTS_REPLACED = {
  PrometheusRuleFailures: "PrometheusRuleEvaluationFailures",
  PrometheusNotConnectedToAlertmanagers: "PrometheusNotConnectedToAlertmanagers",
  AlertmanagerFailedToSendAlerts: "AlertmanagerNotificationsFailing",
  AlertmanagerClusterFailedToSendAlerts: "AlertmanagerNotificationsFailing",
  NodeFilesystemAlmostOutOfSpace: "NodeDiskAlmostFull",
  NodeFilesystemSpaceFillingUp: "NodeDiskFillingUp",
  NodeCPUHighUsage: "NodeHighCPU",
  NodeMemoryHighUtilization: "NodeHighMemory",
  KubeNodeNotReady: "NodeNotReady",
} as const;

/**
 * The namespaces our workloads and backups groups watch (crash loops, readiness, replicas,
 * HPAs, PDBs, failed backup Jobs): the chart's kubernetes-apps alerts (KubePodCrashLooping,
 * KubeJobFailed, ...) are kept for every other namespace and excluded from these
 * (`defaultRules.appNamespacesOperator: "!~"`), so a pod of ours never alerts twice.
 */
export function ownNamespacesPattern(config: MonitoringValuesConfig): string {
  const n = config.namespaces;
  return [n.apps, n.monitoring, n.backup].join("|");
}

/**
 * Requests and memory limit of the chart's own workloads, which the policy pack checks in a
 * real preview (container-resources). One size for every environment: the operator,
 * kube-state-metrics and node-exporter grow with the number of objects and nodes, not with an
 * environment's traffic, and Grafana serves a handful of engineers everywhere.
 */
export const CHART_WORKLOAD_RESOURCES = {
  operator: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
  kubeStateMetrics: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
  nodeExporter: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "128Mi" } },
  grafana: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
  grafanaSidecar: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } },
} as const;

/**
 * The user the chart's images run as: `nobody` for the operator, kube-state-metrics and
 * node-exporter (the charts' own defaults), 472 for Grafana (the uid of its image).
 */
export const CHART_UIDS = { nobody: 65534, grafana: 472 } as const;

/**
 * The container securityContext every chart workload gets, set in full rather than relying on
 * each chart's defaults, which differ between the subcharts and between chart versions.
 */
export const RESTRICTED_CONTAINER = restrictedContainer();

/** Names the values refer to that are created outside the chart. */
export interface ValuesRefs {
  /** Secret with the Grafana admin user and password ({@link GRAFANA_ADMIN_KEYS}). */
  readonly grafanaAdminSecret: string;
}

/** A PodDisruptionBudget value block: on with `replicas - 1` available when there is more than one replica. */
export function disruptionBudget(replicas: number): { enabled: boolean; minAvailable?: number } {
  return replicas > 1 ? { enabled: true, minAvailable: replicas - 1 } : { enabled: false };
}

/**
 * The chart's pod anti-affinity mode for a component: `mode` ("hard": never two replicas on one
 * node, "soft": a preference) with more than one replica, "" (none) with one.
 */
export function antiAffinity(mode: MonitoringSpec["antiAffinity"], replicas: number): "hard" | "soft" | "" {
  return replicas < 2 ? "" : mode;
}

function volumeClaim(storage: { size: string; storageClass?: string }): Record<string, unknown> {
  return {
    volumeClaimTemplate: {
      spec: {
        accessModes: ["ReadWriteOnce"],
        ...(storage.storageClass ? { storageClassName: storage.storageClass } : {}),
        resources: { requests: { storage: storage.size } },
      },
    },
  };
}

/** Remote-write entries of `prometheusSpec.remoteWrite` (Thanos receive, Mimir, Amazon Managed Prometheus). */
export function remoteWriteValues(config: MonitoringValuesConfig): Record<string, unknown>[] {
  return config.monitoring.prometheus.remoteWrite.map((rw) => ({
    name: rw.name,
    url: rw.url,
    ...(rw.sigv4Region ? { sigv4: { region: rw.sigv4Region } } : {}),
    ...(rw.tenant ? { headers: { "X-Scope-OrgID": rw.tenant } } : {}),
    // Bounded queues: a slow remote end must not grow Prometheus' memory without limit.
    queueConfig: { capacity: 10000, maxShards: 50, maxSamplesPerSend: 2000 },
  }));
}

/**
 * External labels, and the replica label when HA replicas remote-write: Mimir's HA tracker and
 * Amazon Managed Prometheus keep one replica's samples per `cluster` by the `__replica__`
 * label (the operator drops it from alerts, so Alertmanager still deduplicates them).
 */
export function remoteWriteDedup(config: MonitoringValuesConfig): { externalLabels: Record<string, string>; replicaExternalLabelName?: string } {
  const env = config.environment;
  const prom = config.monitoring.prometheus;
  if (prom.remoteWrite.length === 0 || prom.replicas < 2) return { externalLabels: { environment: env } };
  return { externalLabels: { environment: env, cluster: env }, replicaExternalLabelName: "__replica__" };
}

/**
 * The role Prometheus' service account assumes through IRSA for SigV4 remote write, if any
 * entry sets one (rules.ts rejects two different roles).
 */
export function remoteWriteRole(config: MonitoringValuesConfig): string | undefined {
  return config.monitoring.prometheus.remoteWrite.find((rw) => rw.sigv4RoleArn)?.sigv4RoleArn;
}

/**
 * Values of the kube-prometheus-stack release for one stack. Pure: config in, plain object out.
 *
 * - HA where it matters: replicas, PodDisruptionBudgets and anti-affinity from config.
 * - Persistent volumes for Prometheus and Alertmanager; `retention` and `retentionSize` both,
 *   so that the volume never fills up before the time limit is reached.
 * - Every PrometheusRule, ServiceMonitor, PodMonitor, Probe and ScrapeConfig of every namespace
 *   is selected, whatever its labels: `*SelectorNilUsesHelmValues: false` with empty selectors
 *   (the chart otherwise selects only objects labelled `release: <release>`).
 * - Default rule groups and scrape targets the cluster platform cannot serve are off.
 * - Alertmanager's config comes from the alerting component's Secret; Grafana's admin password
 *   from a Secret as well, so no credential is ever part of these values.
 */
export function kubePrometheusStackValues(config: MonitoringValuesConfig, refs: ValuesRefs): Record<string, unknown> {
  const env = config.environment;
  const mon = config.monitoring;
  const limits = platformLimits(config.clusterPlatform);
  const promReplicas = mon.prometheus.replicas;
  const amReplicas = mon.alertmanager.replicas;
  const grafanaReplicas = mon.grafana.replicas;
  const role = remoteWriteRole(config);

  const everything = {} as const;
  // The chart's `general` group (Watchdog, TargetDown, InfoInhibitor) is replaced by our own
  // monitoring group, whose Watchdog feeds the heartbeat receiver and whose TargetDown pages in
  // minutes instead of ten: keeping both would send two Watchdogs and two TargetDowns.
  const defaultRules: Record<string, boolean> = { general: false };
  for (const g of limits.disabledRuleGroups) defaultRules[g] = false;

  const values: Record<string, unknown> = {
    fullnameOverride: MONITORING_RELEASE,
    commonLabels: { "app-platform/environment": env },
    crds: { enabled: true },
    defaultRules: {
      create: true,
      rules: defaultRules,
      disabled: Object.fromEntries(Object.keys(CHART_ALERTS_REPLACED).map((a) => [a, true])),
      appNamespacesOperator: "!~",
      appNamespacesTarget: ownNamespacesPattern(config),
    },
    kubeEtcd: { enabled: !limits.disabledTargets.includes("kubeEtcd") },
    kubeControllerManager: { enabled: !limits.disabledTargets.includes("kubeControllerManager") },
    kubeScheduler: { enabled: !limits.disabledTargets.includes("kubeScheduler") },
    kubeProxy: { enabled: !limits.disabledTargets.includes("kubeProxy") },
    kubeStateMetrics: { enabled: true },
    nodeExporter: { enabled: true },
    // Keys from prometheus-community/helm-charts charts/kube-state-metrics/values.yaml
    // (securityContext.enabled is dropped by the template before it becomes the pod's).
    "kube-state-metrics": {
      collectors: [...KUBE_STATE_METRICS_COLLECTORS],
      priorityClassName: PLATFORM_PRIORITY,
      resources: CHART_WORKLOAD_RESOURCES.kubeStateMetrics,
      securityContext: { enabled: true, ...restrictedPod(CHART_UIDS.nobody) },
      containerSecurityContext: RESTRICTED_CONTAINER,
      // It lists and watches every object it reports on: the token is its input (exempted in
      // policy/config/*.json, no-service-account-token).
      automountServiceAccountToken: true,
    },
    // Keys from prometheus-community/helm-charts charts/prometheus-node-exporter/values.yaml.
    // Host network, PID and /proc, /sys, / mounts stay (exempted: it reads the node).
    "prometheus-node-exporter": {
      // Its own namespace, the only privileged one (components/foundation): monitoring enforces
      // the environment's Pod Security level.
      namespaceOverride: config.namespaces.hostAgents,
      priorityClassName: PLATFORM_PRIORITY,
      resources: CHART_WORKLOAD_RESOURCES.nodeExporter,
      securityContext: restrictedPod(CHART_UIDS.nobody),
      containerSecurityContext: RESTRICTED_CONTAINER,
      // It never calls the API; the chart mounts a token only for kube-rbac-proxy, kept off.
      serviceAccount: { automountServiceAccountToken: false },
      kubeRBACProxy: { enabled: false },
    },
    prometheusOperator: {
      // Every chart workload is in the platform tier (components/foundation/priority.ts).
      priorityClassName: PLATFORM_PRIORITY,
      // Keys from charts/kube-prometheus-stack/values.yaml (prometheusOperator.*).
      resources: CHART_WORKLOAD_RESOURCES.operator,
      securityContext: restrictedPod(CHART_UIDS.nobody),
      containerSecurityContext: RESTRICTED_CONTAINER,
      // It reconciles Prometheus, Alertmanager and their StatefulSets, Secrets and ConfigMaps
      // through the API (exempted in policy/config/*.json, no-service-account-token).
      automountServiceAccountToken: true,
      // The webhook's certificate is made by Helm hook Jobs, and helm.v4.Chart does not run
      // hooks: the webhook would reject every PrometheusRule and the operator would wait for
      // a TLS Secret that never comes. Rule syntax is checked before deploy instead
      // (`platform check` runs promtool on every rendered rule file).
      admissionWebhooks: { enabled: false },
      tls: { enabled: false },
    },
    prometheus: {
      podDisruptionBudget: disruptionBudget(promReplicas),
      ...(role ? { serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": role } } } : {}),
      prometheusSpec: {
        replicas: promReplicas,
        priorityClassName: PLATFORM_PRIORITY,
        retention: mon.prometheus.retention,
        retentionSize: mon.prometheus.retentionSize,
        scrapeInterval: mon.scrapeInterval,
        evaluationInterval: mon.evaluationInterval,
        ...remoteWriteDedup(config),
        storageSpec: volumeClaim(mon.prometheus.storage),
        podAntiAffinity: antiAffinity(mon.antiAffinity, promReplicas),
        podAntiAffinityTopologyKey: "kubernetes.io/hostname",
        resources: mon.prometheus.resources,
        ruleSelectorNilUsesHelmValues: false,
        ruleSelector: everything,
        ruleNamespaceSelector: everything,
        serviceMonitorSelectorNilUsesHelmValues: false,
        serviceMonitorSelector: everything,
        serviceMonitorNamespaceSelector: everything,
        podMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelector: everything,
        podMonitorNamespaceSelector: everything,
        probeSelectorNilUsesHelmValues: false,
        probeSelector: everything,
        probeNamespaceSelector: everything,
        scrapeConfigSelectorNilUsesHelmValues: false,
        scrapeConfigSelector: everything,
        scrapeConfigNamespaceSelector: everything,
        remoteWrite: remoteWriteValues(config),
      },
    },
    alertmanager: {
      podDisruptionBudget: disruptionBudget(amReplicas),
      alertmanagerSpec: {
        replicas: amReplicas,
        priorityClassName: PLATFORM_PRIORITY,
        storage: volumeClaim(mon.alertmanager.storage),
        podAntiAffinity: antiAffinity(mon.antiAffinity, amReplicas),
        podAntiAffinityTopologyKey: "kubernetes.io/hostname",
        resources: mon.alertmanager.resources,
        // The alerting component owns the configuration and the receiver credentials.
        useExistingSecret: true,
        configSecret: ALERTMANAGER_CONFIG_SECRET,
        secrets: [ALERTMANAGER_RECEIVERS_SECRET],
      },
    },
    // Keys from grafana/helm-charts charts/grafana/values.yaml (the grafana subchart).
    grafana: {
      replicas: grafanaReplicas,
      priorityClassName: PLATFORM_PRIORITY,
      // Grafana publishes its image only on Docker Hub; pinned here so that the exemption in
      // policy/config/*.json (allowed-registries) names exactly what runs. The tag is the
      // chart's appVersion, fixed by the pinned chart version.
      image: { registry: "docker.io", repository: "grafana/grafana" },
      resources: CHART_WORKLOAD_RESOURCES.grafana,
      securityContext: restrictedPod(CHART_UIDS.grafana),
      containerSecurityContext: RESTRICTED_CONTAINER,
      // With a read-only root filesystem Grafana writes only to volumes: /var/lib/grafana is
      // the chart's "storage" emptyDir; /tmp (temporary files) and /var/log/grafana (its
      // paths.logs, which it may create even when logging to the console) are added.
      extraEmptyDirMounts: [
        { name: "tmp", mountPath: "/tmp" },
        { name: "logs", mountPath: "/var/log/grafana" },
      ],
      // The dashboard and datasource sidecars list ConfigMaps and Secrets through the API; the
      // token is pod-wide (exempted in policy/config/*.json, no-service-account-token).
      automountServiceAccountToken: true,
      // Readiness asks /api/health (which checks the database); liveness only whether the
      // server accepts connections, so that a slow database takes a replica out of rotation
      // instead of restarting it. `httpGet: null` deletes the chart's default handler (Helm
      // drops null keys when it merges values), which would otherwise sit beside tcpSocket.
      readinessProbe: { httpGet: { path: "/api/health", port: STACK_PORTS.grafana } },
      livenessProbe: { httpGet: null, tcpSocket: { port: STACK_PORTS.grafana }, initialDelaySeconds: 60, timeoutSeconds: 30, failureThreshold: 10 },
      ...(grafanaReplicas > 1
        ? {
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: "kubernetes.io/hostname",
                whenUnsatisfiable: antiAffinity(mon.antiAffinity, grafanaReplicas) === "hard" ? "DoNotSchedule" : "ScheduleAnyway",
                labelSelector: { matchLabels: GRAFANA_SELECTOR },
              },
            ],
          }
        : {}),
      // The chart's test Pod is a Helm test hook, which helm.v4.Chart never renders; off so
      // that `helm template` and the Chart agree.
      testFramework: { enabled: false },
      // apiVersion pinned: the subchart picks policy/v1beta1 (removed in Kubernetes 1.25)
      // whenever it is rendered without cluster capabilities, as in a preview without a cluster.
      ...(grafanaReplicas > 1 ? { podDisruptionBudget: { apiVersion: "policy/v1", minAvailable: grafanaReplicas - 1 } } : {}),
      // A Role in the release namespace, and ours (ConfigMaps only): see GRAFANA_SIDECAR_ROLE.
      rbac: { create: true, namespaced: true, useExistingRole: GRAFANA_SIDECAR_ROLE },
      admin: { existingSecret: refs.grafanaAdminSecret, userKey: GRAFANA_ADMIN_KEYS.user, passwordKey: GRAFANA_ADMIN_KEYS.password },
      defaultDashboardsEnabled: true,
      defaultDashboardsTimezone: "utc",
      sidecar: {
        resources: CHART_WORKLOAD_RESOURCES.grafanaSidecar,
        securityContext: RESTRICTED_CONTAINER,
        dashboards: {
          enabled: true,
          // Dashboards come in ConfigMaps only; the sidecar never lists Secrets (its Role has none).
          resource: "configmap",
          label: DASHBOARD_LABEL.key,
          labelValue: DASHBOARD_LABEL.value,
          // Our dashboards ship in the monitoring namespace; watching only it needs no cluster-wide RBAC.
          searchNamespace: config.namespaces.monitoring,
          folderAnnotation: DASHBOARD_FOLDER.annotation,
          provider: { foldersFromFilesStructure: true },
        },
        datasources: {
          enabled: true,
          // The chart's datasources are a ConfigMap; as for dashboards, no Secrets.
          resource: "configmap",
          defaultDatasourceEnabled: true,
          isDefaultDatasource: true,
          name: "Prometheus",
          uid: DATASOURCE_UIDS.prometheus,
          alertmanager: { enabled: true, name: "Alertmanager", uid: DATASOURCE_UIDS.alertmanager, implementation: "prometheus" },
        },
      },
      "grafana.ini": {
        analytics: { check_for_updates: false, reporting_enabled: false },
        users: { allow_sign_up: false },
        auth: { disable_login_form: false },
        ...(mon.grafana.host ? { server: { root_url: `https://${mon.grafana.host}` } } : {}),
      },
      ...(mon.grafana.host
        ? {
            ingress: {
              enabled: true,
              hosts: [mon.grafana.host],
              tls: [{ secretName: "grafana-tls", hosts: [mon.grafana.host] }],
              // Each replica keeps its own login sessions (no shared database is configured),
              // so a browser must stay on the replica it logged in to.
              ...(grafanaReplicas > 1 ? { annotations: { "nginx.ingress.kubernetes.io/affinity": "cookie" } } : {}),
            },
          }
        : {}),
    },
  };
  // The chart's images, pinned by digest where known (components/monitoring/chart-images.ts) or
  // set by the stack's `images`.
  return mergeValues(values, chartImageValues(config.images.chart));
}
