// The defects the real chart showed with the old values (issue 14), each judged on what Helm
// renders from the values of each stack: the pinned chart 79.7.1 from ../shared/charts and
// Helm 4.1.4 (scripts/install-helm.sh), not a model of the templates.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { MONITORING_RELEASE } from "../../../components/monitoring/contract";
import { buildRuleGroups } from "../../../components/monitoring/rules/catalogue";
import { CHART_ALERTS_REPLACED, GRAFANA_SIDECAR_ROLE, grafanaSidecarRules, kubePrometheusStackValues } from "../../../components/monitoring/values";
import { tempDir } from "../../../tools/harness/processes";
import { CHART_DIR_ENV, chartDirs, findChart, helmBinary, helmTemplateArgs, parseManifest } from "../../../tools/render/chart";
import { REPO_ROOT } from "../../../tools/render/mock-runtime";
import { edited, problemsOf } from "../../stacks/fixtures";
import { stackConfig } from "./fixtures";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };
type Stack = "dev" | "staging" | "production";
const STACKS: Stack[] = ["dev", "staging", "production"];

function helmRender(values: Record<string, unknown>, args: { capabilities: boolean }): Obj[] {
  const helm = helmBinary(REPO_ROOT);
  if (!helm) throw new Error("helm is not installed; install it with: bash scripts/install-helm.sh");
  const chart = findChart("kube-prometheus-stack", stackConfig("production").monitoring.chartVersion, chartDirs(undefined));
  if (!chart) throw new Error(`the pinned chart is not in ${CHART_DIR_ENV}=${process.env[CHART_DIR_ENV]} (../shared/charts)`);
  const file = path.join(tempDir("values"), "values.json");
  fs.writeFileSync(file, JSON.stringify(values));
  const base = helmTemplateArgs(MONITORING_RELEASE, chart, "monitoring");
  // Without capabilities: what `helm template` (or a preview with no cluster) sees.
  const cmd = args.capabilities ? base : base.filter((a, i) => a !== "--api-versions" && base[i - 1] !== "--api-versions" && a !== "--kube-version" && base[i - 1] !== "--kube-version");
  return parseManifest(execFileSync(helm, [...cmd, "--values", file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 })).map((o) => o.object as Obj);
}

const rendered = {} as Record<Stack, Obj[]>;
beforeAll(() => {
  for (const s of STACKS) rendered[s] = helmRender(kubePrometheusStackValues(stackConfig(s), { grafanaAdminSecret: "grafana-admin" }), { capabilities: true });
}, 120_000);

type Rule = { apiGroups?: string[]; resources?: string[]; verbs?: string[] };
const readsSecrets = (rules: Rule[] = []) => rules.some((r) => (r.apiGroups ?? []).includes("") && (r.resources ?? []).some((x) => x === "secrets" || x === "*") && (r.verbs ?? []).some((v) => ["get", "list", "watch", "*"].includes(v)));

