import type { RenderedResource } from "../../tools/render/mock-runtime";
import type { PlatformPolicy } from "../../policy/lib/policy";
import { runPolicyPack, type PackConfig, type Violation } from "../../tools/policy";

/** URN of a fixture resource. */
export function urn(type: string, name: string): string {
  return `urn:pulumi:test::app-platform::${type}::${name}`;
}

/** A render record, as `out/<stack>/resources.json` holds it. */
export function rec(type: string, name: string, inputs: Record<string, unknown>, extra: { dependsOn?: string[]; parent?: string; custom?: boolean } = {}): RenderedResource {
  return { type, name, urn: urn(type, name), parent: extra.parent, dependsOn: extra.dependsOn ?? [], inputs, custom: extra.custom ?? true, options: {} };
}

/** A container that satisfies every workload policy. */
export function compliantContainer(name = "app"): Record<string, any> {
  return {
    name,
    // Pinned by digest, as image-digest requires (a made-up digest: policies read only its form).
    image: `ghcr.io/org/web:1.4.2@sha256:${"4e".repeat(32)}`,
    ports: [{ name: "http", containerPort: 8080 }, { name: "metrics", containerPort: 9090 }],
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    readinessProbe: { httpGet: { path: "/readyz", port: 8080 } },
    livenessProbe: { httpGet: { path: "/healthz", port: 8080 } },
    env: [
      { name: "LOG_LEVEL", value: "info" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
    ],
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
  };
}

/** A pod spec that satisfies every workload policy. */
export function compliantPod(labels: Record<string, string>): Record<string, any> {
  return {
    automountServiceAccountToken: false,
    priorityClassName: "app-platform-apps",
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
    containers: [compliantContainer()],
    topologySpreadConstraints: [{ topologyKey: "kubernetes.io/hostname", maxSkew: 1, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } }],
  };
}

const WEB_LABELS = { "app.kubernetes.io/name": "web", "app-platform/color": "blue" };

const ALERTMANAGER_YAML = `route:
  receiver: chat
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
      continue: true
    - matchers: ['severity="critical"']
      receiver: chat
receivers:
  - name: chat
    slack_configs:
      - channel: "#alerts"
        api_url_file: /etc/alertmanager/secrets/alertmanager-receivers/slack-webhook-url
  - name: pager
    pagerduty_configs:
      - routing_key_file: /etc/alertmanager/secrets/alertmanager-receivers/pagerduty-routing-key
`;

