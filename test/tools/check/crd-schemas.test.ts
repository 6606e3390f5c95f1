// Custom resources against the real CRDs of the pinned chart (read from the archive in
// ../shared/charts), as the API server validates them.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { CrdValidator, crdSchemas } from "../../../tools/check/crd-schemas";
import { clusterServices, monitorTargets } from "../../../tools/check/monitors";
import { CHART_DIR_ENV } from "../../../tools/render/chart";
import type { RenderedResource } from "../../../tools/render/mock-runtime";

const CHART = "kube-prometheus-stack-79.7.1.tgz";

function crdFromChart(file: string): RenderedResource {
  const dir = process.env[CHART_DIR_ENV] ?? "";
  const archive = path.join(dir, CHART);
  if (!fs.existsSync(archive)) throw new Error(`${archive} not found; set ${CHART_DIR_ENV} to the folder holding it (../shared/charts)`);
  const text = execFileSync("tar", ["-xzOf", archive, `kube-prometheus-stack/charts/crds/crds/${file}`], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const inputs = YAML.parse(text) as Record<string, unknown>;
  return { type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", name: file, urn: `urn:x::${file}`, dependsOn: [], custom: true, options: {}, inputs };
}

const validator = new CrdValidator(crdSchemas([crdFromChart("crd-servicemonitors.yaml"), crdFromChart("crd-prometheuses.yaml")]));

const serviceMonitor = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "ServiceMonitor",
  metadata: { name: "podinfo", namespace: "apps" },
  spec: { selector: { matchLabels: { app: "podinfo" } }, endpoints: [{ port: "http", interval: "30s" }] },
};

describe("custom resources against the chart's CRDs", () => {
  it("knows the kinds the CRDs define", () => {
    expect(validator.kinds.sort()).toEqual(["monitoring.coreos.com/v1/Prometheus", "monitoring.coreos.com/v1/ServiceMonitor"]);
  });

  it("accepts a valid ServiceMonitor", () => {
    expect(validator.validate(serviceMonitor)).toEqual([]);
  });

  it("rejects a misspelt field that the API server would drop (intervall for interval)", () => {
    const errors = validator.validate({ ...serviceMonitor, spec: { ...serviceMonitor.spec, endpoints: [{ port: "http", intervall: "30s" }] } });
    expect(errors).toEqual(["/spec/endpoints/0 must NOT have additional properties (intervall) — unknown field, the API server would drop it"]);
  });

  it("requires what the CRD requires (a ServiceMonitor's endpoints)", () => {
    const { endpoints: _, ...rest } = serviceMonitor.spec;
    expect(validator.validate({ ...serviceMonitor, spec: rest })).toEqual(["/spec must have required property 'endpoints'"]);
  });

  it("rejects a wrong type (the CRD says interval is a duration string)", () => {
    const errors = validator.validate({ ...serviceMonitor, spec: { ...serviceMonitor.spec, endpoints: [{ port: "http", interval: 30 }] } });
    expect(errors?.some((e) => e.startsWith("/spec/endpoints/0/interval must be string"))).toBe(true);
  });

  it("accepts a Prometheus volumeClaimTemplate without apiVersion and kind, as the CRD allows", () => {
    const prom = {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "Prometheus",
      metadata: { name: "p", namespace: "monitoring" },
      spec: { storage: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "100Gi" } } } } } },
    };
    expect(validator.validate(prom)).toEqual([]);
  });

  it("has no opinion on kinds without a CRD in the render", () => {
    expect(validator.validate({ apiVersion: "monitoring.coreos.com/v1", kind: "Probe", metadata: { name: "x" } })).toBeUndefined();
  });
});

describe("Services the cluster provides", () => {
  it("lets the chart's apiserver and kubelet ServiceMonitors find the API server's and the operator's Services", () => {
    const operator = { kind: "Deployment", spec: { template: { spec: { containers: [{ args: ["--kubelet-service=kube-system/kps-kubelet", "--kubelet-endpoints=true"] }] } } } };
    expect(clusterServices([operator]).map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`)).toEqual(["default/kubernetes", "kube-system/kps-kubelet"]);
    const rec = (inputs: Record<string, unknown>): RenderedResource => ({ type: `kubernetes:x/v1:${inputs.kind}`, name: "n", urn: "u", dependsOn: [], custom: true, options: {}, inputs });
    const kubelet = rec({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: { name: "kubelet", namespace: "monitoring" },
      spec: { namespaceSelector: { matchNames: ["kube-system"] }, selector: { matchLabels: { "app.kubernetes.io/name": "kubelet", "k8s-app": "kubelet" } }, endpoints: [{ port: "https-metrics" }, { port: "cadvisor" }] },
    });
    const targets = monitorTargets([rec({ apiVersion: "apps/v1", ...operator, metadata: { name: "op", namespace: "monitoring" } }), kubelet]);
    expect(targets.map((t) => t.services)).toEqual([["kube-system/kps-kubelet"]]);
  });
});