describe.each(STACKS)("%s: RBAC of the chart's workloads", (stack) => {
  it("gives Grafana's service account no access to Secrets, in any namespace", () => {
    const objs = rendered[stack];
    const sa = objs.find((o) => o.kind === "ServiceAccount" && o.metadata.name.endsWith("-grafana"))!;
    expect(sa).toBeDefined();
    const bindings = objs.filter((o) => (o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding") && (o.subjects ?? []).some((s: any) => s.kind === "ServiceAccount" && s.name === sa.metadata.name));
    expect(bindings.length).toBeGreaterThan(0);
    for (const b of bindings) {
      // Our Role is created beside the chart (components/monitoring/monitoring-stack.ts); the chart's own roles are in its output.
      const role = b.roleRef.name === GRAFANA_SIDECAR_ROLE ? { rules: grafanaSidecarRules() } : objs.find((o) => o.kind === b.roleRef.kind && o.metadata.name === b.roleRef.name);
      expect(role, `${b.kind} ${b.metadata.name} -> ${b.roleRef.name}`).toBeDefined();
      expect(readsSecrets(role!.rules), `${b.kind} ${b.metadata.name} -> ${b.roleRef.kind} ${b.roleRef.name}`).toBe(false);
      expect(b.kind).toBe("RoleBinding");
    }
    expect(objs.filter((o) => o.kind === "ClusterRole" && o.metadata.name.includes("grafana"))).toEqual([]);
  });

  it("tells the sidecars to watch ConfigMaps only (a Secret watch would be refused by the Role)", () => {
    const grafana = rendered[stack].find((o) => o.kind === "Deployment" && o.metadata.name.endsWith("-grafana"))!;
    const sidecars = grafana.spec.template.spec.containers.filter((c: any) => c.name.startsWith("grafana-sc-"));
    expect(sidecars.length).toBeGreaterThan(0);
    for (const c of sidecars) expect(c.env.find((e: any) => e.name === "RESOURCE")?.value, c.name).toBe("configmap");
  });

  it("lets only the operator read Secrets cluster-wide (kube-state-metrics' secrets collector is off)", () => {
    const objs = rendered[stack];
    const readers = objs.filter((o) => o.kind === "ClusterRole" && readsSecrets(o.rules)).map((o) => o.metadata.name);
    expect(readers).toEqual([`${MONITORING_RELEASE}-operator`]);
  });
});

describe("Grafana's PodDisruptionBudget", () => {
  it("is policy/v1 even when rendered without cluster capabilities (policy/v1beta1 was removed in 1.25)", () => {
    // Two replicas would need a shared database (rejected by config), so the PDB is judged on values that ask for it.
    const values = kubePrometheusStackValues({ ...stackConfig("production"), monitoring: { ...stackConfig("production").monitoring, grafana: { replicas: 2 } } } as any, { grafanaAdminSecret: "grafana-admin" });
    const pdb = helmRender(values, { capabilities: false }).find((o) => o.kind === "PodDisruptionBudget" && o.metadata.name.endsWith("-grafana"));
    expect(pdb?.apiVersion).toBe("policy/v1");
  });
});

describe("volumes", () => {
  it("names the StorageClass of the Prometheus and Alertmanager claims in the AWS stacks", () => {
    for (const s of ["staging", "production"] as const) {
      for (const kind of ["Prometheus", "Alertmanager"]) {
        const cr = rendered[s].find((o) => o.kind === kind)!;
        const claim = kind === "Prometheus" ? cr.spec.storage.volumeClaimTemplate.spec : cr.spec.storage.volumeClaimTemplate.spec;
        expect(claim.storageClassName, `${s} ${kind}`).toBe("gp3");
      }
    }
  });

  it("keeps Prometheus' retentionSize within 85% of its volume (Prometheus GB are 2^30 bytes)", () => {
    for (const s of STACKS) {
      const p = rendered[s].find((o) => o.kind === "Prometheus")!;
      const size = /^(\d+)GB$/.exec(p.spec.retentionSize)![1];
      const volume = /^(\d+)Gi$/.exec(p.spec.storage.volumeClaimTemplate.spec.resources.requests.storage)![1];
      // Worked by hand: dev 4GB/5Gi = 80%, staging 40GB/50Gi = 80%, production 80GB/100Gi = 80%.
      expect(Number(size) / Number(volume), s).toBeLessThanOrEqual(0.85);
    }
  });
});

describe("config rules behind the fixes", () => {
  const P = "app-platform:";
  it("rejects the old production retention (90GB on 100Gi is 90%) and accepts 85GB", () => {
    const withSize = (retentionSize: string) => problemsOf(edited("production", (v) => (v.monitoring = { ...v.monitoring, prometheus: { retentionSize, storage: { size: "100Gi", storageClass: "gp3" } } })));
    expect(withSize("90GB")).toEqual([
      `${P}monitoring.prometheus.retentionSize ("90GB") must be at most 85% of monitoring.prometheus.storage.size (100Gi), i.e. <= 85GB (Prometheus counts GB in powers of two): the WAL and compaction need the rest, or Prometheus stops when the volume fills`,
    ]);
    expect(withSize("86GB")).toHaveLength(1);
    expect(withSize("85GB")).toEqual([]);
  });

  it("requires a StorageClass on EKS and not on kind", () => {
    expect(problemsOf(edited("production", (v) => (v.monitoring = { probes: v.monitoring?.probes })))).toEqual([
      `${P}monitoring.prometheus.storage.storageClass (unset) is required on eks: EKS clusters have no default StorageClass, so the volume would stay Pending; name one, e.g. "gp3" (EBS CSI driver)`,
      `${P}monitoring.alertmanager.storage.storageClass (unset) is required on eks: EKS clusters have no default StorageClass, so the volume would stay Pending; name one, e.g. "gp3" (EBS CSI driver)`,
    ]);
    expect(problemsOf(edited("dev", (v) => (v.monitoring = {})))).toEqual([]);
  });

  it("runs Grafana as one replica: two would each keep their own SQLite database", () => {
    expect(problemsOf(edited("staging", (v) => (v.monitoring = { ...v.monitoring, grafana: { replicas: 2 } })))).toEqual([
      `${P}monitoring.grafana.replicas (2) must be 1: each Grafana replica keeps its own SQLite database (users, sessions, annotations) and no shared database is configured`,
    ]);
  });
});

describe("the chart's default rules beside our catalogue", () => {
  type Group = { name: string; rules: { alert?: string; record?: string; expr: string; labels?: Record<string, string> }[] };
  const chartGroups = (s: Stack): Group[] => rendered[s].filter((o) => o.kind === "PrometheusRule").flatMap((o) => o.spec.groups as Group[]);
  const ours = (s: Stack) => new Set(buildRuleGroups(stackConfig(s)).flatMap((b) => b.group.rules.map((r: any) => r.alert).filter(Boolean)));

  it.each(STACKS)("%s: no alert name ships twice, and every replaced chart alert is gone while ours exists", (s) => {
    const chart = chartGroups(s).flatMap((g) => g.rules.map((r) => r.alert).filter((a): a is string => !!a));
    const mine = ours(s);
    expect(chart.length).toBeGreaterThan(50);
    expect(chart.filter((a) => mine.has(a))).toEqual([]);
    for (const [theirs, replacement] of Object.entries(CHART_ALERTS_REPLACED)) {
      expect(chart, theirs).not.toContain(theirs);
      expect(mine.has(replacement), replacement).toBe(true);
    }
  });

  it("the chart's kubernetes-apps alerts (KubePodCrashLooping, KubeJobFailed, ...) skip the namespaces our groups watch", () => {
    const apps = chartGroups("production").find((g) => g.name === "kubernetes-apps")!;
    const alerts = apps.rules.filter((r) => r.alert);
    expect(alerts.map((r) => r.alert)).toContain("KubeJobFailed");
    for (const r of alerts) expect(r.expr, r.alert).toContain('namespace!~"apps|monitoring|backup"');
  });

  it("every chart alert that remains has a severity our routes know (critical pages, warning to chat, info nowhere)", () => {
    for (const g of chartGroups("production")) {
      for (const r of g.rules.filter((x) => x.alert)) expect(["critical", "warning", "info"], `${g.name} ${r.alert}`).toContain(r.labels?.severity);
    }
  });
});
