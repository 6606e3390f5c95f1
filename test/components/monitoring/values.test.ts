import { describe, expect, it } from "vitest";
import { bytes } from "../../../lib/quantities";
import { DEFAULT_CHART_VERSION } from "../../../stacks/resolve";
import { ALERTMANAGER_CONFIG_SECRET, ALERTMANAGER_RECEIVERS_SECRET, MONITORING_RELEASE } from "../../../components/monitoring/contract";
import {
  CHART_UIDS,
  CHART_WORKLOAD_RESOURCES,
  GRAFANA_SELECTOR,
  KUBE_STATE_METRICS_COLLECTORS,
  RESTRICTED_CONTAINER,
  antiAffinity,
  disruptionBudget,
  kubePrometheusStackValues,
  platformLimits,
} from "../../../components/monitoring/values";
import { edited, load } from "../../stacks/fixtures";
import { stackConfig, walk } from "./fixtures";

const refs = { grafanaAdminSecret: "grafana-admin" };
/**
 * A resolved config with more Grafana replicas than config rules allow today (no shared
 * database): the values builder is pure and still shapes HA for when one is configured.
 */
const withGrafanaReplicas = (c: ReturnType<typeof stackConfig>, replicas: number) => ({ ...c, monitoring: { ...c.monitoring, grafana: { ...c.monitoring.grafana, replicas } } }) as ReturnType<typeof stackConfig>;
const valuesOf = (stack: "dev" | "staging" | "production") => kubePrometheusStackValues(stackConfig(stack), refs) as any;