/** Records of a small stack that every policy of the pack accepts. */
export function compliantStack(): RenderedResource[] {
  const bucket = rec("aws:s3/bucket:Bucket", "backups", { bucket: "backups-prod", objectLockEnabled: true });
  const key = rec("aws:kms/key:Key", "backups-key", { enableKeyRotation: true, description: "backups" });
  const password = rec("random:index/randomPassword:RandomPassword", "grafana-password", { length: 32, special: false });
  const grafanaSecret = rec(
    "kubernetes:core/v1:Secret",
    "grafana-admin",
    { apiVersion: "v1", kind: "Secret", metadata: { name: "grafana-admin", namespace: "monitoring" }, stringData: { "admin-user": "admin", "admin-password": "[secret]" } },
    { dependsOn: [password.urn] },
  );
  const onBucket = { dependsOn: [bucket.urn] };
  return [
    rec("pulumi:pulumi:Stack", "app-platform-test", {}, { custom: false }),
    rec("kubernetes:core/v1:Namespace", "ns-apps", { apiVersion: "v1", kind: "Namespace", metadata: { name: "apps" } }),
    rec("kubernetes:core/v1:Namespace", "ns-monitoring", { apiVersion: "v1", kind: "Namespace", metadata: { name: "monitoring" } }),
    ...["apps", "monitoring"].map((ns) =>
      rec("kubernetes:networking.k8s.io/v1:NetworkPolicy", `default-deny-${ns}`, {
        metadata: { name: "default-deny", namespace: ns },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{ ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }] },
      }),
    ),
    rec("kubernetes:apps/v1:Deployment", "web-blue", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web-blue", namespace: "apps", labels: WEB_LABELS },
      spec: { selector: { matchLabels: WEB_LABELS }, template: { metadata: { labels: WEB_LABELS }, spec: compliantPod(WEB_LABELS) } },
    }),
    rec("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web-blue", {
      metadata: { name: "web-blue", namespace: "apps" },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web-blue" }, minReplicas: 2, maxReplicas: 6 },
    }),
    rec("kubernetes:policy/v1:PodDisruptionBudget", "web-blue", {
      metadata: { name: "web-blue", namespace: "apps" },
      spec: { maxUnavailable: 1, selector: { matchLabels: WEB_LABELS } },
    }),
    rec("kubernetes:networking.k8s.io/v1:Ingress", "web-ingress", {
      metadata: { name: "web", namespace: "apps", annotations: { "cert-manager.io/cluster-issuer": "letsencrypt-prod" } },
      spec: {
        ingressClassName: "nginx",
        tls: [{ hosts: ["web.example.com"], secretName: "web-tls" }],
        rules: [{ host: "web.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } }] } }],
      },
    }),
    rec("kubernetes:core/v1:Service", "web-active", {
      metadata: { name: "web", namespace: "apps", labels: { "app.kubernetes.io/name": "web", "app-platform/role": "active" } },
      spec: { type: "ClusterIP", selector: WEB_LABELS, ports: [{ name: "http", port: 80, targetPort: 8080 }, { name: "metrics", port: 9090 }] },
    }),
    rec("kubernetes:core/v1:ConfigMap", "web-settings", { metadata: { name: "web-settings", namespace: "apps" }, data: { LOG_LEVEL: "info" } }),
    rec("kubernetes:batch/v1:CronJob", "backup", {
      metadata: { name: "backup", namespace: "apps" },
      spec: {
        schedule: "0 3 * * *",
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 600,
        jobTemplate: { spec: { activeDeadlineSeconds: 3600, template: { metadata: { labels: { job: "backup" } }, spec: { ...compliantPod({ job: "backup" }), restartPolicy: "Never" } } } },
      },
    }),
    rec("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "app-web", {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: { name: "app-web", namespace: "monitoring" },
      spec: {
        namespaceSelector: { matchNames: ["apps"] },
        selector: { matchLabels: { "app.kubernetes.io/name": "web" }, matchExpressions: [{ key: "app-platform/role", operator: "In", values: ["active", "preview"] }] },
        endpoints: [{ port: "metrics" }],
      },
    }),
    rec("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "web-rules", {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: "web-rules", namespace: "monitoring" },
      spec: {
        groups: [
          {
            name: "slo-web",
            rules: [
              { record: "slo:sli_error:ratio_rate5m", expr: 'sum(rate(http_requests_total{service="web",status=~"5.."}[5m])) / sum(rate(http_requests_total{service="web"}[5m]))', labels: { service: "web" } },
              { alert: "WebErrorBudgetBurn", expr: "slo:sli_error:ratio_rate5m > 0.01", for: "2m", labels: { severity: "critical", service: "web" }, annotations: { summary: "web burns its error budget", runbook_url: "https://runbooks.example.com/WebErrorBudgetBurn" } },
              { alert: "WebSlow", expr: "vector(1)", labels: { severity: "warning" }, annotations: { summary: "web is slow", runbook_url: "https://runbooks.example.com/WebSlow" } },
            ],
          },
        ],
      },
    }),
    rec("kubernetes:core/v1:Secret", "alertmanager-config", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "alertmanager-platform-config", namespace: "monitoring" },
      stringData: { "alertmanager.yaml": ALERTMANAGER_YAML },
    }),
    password,
    grafanaSecret,
    rec(
      "kubernetes:helm.sh/v4:Chart",
      "monitoring-chart",
      { name: "kube-prometheus-stack", chart: "kube-prometheus-stack", namespace: "monitoring", values: { grafana: { admin: { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" } } } },
      { dependsOn: [grafanaSecret.urn] },
    ),
    key,
    bucket,
    rec("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "backups-sse", { bucket: "backups-id", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/backups-key" }, bucketKeyEnabled: true }] }, onBucket),
    rec("aws:s3/bucketVersioning:BucketVersioning", "backups-versioning", { bucket: "backups-id", versioningConfiguration: { status: "Enabled" } }, onBucket),
    rec("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "backups-pab", { bucket: "backups-id", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, onBucket),
    rec(
      "aws:s3/bucketPolicy:BucketPolicy",
      "backups-policy",
      {
        bucket: "backups-id",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::backups-prod", "arn:aws:s3:::backups-prod/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
        }),
      },
      onBucket,
    ),
    rec("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "backups-lifecycle", { bucket: "backups-id", rules: [{ id: "expire", status: "Enabled", expiration: { days: 90 }, noncurrentVersionExpiration: { noncurrentDays: 30 } }] }, onBucket),
    rec("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "backups-lock", { bucket: "backups-id", rule: { defaultRetention: { mode: "COMPLIANCE", days: 30 } } }, onBucket),
    rec("aws:ecr/repository:Repository", "backup-tools", { name: "backup-tools", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } }),
    rec("aws:secretsmanager/secret:Secret", "db-password", { name: "db-password", kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/backups-key" }),
    rec("aws:iam/role:Role", "backup-role", {
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/x" }, Action: "sts:AssumeRoleWithWebIdentity" }] }),
      inlinePolicies: [{ name: "backups", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: "arn:aws:s3:::backups-prod/*" }] }) }],
    }),
    rec("aws:iam/policy:Policy", "read-secrets", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }] }) }),
    // RBAC: reads ConfigMaps cluster-wide, one named Secret in its namespace, bound without cluster-admin.
    rec("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "dashboards-reader", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "dashboards-reader" },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
    }),
    rec("kubernetes:rbac.authorization.k8s.io/v1:Role", "web-secret-reader", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "web-secret-reader", namespace: "apps" },
      rules: [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["web-db"], verbs: ["get"] }],
    }),
    rec("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "dashboards-reader", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "dashboards-reader" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "dashboards-reader" },
      subjects: [{ kind: "ServiceAccount", name: "grafana", namespace: "monitoring" }],
    }),
    // Storage: a claim and a Prometheus that name their class; 80GB of a 100Gi volume (80%).
    rec("kubernetes:core/v1:PersistentVolumeClaim", "scratch", {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "scratch", namespace: "backup" },
      spec: { accessModes: ["ReadWriteOnce"], storageClassName: "gp3", resources: { requests: { storage: "10Gi" } } },
    }),
    rec("kubernetes:monitoring.coreos.com/v1:Prometheus", "prometheus", {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "Prometheus",
      metadata: { name: "prometheus", namespace: "monitoring" },
      spec: { image: `quay.io/prometheus/prometheus:v3.7.3@sha256:${"7a".repeat(32)}`, retention: "15d", retentionSize: "80GB", storage: { volumeClaimTemplate: { spec: { storageClassName: "gp3", resources: { requests: { storage: "100Gi" } } } } } },
    }),
  ];
}

