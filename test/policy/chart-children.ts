// The principal workloads of kube-prometheus-stack as helm.v4.Chart registers them in a real
// preview, built from the Chart record of a render: its values (what
// components/monitoring/values.ts produced for the stack), its release name and namespace.
//
// Offline, mocks give the Chart no children (DESIGN.md, "Facts learned"), so this fixture models
// the templates: for each workload, only the fields the policy pack reads, each taken from our
// values merged over the chart's defaults the way Helm merges them (a null deletes a default).
// The defaults and template shapes below are quoted from the chart sources read while writing
// this (prometheus-community/helm-charts charts/kube-prometheus-stack/values.yaml and
// templates/prometheus-operator/deployment.yaml, charts/kube-state-metrics/templates/
// deployment.yaml, charts/prometheus-node-exporter/values.yaml and templates/daemonset.yaml;
// grafana/helm-charts charts/grafana/values.yaml and templates/_pod.tpl) — the versions the
// search index holds, not necessarily the ones chart 79.7.1 pins. What this cannot know offline
// is listed in policy/README.md ("Chart objects").
import type { RenderedResource } from "../../tools/render/harness";

/**
 * Stands in for the image tags the charts derive from their Chart.yaml appVersion, which no
 * offline test can read. It has the shape of a version tag, which is what pinned-images and
 * no-latest-image judge; the registries are the charts' own.
 */
export const CHART_APP_TAG = "v0.0.0";

type Values = Record<string, any>;

/** Helm's merge of user values over chart defaults: maps merge deeply, a null deletes the default, anything else replaces it. */
export function helmMerge(defaults: Values, values: Values | undefined): Values {
  const out: Values = { ...defaults };
  for (const [k, v] of Object.entries(values ?? {})) {
    if (v === null) delete out[k];
    else if (v && typeof v === "object" && !Array.isArray(v) && out[k] && typeof out[k] === "object" && !Array.isArray(out[k])) out[k] = helmMerge(out[k], v);
    else out[k] = v;
  }
  return out;
}

/** Chart defaults the templates below read, by subchart (quoted from the values files named above). */
export const CHART_DEFAULTS = {
  prometheusOperator: {
    image: { registry: "quay.io", repository: "prometheus-operator/prometheus-operator", tag: "" },
    livenessProbe: { enabled: true },
    readinessProbe: { enabled: true },
    resources: {},
    tls: { enabled: true, internalPort: 10250 },
  },
  kubeStateMetrics: {
    image: { registry: "registry.k8s.io", repository: "kube-state-metrics/kube-state-metrics", tag: "" },
    replicas: 1,
    resources: {},
    service: { port: 8080 },
  },
  nodeExporter: {
    image: { registry: "quay.io", repository: "prometheus/node-exporter", tag: "" },
    hostNetwork: true,
    hostPID: true,
    hostIPC: false,
    hostRootFsMount: { enabled: true },
    // kube-prometheus-stack's own prometheus-node-exporter block renames the port.
    service: { port: 9100, portName: "http-metrics" },
    serviceAccount: { automountServiceAccountToken: false },
    kubeRBACProxy: { enabled: false },
  },
  grafana: {
    image: { registry: "docker.io", repository: "grafana/grafana", tag: "" },
    replicas: 1,
    readinessProbe: { httpGet: { path: "/api/health", port: 3000 } },
    livenessProbe: { httpGet: { path: "/api/health", port: 3000 }, initialDelaySeconds: 60, timeoutSeconds: 30, failureThreshold: 10 },
    securityContext: { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
    containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
    automountServiceAccountToken: true,
    resources: {},
    extraEmptyDirMounts: [],
    topologySpreadConstraints: [],
    sidecar: {
      image: { registry: "quay.io", repository: "kiwigrid/k8s-sidecar", tag: "" },
      livenessProbe: {},
      readinessProbe: {},
      resources: {},
      dashboards: { enabled: false },
      datasources: { enabled: false },
    },
  },
} as const;

const image = (i: { registry: string; repository: string; tag?: string }) => `${i.registry}/${i.repository}:${i.tag || CHART_APP_TAG}`;
/** Helm's `with`: an empty map or list renders nothing. */
const nonEmpty = <T>(v: T): T | undefined => (v && typeof v === "object" && Object.keys(v).length === 0 ? undefined : v);
const compact = (o: Values): Values => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function labelsOf(name: string, release: string): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": release };
}