describe("kube-prometheus-stack values per stack", () => {
  const expected = {
    dev: { prom: 1, am: 1, grafana: 1, promPdb: { enabled: false }, amPdb: { enabled: false }, promAff: "", amAff: "", promSize: "5Gi", amSize: "1Gi", retention: "2d", retentionSize: "4GB", scrape: "30s" },
    staging: { prom: 1, am: 2, grafana: 1, promPdb: { enabled: false }, amPdb: { enabled: true, minAvailable: 1 }, promAff: "", amAff: "soft", promSize: "50Gi", amSize: "2Gi", retention: "7d", retentionSize: "40GB", scrape: "30s" },
    production: { prom: 2, am: 3, grafana: 1, promPdb: { enabled: true, minAvailable: 1 }, amPdb: { enabled: true, minAvailable: 2 }, promAff: "hard", amAff: "hard", promSize: "100Gi", amSize: "5Gi", retention: "15d", retentionSize: "80GB", scrape: "15s" },
  } as const;

  for (const [stack, e] of Object.entries(expected) as [keyof typeof expected, (typeof expected)[keyof typeof expected]][]) {
    it(`${stack}: replicas, PDBs, anti-affinity, storage, retention`, () => {
      const v = valuesOf(stack);
      const ps = v.prometheus.prometheusSpec;
      const as = v.alertmanager.alertmanagerSpec;
      expect(ps.replicas).toBe(e.prom);
      expect(as.replicas).toBe(e.am);
      expect(v.grafana.replicas).toBe(e.grafana);
      expect(v.prometheus.podDisruptionBudget).toEqual(e.promPdb);
      expect(v.alertmanager.podDisruptionBudget).toEqual(e.amPdb);
      expect(ps.podAntiAffinity).toBe(e.promAff);
      expect(as.podAntiAffinity).toBe(e.amAff);
      expect(ps.podAntiAffinityTopologyKey).toBe("kubernetes.io/hostname");
      // The EKS stacks name their StorageClass (EKS has none by default); kind has one.
      const cls = stack === "dev" ? {} : { storageClassName: "gp3" };
      expect(ps.storageSpec).toEqual({ volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], ...cls, resources: { requests: { storage: e.promSize } } } } });
      expect(as.storage).toEqual({ volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], ...cls, resources: { requests: { storage: e.amSize } } } } });
      expect(ps.retention).toBe(e.retention);
      expect(ps.retentionSize).toBe(e.retentionSize);
      expect(ps.scrapeInterval).toBe(e.scrape);
      expect(ps.evaluationInterval).toBe(e.scrape);
      expect(ps.externalLabels).toEqual({ environment: stack });
      // The containers get the stack's sizing, a memory limit at or above the request.
      expect(ps.resources).toEqual(stackConfig(stack).monitoring.prometheus.resources);
      expect(as.resources).toEqual(stackConfig(stack).monitoring.alertmanager.resources);
      expect(bytes(ps.resources.limits.memory)).toBeGreaterThanOrEqual(bytes(ps.resources.requests.memory));
      expect(bytes(as.resources.limits.memory)).toBeGreaterThanOrEqual(bytes(as.resources.requests.memory));
    });
  }

  it("Grafana has a policy/v1 PDB with two replicas, none with one", () => {
    expect((kubePrometheusStackValues(withGrafanaReplicas(stackConfig("production"), 2), refs) as any).grafana.podDisruptionBudget).toEqual({ apiVersion: "policy/v1", minAvailable: 1 });
    expect(valuesOf("production").grafana.podDisruptionBudget).toBeUndefined();
    expect(valuesOf("dev").grafana.podDisruptionBudget).toBeUndefined();
  });

  it("names the release so that Service names are stable", () => {
    expect(valuesOf("dev").fullnameOverride).toBe(MONITORING_RELEASE);
  });

  it("installs the CRDs with the chart and labels everything with the environment", () => {
    const v = valuesOf("staging");
    expect(v.crds).toEqual({ enabled: true });
    expect(v.commonLabels).toEqual({ "app-platform/environment": "staging" });
  });

  it("Grafana: no update checks or telemetry, no self sign-up, UTC dashboards, the chart's own dashboards kept", () => {
    const g = valuesOf("production").grafana;
    expect(g["grafana.ini"]).toEqual({
      analytics: { check_for_updates: false, reporting_enabled: false },
      users: { allow_sign_up: false },
      auth: { disable_login_form: false },
    });
    expect(g.defaultDashboardsEnabled).toBe(true);
    expect(g.defaultDashboardsTimezone).toBe("utc");
  });

  it("passes a storage class through when one is set", () => {
    const c = load(edited("dev", (v) => (v.monitoring = { prometheus: { storage: { size: "8Gi", storageClass: "gp3" } }, alertmanager: { storage: { size: "1Gi", storageClass: "gp3" } } })));
    const v = kubePrometheusStackValues(c, refs) as any;
    expect(v.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe("gp3");
    expect(v.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("8Gi");
    expect(v.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName).toBe("gp3");
  });

  it("takes replicas, retention and intervals from stack config over the defaults", () => {
    const c = load(edited("dev", (v) => (v.monitoring = { scrapeInterval: "10s", evaluationInterval: "20s", prometheus: { replicas: 3, retention: "30d", retentionSize: "3GB" }, alertmanager: { replicas: 2 } })));
    const v = kubePrometheusStackValues(c, refs) as any;
    expect(v.prometheus.prometheusSpec).toMatchObject({ replicas: 3, retention: "30d", retentionSize: "3GB", scrapeInterval: "10s", evaluationInterval: "20s", podAntiAffinity: "soft" });
    expect(v.prometheus.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 2 });
    expect(v.alertmanager.alertmanagerSpec.replicas).toBe(2);
  });
});

describe("selectors pick up every rule and monitor whatever its labels", () => {
  for (const stack of ["dev", "staging", "production"] as const) {
    it(stack, () => {
      const ps = valuesOf(stack).prometheus.prometheusSpec;
      for (const kind of ["rule", "serviceMonitor", "podMonitor", "probe", "scrapeConfig"]) {
        expect(ps[`${kind}SelectorNilUsesHelmValues`], kind).toBe(false);
        expect(ps[`${kind}Selector`], kind).toEqual({});
        expect(ps[`${kind}NamespaceSelector`], kind).toEqual({});
      }
    });
  }
});

