// The policy pack over the chart's real children: kube-prometheus-stack 79.7.1 rendered with
// Helm 4.1.4 from each stack's values (tools/render/chart.ts), as helm.v4.Chart registers them
// in a real preview. Edited values are rendered with Helm again, never modelled.
import { beforeAll, describe, expect, it } from "vitest";
import type { WorkloadExemption } from "../../policy/lib/exemptions";
import type { RoleExemption } from "../../policy/lib/rbac";
import { checkStackPolicies, readStackPackConfig, type PackConfig, type PolicyReport } from "../../tools/policy";
import { renderChart } from "../../tools/render/chart";
import { REPO_ROOT, type RenderedResource } from "../../tools/render/mock-runtime";
import { renderInChild } from "../../tools/render/subprocess";

const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** The render of a stack, chart children included, and its Chart record (one render per stack, in a child process). */
async function renderStack(stack: string): Promise<{ resources: RenderedResource[]; chart: RenderedResource }> {
  const r = await renderInChild({ stack });
  if (!r.ok) throw new Error(`render of ${stack} failed (${r.exitCode}): ${r.stderr}`);
  const chart = r.result.resources.find((x) => x.type === CHART_TYPE);
  if (!chart) throw new Error(`render of ${stack} has no ${CHART_TYPE}`);
  const status = r.result.charts?.find((c) => c.urn === chart.urn);
  if (status?.status !== "rendered") throw new Error(`the chart of ${stack} was not rendered: ${status?.message}`);
  return { resources: r.result.resources, chart };
}

/** The Chart record with its values edited (a deep copy; the render stays untouched). */
function withValues(chart: RenderedResource, edit: (values: Record<string, any>) => void): RenderedResource {
  const copy = structuredClone(chart) as RenderedResource & { inputs: { values: Record<string, any> } };
  edit(copy.inputs.values);
  return copy;
}

/** Our resources plus the children Helm renders for `chart` (the render's own chart children dropped). */
async function withChart(resources: readonly RenderedResource[], chart: RenderedResource, stack: string): Promise<RenderedResource[]> {
  const { render, children } = await renderChart(chart, { stack, project: "app-platform", repoRoot: REPO_ROOT });
  if (render.status !== "rendered") throw new Error(render.message);
  return [...resources.filter((r) => !r.chartChild), ...children];
}

/** A stack's pack config with every `allowedWorkloads` and `allowedRoles` list emptied. */
function withoutExemptions(config: PackConfig): PackConfig {
  const empty = (p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, k === "allowedWorkloads" || k === "allowedRoles" ? [] : v]));
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { ...v, properties: empty(v.properties) }]));
}

const mandatory = (report: PolicyReport) => report.violations.filter((v) => v.enforcementLevel === "mandatory");
/** The object name of a URN (`<chart>:<namespace>/<name>` or `<chart>:<name>`). */
const workloadOf = (urn: string | undefined) => urn?.split("::").pop()?.split(/[:/]/).pop();
const lines = (report: PolicyReport) => mandatory(report).map((v) => `${v.policyName} ${workloadOf(v.urn)}: ${v.message}`);