/** Finds a record of the fixture stack by Pulumi name (and type, when names repeat). */
export function find(resources: RenderedResource[], name: string, type?: string): Record<string, any> {
  const r = resources.find((x) => x.name === name && (type === undefined || x.type === type));
  if (!r) throw new Error(`fixture has no resource ${name}`);
  return r.inputs as Record<string, any>;
}

/** Runs one policy on records and returns its violations (a config entry may set its properties). */
export async function violationsOf(policy: PlatformPolicy, resources: RenderedResource[], config: PackConfig = {}): Promise<Violation[]> {
  const report = await runPolicyPack({ resources, policies: [policy], config, packEnforcementLevel: "mandatory" });
  return report.violations;
}

/** Messages of {@link violationsOf}. */
export async function messagesOf(policy: PlatformPolicy, resources: RenderedResource[], config: PackConfig = {}): Promise<string[]> {
  return (await violationsOf(policy, resources, config)).map((v) => v.message);
}

/** One policy fault: the compliant stack, broken one way, and what the policy must say. */
export type PolicyCase = {
  readonly policy: PlatformPolicy;
  /** What the fault is. */
  readonly fault: string;
  /** Turns the compliant stack into a violating one. */
  readonly mutate: (rs: RenderedResource[]) => void;
  /** Exact messages the policy reports. */
  readonly messages: string[];
  /** URN the first violation names. */
  readonly urn?: string;
};

/** The web-blue Deployment of {@link compliantStack}. */
export const webDeployment = (rs: RenderedResource[]): Record<string, any> => find(rs, "web-blue", "kubernetes:apps/v1:Deployment");
/** The backup CronJob of {@link compliantStack}. */
export const backupCronJob = (rs: RenderedResource[]): Record<string, any> => find(rs, "backup", "kubernetes:batch/v1:CronJob");
