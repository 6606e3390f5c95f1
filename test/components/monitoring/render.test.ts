import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildDashboards, dashboardJson } from "../../../components/monitoring/dashboards";
import { blackboxConfigYaml } from "../../../components/exporters/blackbox";
import { checkBlackboxConfig } from "../../../tools/check/blackbox";
import { CrdValidator, crdSchemas } from "../../../tools/check/crd-schemas";
import { loadCrdModels, validateObject } from "../../../tools/check/kubernetes-schema";
import { monitorTargets } from "../../../tools/check/monitors";
import { PROGRAMS, requireProgram, tempDir } from "../../../tools/harness/processes";
import { ARTIFACT_EXTRACTORS, isKubernetesObject, kubernetesObject, type Artifact } from "../../../tools/render/artifacts";
import type { RenderResult, RenderedResource } from "../../../tools/render/mock-runtime";
import { renderInChild } from "../../../tools/render/subprocess";
import { stackConfig } from "./fixtures";

const STACKS = ["dev", "staging", "production"] as const;
const renders = {} as Record<(typeof STACKS)[number], { result: RenderResult; files: Artifact[] }>;

beforeAll(async () => {
  await loadCrdModels();
  await Promise.all(
    STACKS.map(async (stack) => {
      const r = await renderInChild({ stack });
      if (!r.ok) throw new Error(`render ${stack} failed (${r.exitCode}): ${r.stderr}`);
      renders[stack] = { result: r.result, files: ARTIFACT_EXTRACTORS.flatMap((x) => x.extract(r.result.resources)) };
    }),
  );
}, 180_000);

const ofType = (rs: readonly RenderedResource[], type: string) => rs.filter((r) => r.type === type);
const objects = (rs: readonly RenderedResource[]) => rs.filter(isKubernetesObject).map((r) => ({ r, o: kubernetesObject(r) as any }));

