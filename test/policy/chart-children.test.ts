import { beforeAll, describe, expect, it } from "vitest";
import { CHART_WORKLOAD_RESOURCES } from "../../components/monitoring/values";
import type { WorkloadExemption } from "../../policy/lib/exemptions";
import { checkStackPolicies, readStackPackConfig, type PackConfig, type PolicyReport } from "../../tools/policy";
import type { RenderedResource } from "../../tools/render/harness";
import { renderInChild } from "../../tools/render/subprocess";
import { chartChildren } from "./chart-children";

const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** The render of a stack and its Chart record (one render per stack, in a child process). */
async function renderStack(stack: string): Promise<{ resources: RenderedResource[]; chart: RenderedResource }> {
  const r = await renderInChild({ stack });
  if (!r.ok) throw new Error(`render of ${stack} failed (${r.exitCode}): ${r.stderr}`);
  const chart = r.result.resources.find((x) => x.type === CHART_TYPE);
  if (!chart) throw new Error(`render of ${stack} has no ${CHART_TYPE}`);
  return { resources: r.result.resources, chart };
}

/** The Chart record with its values edited (a deep copy; the render stays untouched). */
function withValues(chart: RenderedResource, edit: (values: Record<string, any>) => void): RenderedResource {
  const copy = structuredClone(chart) as RenderedResource & { inputs: { values: Record<string, any> } };
  edit(copy.inputs.values);
  return copy;
}

/** A stack's pack config with every `allowedWorkloads` list emptied. */
function withoutExemptions(config: PackConfig): PackConfig {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, "allowedWorkloads" in v.properties ? { ...v, properties: { ...v.properties, allowedWorkloads: [] } } : v]));
}

const mandatory = (report: PolicyReport) => report.violations.filter((v) => v.enforcementLevel === "mandatory");
const workloadOf = (urn: string | undefined) => urn?.split("::").pop()?.split("/").pop();
const lines = (report: PolicyReport) => mandatory(report).map((v) => `${v.policyName} ${workloadOf(v.urn)}: ${v.message}`);