describe("chart children under the production and staging configs", () => {
  const rendered: Record<string, { resources: RenderedResource[]; chart: RenderedResource }> = {};
  beforeAll(async () => {
    rendered.production = await renderStack("production");
    rendered.staging = await renderStack("staging");
  }, 120_000);

  it("checks the chart's real objects: workloads, RBAC and custom resources are children of the Chart", () => {
    const { resources, chart } = rendered.production;
    const children = resources.filter((r) => r.chartChild);
    expect(children.every((c) => c.parent === chart.urn)).toBe(true);
    const names = children.map((c) => `${c.type.split(":").pop()} ${c.name}`);
    for (const n of [
      "Deployment monitoring-chart:monitoring/kube-prometheus-stack-operator",
      "Deployment monitoring-chart:monitoring/kube-prometheus-stack-grafana",
      "ClusterRole monitoring-chart:kube-prometheus-stack-operator",
      "Prometheus monitoring-chart:monitoring/kube-prometheus-stack-prometheus",
    ]) {
      expect(names).toContain(n);
    }
  });

  it("every chart exemption in every stack config names the Chart resource the program creates", () => {
    const chartName = rendered.production.chart.name;
    for (const stack of ["dev", "staging", "production"]) {
      for (const [policy, entry] of Object.entries(readStackPackConfig(stack))) {
        for (const e of (entry.properties.allowedWorkloads ?? []) as WorkloadExemption[]) {
          expect(e.chart, `${stack} ${policy} ${e.workload}`).toBe(chartName);
        }
      }
    }
  });

  it.each(["production", "staging"])("%s: no mandatory violation over the render plus the chart's workloads", async (stack) => {
    const { resources } = rendered[stack];
    const report = await checkStackPolicies(stack, resources);
    expect(lines(report)).toEqual([]);
  });

  it("production: each exemption is what stands between a chart workload and a violation, and nothing else does", async () => {
    const { resources } = rendered.production;
    const report = await checkStackPolicies("production", resources, withoutExemptions(readStackPackConfig("production")));
    const found = mandatory(report).map((v) => `${v.policyName} ${workloadOf(v.urn)} ${v.message.match(/^(?:init )?container "([^"]+)"/)?.[1] ?? "*"}`);
    expect([...new Set(found)].sort()).toEqual(
      [
        "allowed-registries kube-prometheus-stack-grafana grafana",
        "no-cluster-secret-read kube-prometheus-stack-operator *",
        "no-rbac-wildcards kube-prometheus-stack-operator *",
        "container-probes kube-prometheus-stack-grafana grafana-sc-dashboard",
        "container-probes kube-prometheus-stack-grafana grafana-sc-datasources",
        "no-host-namespaces kube-prometheus-stack-prometheus-node-exporter *",
        "no-host-path-volumes kube-prometheus-stack-prometheus-node-exporter *",
        "no-service-account-token kube-prometheus-stack-grafana *",
        "no-service-account-token kube-prometheus-stack-kube-state-metrics *",
        "no-service-account-token kube-prometheus-stack-operator *",
        "readiness-differs-from-liveness kube-prometheus-stack-operator kube-prometheus-stack",
        "readiness-differs-from-liveness kube-prometheus-stack-prometheus-node-exporter node-exporter",
      ].sort(),
    );
    // no-host-ports is exempted too, for a hostPort the API server adds under hostNetwork; the
    // rendered template sets none, so offline it has nothing to report.
    const exempted = Object.entries(readStackPackConfig("production")).flatMap(([p, e]) => [
      ...((e.properties.allowedWorkloads ?? []) as WorkloadExemption[]).map((x) => `${p} ${x.workload.split("/").pop()}`),
      ...((e.properties.allowedRoles ?? []) as RoleExemption[]).map((x) => `${p} ${x.role.split("/").pop()}`),
    ]);
    expect(exempted.filter((x) => !found.some((f) => f.startsWith(x)))).toEqual(["no-host-ports kube-prometheus-stack-prometheus-node-exporter"]);
  });

  it("without Grafana's resources value, container-resources fails the grafana container", async () => {
    const { resources, chart } = rendered.production;
    const edited = withValues(chart, (v) => delete v.grafana.resources);
    const report = await checkStackPolicies("production", await withChart(resources, edited, "production"));
    expect(lines(report)).toEqual([
      'container-resources kube-prometheus-stack-grafana: container "grafana" has no resources.requests.cpu, resources.requests.memory, resources.limits.memory: without requests the scheduler cannot place the pod fairly and the HPA cannot compute utilization, and without a memory limit one pod can exhaust its node; set resources.requests.cpu and resources.requests.memory and resources.limits.memory.',
    ]);
  });

  // The real chart tells what the hand-made model did not: grafana 10.2.0's default sidecar
  // securityContext already drops ALL capabilities and forbids privilege escalation; without our
  // value only the read-only root filesystem is missing.
  it("without the sidecars' securityContext value, read-only-root-filesystem fails both sidecars", async () => {
    const { resources, chart } = rendered.production;
    const edited = withValues(chart, (v) => delete v.grafana.sidecar.securityContext);
    const report = await checkStackPolicies("production", await withChart(resources, edited, "production"));
    const found = mandatory(report).map((v) => `${v.policyName} ${v.message.match(/container "([^"]+)"/)?.[1]}`);
    expect(found.sort()).toEqual(
      ["read-only-root-filesystem"].flatMap((p) => [`${p} grafana-sc-dashboard`, `${p} grafana-sc-datasources`]).sort(),
    );
  });

  it("without Grafana's own probe values, the chart's default (one endpoint for both) fails: the sidecar exemption does not cover the grafana container", async () => {
    const { resources, chart } = rendered.production;
    const edited = withValues(chart, (v) => {
      delete v.grafana.livenessProbe;
      delete v.grafana.readinessProbe;
    });
    const report = await checkStackPolicies("production", await withChart(resources, edited, "production"));
    expect(lines(report)).toEqual([
      'readiness-differs-from-liveness kube-prometheus-stack-grafana: container "grafana" uses the same check (http 3000 /api/health) for readiness and liveness: an overloaded pod would be restarted instead of taken out of rotation; give readinessProbe its own endpoint.',
    ]);
  });

  it("the same workloads outside the Chart get no exemption", async () => {
    const { resources } = rendered.production;
    const orphans = resources.map((c) => (c.chartChild ? { ...c, parent: undefined } : c));
    const report = await checkStackPolicies("production", orphans);
    expect([...new Set(mandatory(report).map((v) => `${v.policyName} ${workloadOf(v.urn)}`))].sort()).toEqual(
      [
        "allowed-registries kube-prometheus-stack-grafana",
        "container-probes kube-prometheus-stack-grafana",
        "no-cluster-secret-read kube-prometheus-stack-operator",
        "no-rbac-wildcards kube-prometheus-stack-operator",
        "no-host-namespaces kube-prometheus-stack-prometheus-node-exporter",
        "no-host-path-volumes kube-prometheus-stack-prometheus-node-exporter",
        "no-service-account-token kube-prometheus-stack-grafana",
        "no-service-account-token kube-prometheus-stack-kube-state-metrics",
        "no-service-account-token kube-prometheus-stack-operator",
        "readiness-differs-from-liveness kube-prometheus-stack-operator",
        "readiness-differs-from-liveness kube-prometheus-stack-prometheus-node-exporter",
      ].sort(),
    );
  });

  it("the old Grafana values (the subchart's rbac.namespaced: false) fail no-cluster-secret-read; ours pass", async () => {
    const { resources, chart } = rendered.production;
    const old = withValues(chart, (v) => {
      delete v.grafana.rbac;
      delete v.grafana.sidecar.dashboards.resource;
      delete v.grafana.sidecar.datasources.resource;
    });
    const report = await checkStackPolicies("production", await withChart(resources, old, "production"));
    expect(lines(report)).toEqual([
      "no-cluster-secret-read kube-prometheus-stack-grafana-clusterrole: ClusterRole/kube-prometheus-stack-grafana-clusterrole grants get/list/watch on Secrets in every namespace: whoever is bound to it can read every credential of the cluster; grant the Secrets a workload needs in a Role of their namespace (with resourceNames), or add a reviewed exemption to no-cluster-secret-read.allowedRoles.",
    ]);
    expect(lines(await checkStackPolicies("production", resources)).filter((l) => l.startsWith("no-cluster-secret-read"))).toEqual([]);
  });

  it("kube-state-metrics with its default collectors (secrets included) fails no-cluster-secret-read", async () => {
    const { resources, chart } = rendered.production;
    const old = withValues(chart, (v) => delete v["kube-state-metrics"].collectors);
    const report = await checkStackPolicies("production", await withChart(resources, old, "production"));
    expect(mandatory(report).map((v) => `${v.policyName} ${workloadOf(v.urn)}`)).toEqual(["no-cluster-secret-read kube-prometheus-stack-kube-state-metrics"]);
  });
});