describe("default rule groups and targets the platform cannot serve are off", () => {
  const controlPlaneGroups = ["etcd", "kubeControllerManager", "kubeSchedulerAlerting", "kubeSchedulerRecording", "kubeProxy"];
  const targets = ["kubeEtcd", "kubeControllerManager", "kubeScheduler", "kubeProxy"];
  for (const platform of ["eks", "gke", "aks", "kind"] as const) {
    it(`${platform}: control plane and kube-proxy off`, () => {
      const c = load(
        edited("dev", (v) => {
          v.clusterPlatform = platform;
          // EKS has no default StorageClass: the volumes must name one.
          if (platform === "eks") v.monitoring = { prometheus: { storage: { size: "5Gi", storageClass: "gp3" } }, alertmanager: { storage: { size: "1Gi", storageClass: "gp3" } } };
        }),
      );
      const v = kubePrometheusStackValues(c, refs) as any;
      expect(v.defaultRules.create).toBe(true);
      expect(v.defaultRules.rules).toEqual({ general: false, ...Object.fromEntries(controlPlaneGroups.map((g) => [g, false])) });
      for (const t of targets) expect(v[t], t).toEqual({ enabled: false });
      expect(platformLimits(platform).reason).not.toBe("");
    });
  }
  it("generic: everything on but the chart's general group, which ours replaces", () => {
    const c = load(edited("dev", (v) => (v.clusterPlatform = "generic")));
    const v = kubePrometheusStackValues(c, refs) as any;
    expect(v.defaultRules.rules).toEqual({ general: false });
    for (const t of targets) expect(v[t], t).toEqual({ enabled: true });
  });
  it("the real stacks: staging and production are EKS, dev is kind", () => {
    expect(valuesOf("production").kubeEtcd.enabled).toBe(false);
    expect(valuesOf("staging").defaultRules.rules.kubeControllerManager).toBe(false);
    expect(valuesOf("dev").kubeProxy.enabled).toBe(false);
  });
  it("node-exporter and kube-state-metrics come from the chart", () => {
    const v = valuesOf("production");
    expect(v.nodeExporter).toEqual({ enabled: true });
    expect(v.kubeStateMetrics).toEqual({ enabled: true });
  });
});

