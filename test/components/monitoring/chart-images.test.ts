// The chart's images pinned by digest (components/monitoring/chart-images.ts), judged on what
// Helm 4.1.4 renders from the real kube-prometheus-stack 79.7.1 with production's values: each
// pinned image runs as `<image>:<tag>@sha256:<digest>` in the object that runs it, the tag beside
// the digest is the one the chart itself would run (so a pin cannot hold back an image the chart
// moved on from), and the digests are the ones the public sources give (typed here from those
// sources, not from the table).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as jsyaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { CHART_IMAGE_PINS, chartImageValues } from "../../../components/monitoring/chart-images";
import { MONITORING_RELEASE } from "../../../components/monitoring/contract";
import { kubePrometheusStackValues } from "../../../components/monitoring/values";
import { tempDir } from "../../../tools/harness/processes";
import { CHART_DIR_ENV, chartDirs, findChart, helmBinary, helmTemplateArgs, parseManifest } from "../../../tools/render/chart";
import { REPO_ROOT } from "../../../tools/render/mock-runtime";
import { stackConfig } from "./fixtures";

type Obj = { kind: string; metadata: { name: string }; spec?: any };

const VERSION = "79.7.1";
let chartFile: string;
let objects: Obj[];
let chartValues: Record<string, any>;
let subchartMeta: Record<string, { appVersion: string }>;

beforeAll(() => {
  const helm = helmBinary(REPO_ROOT);
  if (!helm) throw new Error("helm is not installed; install it with: bash scripts/install-helm.sh");
  const config = stackConfig("production");
  expect(config.monitoring.chartVersion).toBe(VERSION);
  const found = findChart("kube-prometheus-stack", VERSION, chartDirs(undefined));
  if (!found) throw new Error(`the pinned chart is not in ${CHART_DIR_ENV}=${process.env[CHART_DIR_ENV]} (../shared/charts)`);
  chartFile = found;
  const dir = tempDir("chart-images");
  const file = path.join(dir, "values.json");
  fs.writeFileSync(file, JSON.stringify(kubePrometheusStackValues(config, { grafanaAdminSecret: "grafana-admin" })));
  objects = parseManifest(execFileSync(helm, [...helmTemplateArgs(MONITORING_RELEASE, chartFile, "monitoring"), "--values", file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 })).map(
    (o) => o.object as Obj,
  );
  // The chart's own defaults: its values.yaml and its subcharts' appVersions.
  execFileSync("tar", ["xzf", chartFile, "-C", dir]);
  const root = path.join(dir, "kube-prometheus-stack");
  chartValues = jsyaml.load(fs.readFileSync(path.join(root, "values.yaml"), "utf8")) as Record<string, any>;
  subchartMeta = Object.fromEntries(
    ["grafana", "kube-state-metrics", "prometheus-node-exporter"].map((c) => [c, jsyaml.load(fs.readFileSync(path.join(root, "charts", c, "Chart.yaml"), "utf8")) as { appVersion: string }]),
  );
}, 120_000);

const obj = (kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`helm rendered no ${kind} ${name}`);
  return o;
};
const container = (o: Obj, name: string) => (o.spec.template.spec.containers as { name: string; image: string }[]).find((c) => c.name === name)!.image;

describe(`kube-prometheus-stack ${VERSION}: images pinned by digest`, () => {
  // Digests as the sources give them (see the comments in components/monitoring/chart-images.ts).
  it.each([
    ["Prometheus CR", () => obj("Prometheus", "kube-prometheus-stack-prometheus").spec.image, "quay.io/prometheus/prometheus:v3.7.3@sha256:49214755b6153f90a597adcbff0252cc61069f8ab69ce8411285cd4a560e8038"],
    ["Alertmanager CR", () => obj("Alertmanager", "kube-prometheus-stack-alertmanager").spec.image, "quay.io/prometheus/alertmanager:v0.29.0@sha256:88743b63b3e09ea6e31e140ced5bf45f4a8e82c617c2a963f78841f4995ad1d7"],
    ["Grafana", () => container(obj("Deployment", "kube-prometheus-stack-grafana"), "grafana"), "docker.io/grafana/grafana:12.3.0@sha256:70d9599b186ce287be0d2c5ba9a78acb2e86c1a68c9c41449454d0fc3eeb84e8"],
    [
      "kube-state-metrics",
      () => container(obj("Deployment", "kube-prometheus-stack-kube-state-metrics"), "kube-state-metrics"),
      "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.17.0@sha256:2bbc915567334b13632bf62c0a97084aff72a36e13c4dabd5f2f11c898c5bacd",
    ],
    ["node-exporter", () => container(obj("DaemonSet", "kube-prometheus-stack-prometheus-node-exporter"), "node-exporter"), "quay.io/prometheus/node-exporter:v1.10.2@sha256:337ff1d356b68d39cef853e8c6345de11ce7556bb34cda8bd205bcf2ed30b565"],
  ])("%s runs %s", (_what, image, want) => {
    expect(image()).toBe(want);
  });

  it("each pin's tag is the one the chart runs by default, so the digest is of the image the chart expects", () => {
    const pins = CHART_IMAGE_PINS[VERSION];
    const chartDefault: Record<string, string> = {
      prometheus: chartValues.prometheus.prometheusSpec.image.tag,
      alertmanager: chartValues.alertmanager.alertmanagerSpec.image.tag,
      grafana: subchartMeta.grafana.appVersion,
      kubeStateMetrics: `v${subchartMeta["kube-state-metrics"].appVersion}`,
      nodeExporter: `v${subchartMeta["prometheus-node-exporter"].appVersion}`,
    };
    expect(Object.keys(pins).sort()).toEqual(Object.keys(chartDefault).sort());
    for (const [key, pin] of Object.entries(pins)) expect(`${key} ${pin!.tag}`).toBe(`${key} ${chartDefault[key]}`);
  });

  it("every digest is a sha256 manifest digest (64 lowercase hex)", () => {
    for (const pin of Object.values(CHART_IMAGE_PINS[VERSION])) expect(pin!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("leaves the images no two sources confirm at their tags: the operator, its config reloader, Grafana's sidecar", () => {
    expect(container(obj("Deployment", "kube-prometheus-stack-operator"), "kube-prometheus-stack")).toBe("quay.io/prometheus-operator/prometheus-operator:v0.86.2");
    const args = (obj("Deployment", "kube-prometheus-stack-operator").spec.template.spec.containers[0].args as string[]).filter((a) => a.startsWith("--prometheus-config-reloader="));
    expect(args).toEqual(["--prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2"]);
    expect(container(obj("Deployment", "kube-prometheus-stack-grafana"), "grafana-sc-dashboard")).toBe("quay.io/kiwigrid/k8s-sidecar:1.30.10");
  });

  it("pins nothing for another chart version: its images are the chart's, and production's image-digest policy names them", () => {
    expect(chartImageValues("79.7.2")).toEqual({});
    expect(Object.keys(CHART_IMAGE_PINS)).toEqual([VERSION]);
  });
});
