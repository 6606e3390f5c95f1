import { describe, expect, it } from "vitest";
import * as P from "../../policy/policies";
import { createPolicies } from "../../policy/policies";
import { readStackPackConfig, reconcileConfig, runPolicyPack } from "../../tools/policy";
import { compliantPod, compliantStack, find, messagesOf, rec, urn } from "./fixtures";

describe("policy metadata", () => {
  it("gives every policy a unique kebab-case name, a description, a severity, remediation steps and the mandatory default", () => {
    const policies = createPolicies();
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    for (const p of policies) {
      expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(p.description).toMatch(/^[A-Z].*\.$/);
      expect(["low", "medium", "high", "critical"]).toContain(p.severity);
      expect(p.remediationSteps).toBeTruthy();
      expect(p.enforcementLevel).toBe("mandatory");
    }
    expect(createPolicies("advisory").every((p) => p.enforcementLevel === "advisory")).toBe(true);
  });

  it("pins every config default", () => {
    const defaults = Object.fromEntries([...reconcileConfig(createPolicies())].filter(([, c]) => Object.keys(c.properties).length > 0).map(([n, c]) => [n, c.properties]));
    expect(defaults).toEqual({
      "no-host-namespaces": { allowedWorkloads: [] },
      "no-host-ports": { allowedWorkloads: [] },
      "no-host-path-volumes": { allowedWorkloads: [] },
      "pinned-images": { immutableTagRegistries: ["*.dkr.ecr.*.amazonaws.com"] },
      "allowed-registries": { registries: ["ghcr.io", "quay.io", "registry.k8s.io", "*.dkr.ecr.*.amazonaws.com"], allowedWorkloads: [] },
      "container-probes": { allowedWorkloads: [] },
      "readiness-differs-from-liveness": { allowedWorkloads: [] },
      "min-replicas": { minReplicas: 2, allowParked: true, namespaces: [] },
      "topology-spread": { topologyKeys: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"] },
      "no-service-account-token": { allowedWorkloads: [] },
      "no-external-service-types": { allowedServices: [] },
      "no-secret-literal-env": { namePattern: "(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)" },
      "s3-bucket-object-lock": { minimumDays: 7 },
      "alert-rule-metadata": { severities: ["critical", "warning", "info", "none"] },
      "critical-alerts-page": {
        configSecret: "alertmanager-platform-config",
        configKey: "alertmanager.yaml",
        pagerIntegrations: ["pagerduty_configs", "opsgenie_configs"],
        criticalSeverity: "critical",
        hashAnnotation: "app-platform/config-sha256",
      },
      "service-monitoring": { nameLabel: "app.kubernetes.io/name", roleLabel: "app-platform/role", roleValue: "active", sloRecordPattern: "^slo:" },
      "grafana-admin-password": { charts: ["kube-prometheus-stack", "grafana"] },
      "no-cluster-secret-read": { allowedRoles: [] },
      "no-rbac-wildcards": { allowedRoles: [] },
      "prometheus-retention-within-volume": { maxShare: 0.85 },
      "priority-class": { classes: ["app-platform-critical", "app-platform-apps"] },
    });
  });

  it("lets a factory's defaults replace the schema default", () => {
    expect(reconcileConfig([P.minReplicas("advisory", { minReplicas: 3 })]).get("min-replicas")).toEqual({ enforcementLevel: "advisory", properties: { minReplicas: 3, allowParked: true, namespaces: [] } });
  });
});

describe("config branches", () => {
  const web = (rs: ReturnType<typeof compliantStack>) => find(rs, "web-blue", "kubernetes:apps/v1:Deployment");

  it("allow-lists workloads for host namespaces and host paths", async () => {
    const rs = compliantStack();
    Object.assign(web(rs).spec.template.spec, { hostPID: true, volumes: [{ name: "proc", hostPath: { path: "/proc" } }] });
    const allow = { properties: { allowedWorkloads: [{ workload: "Deployment/apps/web-blue", reason: "reads the node's process table for a test" }] } };
    expect(await messagesOf(P.noHostNamespaces(), rs, { "no-host-namespaces": allow })).toEqual([]);
    expect(await messagesOf(P.noHostPathVolumes(), rs, { "no-host-path-volumes": allow })).toEqual([]);
    expect(await messagesOf(P.noHostNamespaces(), rs, { "no-host-namespaces": { properties: { allowedWorkloads: [{ workload: "Deployment/apps/other", reason: "reads the node's process table for a test" }] } } })).toHaveLength(1);
  });

  it("lets each stack's config allow the chart's node-exporter (which runs on the host) and nothing else, not even its namesake outside the chart", async () => {
    const rs = compliantStack();
    const pod: Record<string, any> = { ...compliantPod({ app: "node-exporter" }), hostNetwork: true, hostPID: true, volumes: [{ name: "proc", hostPath: { path: "/proc" } }] };
    pod.containers[0].ports = [{ name: "metrics", containerPort: 9100, hostPort: 9100 }];
    const chart = urn("kubernetes:helm.sh/v4:Chart", "monitoring-chart");
    const ds = (resource: string, name: string, parent?: string) =>
      rec("kubernetes:apps/v1:DaemonSet", resource, { metadata: { name, namespace: "host-agents" }, spec: { selector: { matchLabels: { app: "node-exporter" } }, template: { metadata: { labels: { app: "node-exporter" } }, spec: pod } } }, { parent });
    rs.push(
      ds("monitoring-chart:host-agents/kube-prometheus-stack-prometheus-node-exporter", "kube-prometheus-stack-prometheus-node-exporter", chart),
      ds("rogue-agent", "rogue-agent", chart),
      ds("impostor", "kube-prometheus-stack-prometheus-node-exporter"),
    );
    for (const stack of ["dev", "staging", "production"]) {
      const report = await runPolicyPack({ resources: rs, policies: [P.noHostNamespaces(), P.noHostPorts(), P.noHostPathVolumes()], config: readStackPackConfig(stack) });
      expect(report.violations.map((v) => `${v.policyName} ${v.urn?.split("::").pop()}`)).toEqual([
        "no-host-namespaces rogue-agent",
        "no-host-namespaces impostor",
        "no-host-ports rogue-agent",
        "no-host-ports impostor",
        "no-host-path-volumes rogue-agent",
        "no-host-path-volumes impostor",
      ]);
    }
  });

  it("exempts workloads from the token policy and allow-lists external services", async () => {
    const rs = compliantStack();
    web(rs).spec.template.spec.automountServiceAccountToken = true;
    find(rs, "web-active").spec.type = "NodePort";
    expect(await messagesOf(P.noServiceAccountToken(), rs, { "no-service-account-token": { properties: { allowedWorkloads: [{ workload: "Deployment/apps/web-blue", reason: "watches ConfigMaps through the API in this test" }] } } })).toEqual([]);
    expect(await messagesOf(P.noExternalServiceTypes(), rs, { "no-external-service-types": { properties: { allowedServices: ["apps/web"] } } })).toEqual([]);
  });

  it("min-replicas: parks idle workloads at 0 unless told otherwise, and scopes by namespace", async () => {
    const rs = compliantStack();
    rs.splice(rs.findIndex((r) => r.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"), 1);
    web(rs).spec.replicas = 0;
    expect(await messagesOf(P.minReplicas(), rs)).toEqual([]);
    expect(await messagesOf(P.minReplicas(), rs, { "min-replicas": { properties: { allowParked: false } } })).toEqual([
      "Deployment apps/web-blue runs 0 replicas, below the minimum of 2: one failed or evicted pod is an outage; set spec.replicas to at least 2 or scale it with an HPA.",
    ]);
    web(rs).spec.replicas = 1;
    expect(await messagesOf(P.minReplicas(), rs, { "min-replicas": { properties: { namespaces: ["monitoring"] } } })).toEqual([]);
    expect(await messagesOf(P.minReplicas(), rs, { "min-replicas": { properties: { namespaces: ["apps"] } } })).toEqual([
      "Deployment apps/web-blue runs 1 replica, below the minimum of 2: one failed or evicted pod is an outage; set spec.replicas to at least 2 or scale it with an HPA.",
    ]);
  });

  it("topology-spread ignores single-replica workloads and accepts required anti-affinity", async () => {
    const rs = compliantStack();
    const pod = web(rs).spec.template.spec;
    delete pod.topologySpreadConstraints;
    web(rs).spec.replicas = 1;
    expect(await messagesOf(P.topologySpread(), rs)).toEqual([]);
    web(rs).spec.replicas = 3;
    pod.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: {} }] } };
    expect(await messagesOf(P.topologySpread(), rs)).toEqual([]);
    expect(await messagesOf(P.topologySpread(), rs, { "topology-spread": { properties: { topologyKeys: ["topology.kubernetes.io/zone"] } } })).toHaveLength(1);
  });

  it("alert-rule-metadata accepts only the configured severities", async () => {
    const rs = compliantStack();
    find(rs, "web-rules").spec.groups[0].rules[2].labels.severity = "page";
    expect(await messagesOf(P.alertRuleMetadata(), rs)).toEqual([
      'PrometheusRule monitoring/web-rules group "slo-web" alert WebSlow has severity "page", which no route expects (use critical, warning, info, none); fix the rule\'s labels and annotations.',
    ]);
    expect(await messagesOf(P.alertRuleMetadata(), rs, { "alert-rule-metadata": { properties: { severities: ["page", "critical", "warning"] } } })).toEqual([]);
  });
});