describe("remote write", () => {
  it("is off unless configured", () => {
    expect(valuesOf("production").prometheus.prometheusSpec.remoteWrite).toEqual([]);
    expect(valuesOf("production").prometheus.serviceAccount).toBeUndefined();
  });
  it("Thanos receive, Mimir with a tenant and Amazon Managed Prometheus with SigV4 and IRSA", () => {
    const role = "arn:aws:iam::111122223333:role/amp-writer";
    const c = load(
      edited("production", (v) => {
        v.monitoring = {
          ...v.monitoring,
          prometheus: {
            ...v.monitoring.prometheus,
            remoteWrite: [
              { name: "thanos", url: "https://thanos-receive.example.com/api/v1/receive" },
              { name: "mimir", url: "https://mimir.example.com/api/v1/push", tenant: "team-a" },
              { name: "amp", url: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write", sigv4Region: "eu-west-1", sigv4RoleArn: role },
            ],
          },
        };
      }),
    );
    const v = kubePrometheusStackValues(c, refs) as any;
    const queue = { capacity: 10000, maxShards: 50, maxSamplesPerSend: 2000 };
    expect(v.prometheus.prometheusSpec.remoteWrite).toEqual([
      { name: "thanos", url: "https://thanos-receive.example.com/api/v1/receive", queueConfig: queue },
      { name: "mimir", url: "https://mimir.example.com/api/v1/push", headers: { "X-Scope-OrgID": "team-a" }, queueConfig: queue },
      { name: "amp", url: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write", sigv4: { region: "eu-west-1" }, queueConfig: queue },
    ]);
    expect(v.prometheus.serviceAccount).toEqual({ annotations: { "eks.amazonaws.com/role-arn": role } });
    // Two replicas write the same series: the receiver keeps one by cluster and __replica__.
    expect(v.prometheus.prometheusSpec.externalLabels).toEqual({ environment: "production", cluster: "production" });
    expect(v.prometheus.prometheusSpec.replicaExternalLabelName).toBe("__replica__");
  });
  it("a single replica writing remotely needs no replica label", () => {
    const c = load(edited("dev", (v) => (v.monitoring = { prometheus: { remoteWrite: [{ name: "thanos", url: "https://thanos.example.com/api/v1/receive" }] } })));
    const ps = (kubePrometheusStackValues(c, refs) as any).prometheus.prometheusSpec;
    expect(ps.externalLabels).toEqual({ environment: "dev" });
    expect(ps.replicaExternalLabelName).toBeUndefined();
  });
});

describe("credentials never go into values", () => {
  it("Alertmanager reads the alerting component's Secrets", () => {
    const as = valuesOf("production").alertmanager.alertmanagerSpec;
    expect(as.useExistingSecret).toBe(true);
    expect(as.configSecret).toBe(ALERTMANAGER_CONFIG_SECRET);
    expect(as.secrets).toEqual([ALERTMANAGER_RECEIVERS_SECRET]);
  });
  it("Grafana's admin comes from an existing Secret; no password key anywhere", () => {
    const v = valuesOf("production");
    expect(v.grafana.admin).toEqual({ existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
    for (const n of walk(v)) {
      const key = n.path[n.path.length - 1] ?? "";
      expect(/password$/i.test(key) && key !== "passwordKey", n.path.join(".")).toBe(false);
    }
  });
  it("datasources: Prometheus (default) and Alertmanager provisioned with fixed uids", () => {
    const ds = valuesOf("dev").grafana.sidecar.datasources;
    expect(ds).toMatchObject({ enabled: true, defaultDatasourceEnabled: true, isDefaultDatasource: true, uid: "prometheus" });
    expect(ds.alertmanager).toMatchObject({ enabled: true, uid: "alertmanager" });
  });
  it("the dashboard sidecar watches grafana_dashboard=1 in the monitoring namespace", () => {
    expect(valuesOf("dev").grafana.sidecar.dashboards).toEqual({
      enabled: true,
      resource: "configmap",
      label: "grafana_dashboard",
      labelValue: "1",
      searchNamespace: "monitoring",
      folderAnnotation: "grafana_folder",
      provider: { foldersFromFilesStructure: true },
    });
  });
  it("the admission webhook (made by hooks helm.v4.Chart does not run) is off, with its TLS", () => {
    expect(valuesOf("dev").prometheusOperator).toMatchObject({ admissionWebhooks: { enabled: false }, tls: { enabled: false } });
  });
  it("Grafana's ingress only with a host", () => {
    expect(valuesOf("dev").grafana.ingress).toBeUndefined();
    const c = load(edited("dev", (v) => (v.monitoring = { grafana: { host: "grafana.example.com" } })));
    const v = kubePrometheusStackValues(c, refs) as any;
    expect(v.grafana.ingress).toEqual({ enabled: true, hosts: ["grafana.example.com"], tls: [{ secretName: "grafana-tls", hosts: ["grafana.example.com"] }] });
    expect(v.grafana["grafana.ini"].server).toEqual({ root_url: "https://grafana.example.com" });
  });
  it("two Grafana replicas behind the ingress keep a browser on one replica", () => {
    const c = load(edited("production", (v) => (v.monitoring = { ...v.monitoring, grafana: { host: "grafana.example.com" } })));
    const v = kubePrometheusStackValues(withGrafanaReplicas(c, 2), refs) as any;
    expect(v.grafana.replicas).toBe(2);
    expect(v.grafana.ingress.annotations).toEqual({ "nginx.ingress.kubernetes.io/affinity": "cookie" });
  });
});

describe("helpers", () => {
  it("disruptionBudget keeps all but one replica", () => {
    expect(disruptionBudget(1)).toEqual({ enabled: false });
    expect(disruptionBudget(2)).toEqual({ enabled: true, minAvailable: 1 });
    expect(disruptionBudget(5)).toEqual({ enabled: true, minAvailable: 4 });
  });
  it("antiAffinity: none for one replica, else the stack's mode", () => {
    expect(antiAffinity("hard", 1)).toBe("");
    expect(antiAffinity("hard", 2)).toBe("hard");
    expect(antiAffinity("soft", 2)).toBe("soft");
    expect(antiAffinity("soft", 3)).toBe("soft");
  });
  it("chart version: pinned default, stack override", () => {
    expect(DEFAULT_CHART_VERSION).toBe("79.7.1");
    expect(stackConfig("production").monitoring.chartVersion).toBe("79.7.1");
    expect(load(edited("dev", (v) => (v.monitoring = { chartVersion: "80.0.0" }))).monitoring.chartVersion).toBe("80.0.0");
  });
});

describe("the chart's own workloads meet the pack (a real preview checks them)", () => {
  const restricted = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };
  const podOf = (uid: number) => ({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } });

  it("pins the secure defaults and the users the images run as", () => {
    expect(RESTRICTED_CONTAINER).toEqual(restricted);
    expect(CHART_UIDS).toEqual({ nobody: 65534, grafana: 472 });
  });

  it.each(["dev", "staging", "production"] as const)("%s: every chart workload and sidecar has requests, a memory limit and the restricted contexts", (stack) => {
    const v = valuesOf(stack);
    expect(v.prometheusOperator).toMatchObject({ resources: CHART_WORKLOAD_RESOURCES.operator, securityContext: podOf(65534), containerSecurityContext: restricted, automountServiceAccountToken: true });
    expect(v["kube-state-metrics"]).toEqual({
      collectors: [...KUBE_STATE_METRICS_COLLECTORS],
      priorityClassName: "app-platform-critical",
      resources: CHART_WORKLOAD_RESOURCES.kubeStateMetrics,
      securityContext: { enabled: true, ...podOf(65534) },
      containerSecurityContext: restricted,
      automountServiceAccountToken: true,
      // The digest pinned for chart 79.7.1 (components/monitoring/chart-images.ts names its sources).
      image: { registry: "registry.k8s.io", repository: "kube-state-metrics/kube-state-metrics", tag: "v2.17.0", sha: "sha256:2bbc915567334b13632bf62c0a97084aff72a36e13c4dabd5f2f11c898c5bacd" },
    });
    expect(v["prometheus-node-exporter"]).toEqual({
      // node-exporter runs in the host-agents namespace, the only privileged one.
      namespaceOverride: "host-agents",
      priorityClassName: "app-platform-critical",
      resources: CHART_WORKLOAD_RESOURCES.nodeExporter,
      securityContext: podOf(65534),
      containerSecurityContext: restricted,
      serviceAccount: { automountServiceAccountToken: false },
      kubeRBACProxy: { enabled: false },
      image: { registry: "quay.io", repository: "prometheus/node-exporter", tag: "v1.10.2", digest: "sha256:337ff1d356b68d39cef853e8c6345de11ce7556bb34cda8bd205bcf2ed30b565" },
    });
    expect(v.grafana).toMatchObject({ resources: CHART_WORKLOAD_RESOURCES.grafana, securityContext: podOf(472), containerSecurityContext: restricted, automountServiceAccountToken: true });
    expect(v.grafana.sidecar).toMatchObject({ resources: CHART_WORKLOAD_RESOURCES.grafanaSidecar, securityContext: restricted });
    for (const r of Object.values(CHART_WORKLOAD_RESOURCES)) {
      expect(r.requests.cpu).toBeDefined();
      expect(r.requests.memory).toBeDefined();
      expect(r.limits.memory).toBeDefined();
    }
  });

  it("sizes the chart workloads (pinned: the README's capacity notes quote them)", () => {
    expect(CHART_WORKLOAD_RESOURCES).toEqual({
      operator: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      kubeStateMetrics: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
      nodeExporter: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "128Mi" } },
      grafana: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
      grafanaSidecar: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    });
  });

  it("Grafana: readiness and liveness ask different questions; the chart's default liveness handler is deleted", () => {
    const g = valuesOf("production").grafana;
    expect(g.readinessProbe).toEqual({ httpGet: { path: "/api/health", port: 3000 } });
    expect(g.livenessProbe).toEqual({ httpGet: null, tcpSocket: { port: 3000 }, initialDelaySeconds: 60, timeoutSeconds: 30, failureThreshold: 10 });
  });

  it("Grafana: writable scratch volumes for a read-only root, the image named, no test hook", () => {
    const g = valuesOf("dev").grafana;
    expect(g.extraEmptyDirMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }, { name: "logs", mountPath: "/var/log/grafana" }]);
    expect(g.image).toEqual({ registry: "docker.io", repository: "grafana/grafana", tag: "12.3.0", sha: "70d9599b186ce287be0d2c5ba9a78acb2e86c1a68c9c41449454d0fc3eeb84e8" });
    expect(g.testFramework).toEqual({ enabled: false });
  });

  it("Grafana: spread over nodes with more than one replica (hard in production), not with one", () => {
    expect(valuesOf("dev").grafana.topologySpreadConstraints).toBeUndefined();
    expect(valuesOf("production").grafana.topologySpreadConstraints).toBeUndefined();
    expect((kubePrometheusStackValues(withGrafanaReplicas(stackConfig("production"), 2), refs) as any).grafana.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: GRAFANA_SELECTOR } },
    ]);
    expect(GRAFANA_SELECTOR).toEqual({ "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": MONITORING_RELEASE });
    const v = kubePrometheusStackValues(withGrafanaReplicas(stackConfig("staging"), 2), refs) as any;
    expect(v.grafana.topologySpreadConstraints[0].whenUnsatisfiable).toBe("ScheduleAnyway");
  });
});