/** The operator Deployment (templates/prometheus-operator/deployment.yaml): one replica, no init containers. */
function operator(v: Values, release: string, namespace: string): Values {
  const o = helmMerge(CHART_DEFAULTS.prometheusOperator, v.prometheusOperator);
  const port = o.tls.enabled ? { containerPort: o.tls.internalPort, name: "https" } : { containerPort: 8080, name: "http" };
  // Both probes ask the operator's only health endpoint (see the exemption in policy/config).
  const probe = { httpGet: { path: "/healthz", port: port.name, scheme: o.tls.enabled ? "HTTPS" : "HTTP" } };
  const name = `${v.fullnameOverride ?? release}-operator`;
  const labels = { app: `${release}-operator`, release };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: compact({
          automountServiceAccountToken: o.automountServiceAccountToken,
          serviceAccountName: name,
          securityContext: nonEmpty(o.securityContext),
          containers: [
            compact({
              name: "kube-prometheus-stack",
              image: image(o.image),
              ports: [port],
              resources: o.resources,
              securityContext: o.containerSecurityContext,
              livenessProbe: o.livenessProbe.enabled ? probe : undefined,
              readinessProbe: o.readinessProbe.enabled ? probe : undefined,
            }),
          ],
        }),
      },
    },
  };
}

/** kube-state-metrics (charts/kube-state-metrics/templates/deployment.yaml), without kube-rbac-proxy. */
function kubeStateMetrics(v: Values, release: string, namespace: string): Values {
  const k = helmMerge(CHART_DEFAULTS.kubeStateMetrics, v["kube-state-metrics"]);
  const { enabled, ...podSecurity } = k.securityContext ?? {};
  const labels = labelsOf("kube-state-metrics", release);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: `${release}-kube-state-metrics`, namespace, labels },
    spec: {
      replicas: k.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: compact({
          automountServiceAccountToken: k.automountServiceAccountToken,
          hostNetwork: false,
          serviceAccountName: `${release}-kube-state-metrics`,
          securityContext: enabled ? podSecurity : undefined,
          containers: [
            compact({
              name: "kube-state-metrics",
              image: image(k.image),
              ports: [{ containerPort: k.service.port, name: "http" }],
              livenessProbe: { httpGet: { path: "/livez", port: k.service.port, scheme: "HTTP" } },
              readinessProbe: { httpGet: { path: "/readyz", port: k.service.port, scheme: "HTTP" } },
              resources: k.resources,
              securityContext: nonEmpty(k.containerSecurityContext),
            }),
          ],
        }),
      },
    },
  };
}

/** node-exporter (charts/prometheus-node-exporter/templates/daemonset.yaml), without kube-rbac-proxy. */
function nodeExporter(v: Values, release: string, namespace: string): Values {
  const n = helmMerge(CHART_DEFAULTS.nodeExporter, v["prometheus-node-exporter"]);
  const labels = labelsOf("prometheus-node-exporter", release);
  // charts/prometheus-node-exporter/templates/_helpers.tpl: namespaceOverride, else the release's.
  namespace = n.namespaceOverride || namespace;
  const portName = n.service.portName;
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: `${release}-prometheus-node-exporter`, namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: compact({
          automountServiceAccountToken: n.serviceAccount.automountServiceAccountToken === true || n.kubeRBACProxy.enabled === true,
          securityContext: nonEmpty(n.securityContext),
          serviceAccountName: `${release}-prometheus-node-exporter`,
          containers: [
            compact({
              name: "node-exporter",
              image: image(n.image),
              securityContext: nonEmpty(n.containerSecurityContext),
              ports: [{ name: portName, containerPort: n.service.port, protocol: "TCP" }],
              livenessProbe: { httpGet: { path: "/", port: portName, scheme: "HTTP" } },
              readinessProbe: { httpGet: { path: "/", port: portName, scheme: "HTTP" } },
              resources: nonEmpty(n.resources),
              volumeMounts: [
                { name: "proc", mountPath: "/host/proc", readOnly: true },
                { name: "sys", mountPath: "/host/sys", readOnly: true },
                ...(n.hostRootFsMount.enabled ? [{ name: "root", mountPath: "/host/root", readOnly: true }] : []),
              ],
            }),
          ],
          hostNetwork: n.hostNetwork,
          hostPID: n.hostPID,
          hostIPC: n.hostIPC,
          volumes: [
            { name: "proc", hostPath: { path: "/proc" } },
            { name: "sys", hostPath: { path: "/sys" } },
            ...(n.hostRootFsMount.enabled ? [{ name: "root", hostPath: { path: "/" } }] : []),
          ],
        }),
      },
    },
  };
}