for (const stack of STACKS) {
  describe(`monitoring in the ${stack} render`, () => {
    const get = () => renders[stack];

    it("one kube-prometheus-stack chart at the pinned version, in the monitoring namespace", () => {
      const charts = ofType(get().result.resources, "kubernetes:helm.sh/v4:Chart");
      expect(charts).toHaveLength(1);
      const c = charts[0];
      expect(c.name).toBe("monitoring-chart");
      expect(c.inputs).toMatchObject({
        chart: "kube-prometheus-stack",
        version: "79.7.1",
        name: "kube-prometheus-stack",
        namespace: "monitoring",
        repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
      });
      const secret = ofType(get().result.resources, "kubernetes:core/v1:Secret").find((s) => s.name === "monitoring-grafana-k8s-0")!;
      expect(c.dependsOn).toContain(secret.urn);
      for (const np of ofType(get().result.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((n) => n.name.startsWith("monitoring-netpol-"))) {
        expect(c.dependsOn).toContain(np.urn);
      }
    });

    it("every monitoring.coreos.com object waits for the chart (CRDs first)", () => {
      const chart = ofType(get().result.resources, "kubernetes:helm.sh/v4:Chart")[0];
      // Ours; the chart's own (its Prometheus, rules, monitors) wait for their CRDs inside the Chart.
      const crs = get().result.resources.filter((r) => r.type.startsWith("kubernetes:monitoring.coreos.com/") && !r.chartChild);
      expect(crs.length).toBeGreaterThan(0);
      for (const r of crs) expect(r.dependsOn, r.name).toContain(chart.urn);
    });

    it("every ServiceMonitor and Probe selects a Service this stack creates", () => {
      const targets = monitorTargets(get().result.resources);
      expect(targets.filter((t) => t.problem)).toEqual([]);
      const config = stackConfig(stack);
      const monitors = targets.filter((t) => t.kind === "ServiceMonitor").map((t) => t.name);
      for (const name of [...config.services.map((s) => `app-${s.name}`), "postgres-exporter", "redis-exporter", "blackbox-exporter"]) expect(monitors).toContain(name);
      expect(targets.filter((t) => t.kind === "Probe")).toHaveLength(config.monitoring.probes.length);
      for (const s of config.services) {
        const m = targets.find((t) => t.name === `app-${s.name}`)!;
        // Both the active and the preview Service, so the idle colour is watched before a switch.
        expect(m.services).toHaveLength(2);
      }
    });

    it("monitoring objects and exporters validate against the Kubernetes schemas and the chart's CRDs", () => {
      const mine = objects(get().result.resources).filter(({ r }) => /::(monitoring|exporters)-/.test(r.urn) || r.type.startsWith("kubernetes:monitoring.coreos.com/"));
      expect(mine.length).toBeGreaterThan(15);
      // Custom resources against the CRDs the chart ships (as the API server would), the rest against Kubernetes 1.33.
      const crds = new CrdValidator(crdSchemas(get().result.resources));
      expect(crds.kinds).toContain("monitoring.coreos.com/v1/ServiceMonitor");
      for (const { r, o } of mine) expect(crds.validate(o) ?? validateObject(o), r.urn).toEqual([]);
    });

    it("the Grafana password is generated, kept in a Secret, and appears in no output", () => {
      const { result, files } = get();
      const pw = ofType(result.resources, "random:index/randomPassword:RandomPassword").find((p) => p.name === "monitoring-grafana-password")!;
      expect(pw.inputs).toMatchObject({ length: 32, special: false });
      const secret = ofType(result.resources, "kubernetes:core/v1:Secret").find((s) => s.name === "monitoring-grafana-k8s-0")!;
      expect(secret.inputs.stringData).toBe("[secret]");
      const chart = ofType(result.resources, "kubernetes:helm.sh/v4:Chart")[0];
      expect((chart.inputs as any).values.grafana.admin.existingSecret).toBe((secret.inputs as any).metadata.name);
      const generated = result.secretValues.filter((v) => v.startsWith("mock-password-"));
      expect(generated.length).toBeGreaterThan(0);
      const everything = JSON.stringify(result) + files.map((f) => f.content).join("\n");
      const visible = JSON.stringify({ ...result, secretValues: [] }) + files.map((f) => f.content).join("\n");
      for (const v of generated) {
        expect(everything.includes(v)).toBe(true); // the check can see it where it is expected...
        expect(visible.includes(v), "generated password leaked").toBe(false); // ...and nowhere else
      }
    });

    it("dashboards ship as sidecar ConfigMaps and render to grafana/dashboards/*.json as built", () => {
      const { result, files } = get();
      // Ours (the chart ships its own Kubernetes dashboards with the same label).
      const cms = objects(result.resources).filter(({ r, o }) => !r.chartChild && o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard === "1");
      const built = buildDashboards(stackConfig(stack));
      expect(cms.map(({ o }) => o.metadata.name)).toEqual(built.map((d) => `dashboard-${d.slug}`));
      for (const d of built) {
        const file = files.find((f) => f.path === `grafana/dashboards/${d.slug}.json`);
        expect(file?.content, d.slug).toBe(dashboardJson(d));
      }
    });

    it("the rendered blackbox.yml is the builder's and passes the exporter's check", async () => {
      requireProgram(PROGRAMS.blackboxExporter);
      const file = get().files.find((f) => f.path === "blackbox/blackbox.yml");
      expect(file?.content).toBe(blackboxConfigYaml());
      const dir = tempDir("bb-render");
      const p = path.join(dir, "blackbox.yml");
      fs.writeFileSync(p, file!.content);
      const r = await checkBlackboxConfig(p);
      fs.rmSync(dir, { recursive: true, force: true });
      expect(r.ok, r.output).toBe(true);
    });

    it("exporter Deployments run hardened, with credentials by Secret reference only", () => {
      const deps = objects(get().result.resources).filter(({ o }) => o.kind === "Deployment" && /-exporter$/.test(o.metadata.name));
      expect(deps.map(({ o }) => o.metadata.name).sort()).toEqual(["blackbox-exporter", "postgres-exporter", "redis-exporter"]);
      for (const { o } of deps) {
        const c = o.spec.template.spec.containers[0];
        expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
        for (const e of c.env ?? []) if (/PASS|USER/.test(e.name)) expect(e.valueFrom?.secretKeyRef, e.name).toBeDefined();
      }
    });
  });
}

describe("schema validation of monitoring objects is live", () => {
  it("a malformed ServiceMonitor is refused", async () => {
    await loadCrdModels();
    expect(validateObject({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "x" }, spec: { selector: {}, endpoints: [{ port: 9187 }] } })).not.toEqual([]);
    expect(validateObject({ apiVersion: "monitoring.coreos.com/v1", kind: "Probe", metadata: { name: "x" }, spec: { prober: { url: 5 } } })).not.toEqual([]);
  });
});