describe("chart children under the production and staging configs", () => {
  const rendered: Record<string, { resources: RenderedResource[]; chart: RenderedResource }> = {};
  beforeAll(async () => {
    rendered.production = await renderStack("production");
    rendered.staging = await renderStack("staging");
  }, 120_000);

  it("models the chart's workloads as helm.v4.Chart registers them: parented to the Chart, named <chart>:<namespace>/<object>", () => {
    const { chart } = rendered.production;
    const children = chartChildren(chart);
    expect(children.map((c) => `${c.type} ${c.name}`)).toEqual([
      "kubernetes:apps/v1:Deployment monitoring-chart:monitoring/kube-prometheus-stack-operator",
      "kubernetes:apps/v1:Deployment monitoring-chart:monitoring/kube-prometheus-stack-kube-state-metrics",
      "kubernetes:apps/v1:DaemonSet monitoring-chart:host-agents/kube-prometheus-stack-prometheus-node-exporter",
      "kubernetes:apps/v1:Deployment monitoring-chart:monitoring/kube-prometheus-stack-grafana",
    ]);
    for (const c of children) {
      expect(c.parent).toBe(chart.urn);
      expect(c.urn).toBe(`urn:pulumi:production::app-platform::app-platform:monitoring:MonitoringStack$kubernetes:helm.sh/v4:Chart$${c.type}::${c.name}`);
    }
    // The fields come from our values, not from the fixture: Grafana's sidecar sizing is the values builder's.
    const grafana = children[3].inputs as any;
    expect(grafana.spec.replicas).toBe(1);
    expect(grafana.spec.template.spec.containers.map((c: any) => c.name)).toEqual(["grafana-sc-dashboard", "grafana-sc-datasources", "grafana"]);
    expect(grafana.spec.template.spec.containers[0].resources).toEqual(CHART_WORKLOAD_RESOURCES.grafanaSidecar);
    expect(grafana.spec.template.spec.containers[2].livenessProbe).toEqual({ tcpSocket: { port: 3000 }, initialDelaySeconds: 60, timeoutSeconds: 30, failureThreshold: 10 });
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
    const { resources, chart } = rendered[stack];
    const report = await checkStackPolicies(stack, [...resources, ...chartChildren(chart)]);
    expect(lines(report)).toEqual([]);
  });

  it("production: each exemption is what stands between a chart workload and a violation, and nothing else does", async () => {
    const { resources, chart } = rendered.production;
    const report = await checkStackPolicies("production", [...resources, ...chartChildren(chart)], withoutExemptions(readStackPackConfig("production")));
    const found = mandatory(report).map((v) => `${v.policyName} ${workloadOf(v.urn)} ${v.message.match(/^(?:init )?container "([^"]+)"/)?.[1] ?? "*"}`);
    expect([...new Set(found)].sort()).toEqual(
      [
        "allowed-registries kube-prometheus-stack-grafana grafana",
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
    const exempted = Object.entries(readStackPackConfig("production")).flatMap(([p, e]) => ((e.properties.allowedWorkloads ?? []) as WorkloadExemption[]).map((x) => `${p} ${x.workload.split("/").pop()}`));
    expect(exempted.filter((x) => !found.some((f) => f.startsWith(x)))).toEqual(["no-host-ports kube-prometheus-stack-prometheus-node-exporter"]);
  });

  it("without Grafana's resources value, container-resources fails the grafana container", async () => {
    const { resources, chart } = rendered.production;
    const edited = withValues(chart, (v) => delete v.grafana.resources);
    const report = await checkStackPolicies("production", [...resources, ...chartChildren(edited)]);
    expect(lines(report)).toEqual([
      'container-resources kube-prometheus-stack-grafana: container "grafana" has no resources.requests.cpu, resources.requests.memory, resources.limits.memory: without requests the scheduler cannot place the pod fairly and the HPA cannot compute utilization, and without a memory limit one pod can exhaust its node; set resources.requests.cpu and resources.requests.memory and resources.limits.memory.',
    ]);
  });

  it("without the sidecars' securityContext value, the security policies fail both sidecars", async () => {
    const { resources, chart } = rendered.production;
    const edited = withValues(chart, (v) => delete v.grafana.sidecar.securityContext);
    const report = await checkStackPolicies("production", [...resources, ...chartChildren(edited)]);
    const found = mandatory(report).map((v) => `${v.policyName} ${v.message.match(/container "([^"]+)"/)?.[1]}`);
    expect(found.sort()).toEqual(
      ["drop-all-capabilities", "no-privilege-escalation", "read-only-root-filesystem"].flatMap((p) => [`${p} grafana-sc-dashboard`, `${p} grafana-sc-datasources`]).sort(),
    );
  });

  it("without Grafana's own probe values, the chart's default (one endpoint for both) fails: the sidecar exemption does not cover the grafana container", async () => {
    const { resources, chart } = rendered.production;
    const edited = withValues(chart, (v) => {
      delete v.grafana.livenessProbe;
      delete v.grafana.readinessProbe;
    });
    const report = await checkStackPolicies("production", [...resources, ...chartChildren(edited)]);
    expect(lines(report)).toEqual([
      'readiness-differs-from-liveness kube-prometheus-stack-grafana: container "grafana" uses the same check (http 3000 /api/health) for readiness and liveness: an overloaded pod would be restarted instead of taken out of rotation; give readinessProbe its own endpoint.',
    ]);
  });

  it("the same workloads outside the Chart get no exemption", async () => {
    const { resources, chart } = rendered.production;
    const orphans = chartChildren(chart).map((c) => ({ ...c, parent: undefined }));
    const report = await checkStackPolicies("production", [...resources, ...orphans]);
    expect([...new Set(mandatory(report).map((v) => `${v.policyName} ${workloadOf(v.urn)}`))].sort()).toEqual(
      [
        "allowed-registries kube-prometheus-stack-grafana",
        "container-probes kube-prometheus-stack-grafana",
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
});