/** Grafana with its dashboard and datasource sidecars (charts/grafana/templates/_pod.tpl), no persistence. */
function grafana(v: Values, release: string, namespace: string): Values {
  const g = helmMerge(CHART_DEFAULTS.grafana, v.grafana);
  const labels = labelsOf("grafana", release);
  const sidecar = (name: string) =>
    compact({
      name,
      image: image(g.sidecar.image),
      livenessProbe: nonEmpty(g.sidecar.livenessProbe),
      readinessProbe: nonEmpty(g.sidecar.readinessProbe),
      resources: nonEmpty(g.sidecar.resources),
      securityContext: nonEmpty(g.sidecar.securityContext),
    });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: `${release}-grafana`, namespace, labels },
    spec: {
      replicas: g.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: compact({
          serviceAccountName: `${release}-grafana`,
          automountServiceAccountToken: g.automountServiceAccountToken,
          securityContext: nonEmpty(g.securityContext),
          containers: [
            ...(g.sidecar.dashboards.enabled ? [sidecar("grafana-sc-dashboard")] : []),
            ...(g.sidecar.datasources.enabled ? [sidecar("grafana-sc-datasources")] : []),
            compact({
              name: "grafana",
              image: image(g.image),
              securityContext: nonEmpty(g.containerSecurityContext),
              ports: [{ name: "grafana", containerPort: 3000, protocol: "TCP" }],
              env: [
                { name: "GF_SECURITY_ADMIN_USER", valueFrom: { secretKeyRef: { name: g.admin?.existingSecret, key: g.admin?.userKey } } },
                { name: "GF_SECURITY_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: g.admin?.existingSecret, key: g.admin?.passwordKey } } },
              ],
              livenessProbe: nonEmpty(g.livenessProbe),
              readinessProbe: nonEmpty(g.readinessProbe),
              resources: nonEmpty(g.resources),
              volumeMounts: [{ name: "storage", mountPath: "/var/lib/grafana" }, ...g.extraEmptyDirMounts.map((m: Values) => ({ name: m.name, mountPath: m.mountPath }))],
            }),
          ],
          topologySpreadConstraints: nonEmpty(g.topologySpreadConstraints),
          volumes: [{ name: "storage", emptyDir: {} }, ...g.extraEmptyDirMounts.map((m: Values) => ({ name: m.name, emptyDir: {} }))],
        }),
      },
    },
  };
}

/** The type token Pulumi gives a Kubernetes object. */
function pulumiType(obj: Values): string {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["core", obj.apiVersion];
  return `kubernetes:${group}/${version}:${obj.kind}`;
}

/**
 * Records of the chart's principal workloads as helm.v4.Chart registers them: parented to the
 * Chart, named `<chart resource name>:<namespace>/<object name>`, URN type chain
 * `...$kubernetes:helm.sh/v4:Chart$<child type>` (as the provider's own tests expect them:
 * pulumi/pulumi-kubernetes provider/pkg/provider/helm/v4/chart_test.go), inputs as rendered.
 */
export function chartChildren(chart: RenderedResource): RenderedResource[] {
  if (chart.type !== "kubernetes:helm.sh/v4:Chart") throw new Error(`chartChildren needs a kubernetes:helm.sh/v4:Chart record, got ${chart.type}`);
  const inputs = chart.inputs as { name: string; namespace: string; values: Values };
  const release = inputs.name;
  const ns = inputs.namespace;
  const [stackPart, project, chain] = chart.urn.split("::");
  return [operator(inputs.values, release, ns), kubeStateMetrics(inputs.values, release, ns), nodeExporter(inputs.values, release, ns), grafana(inputs.values, release, ns)].map((obj) => {
    const type = pulumiType(obj);
    const name = `${chart.name}:${obj.metadata.namespace}/${obj.metadata.name}`;
    return { type, name, urn: `${stackPart}::${project}::${chain}$${type}::${name}`, parent: chart.urn, dependsOn: [], inputs: obj, custom: true, options: {} } as RenderedResource;
  });
}
