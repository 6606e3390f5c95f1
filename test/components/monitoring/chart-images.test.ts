// The chart's images (components/monitoring/chart-images.ts, and a stack's `images` over them),
// judged on what Helm renders from the real kube-prometheus-stack 79.7.1: each pinned image runs
// as `<image>:<tag>@sha256:<digest>` in the object that runs it, the tag of every default is the
// one the chart itself would run (so a pin cannot hold back an image the chart moved on from),
// the digests are the ones the public sources give (typed here from those sources, not from the
// table), and a mirror set in `images` reaches every template that runs the image.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as jsyaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { CHART_IMAGES, CHART_IMAGE_ROLES, chartImageValues } from "../../../components/monitoring/chart-images";
import { resolveImages } from "../../../stacks/resolve";
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
let chartMeta: { appVersion: string };
let grafanaValues: Record<string, any>;
let helm: string;

/** Helm's render of the chart with the values of `config` (production's, possibly edited). */
function render(config: ReturnType<typeof stackConfig>): Obj[] {
  const file = path.join(tempDir("chart-images"), "values.json");
  fs.writeFileSync(file, JSON.stringify(kubePrometheusStackValues(config, { grafanaAdminSecret: "grafana-admin" })));
  return parseManifest(execFileSync(helm, [...helmTemplateArgs(MONITORING_RELEASE, chartFile, "monitoring"), "--values", file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 })).map(
    (o) => o.object as Obj,
  );
}

beforeAll(() => {
  const found0 = helmBinary(REPO_ROOT);
  if (!found0) throw new Error("helm is not installed; install it with: bash scripts/install-helm.sh");
  const config = stackConfig("production");
  expect(config.monitoring.chartVersion).toBe(VERSION);
  const found = findChart("kube-prometheus-stack", VERSION, chartDirs(undefined));
  if (!found) throw new Error(`the pinned chart is not in ${CHART_DIR_ENV}=${process.env[CHART_DIR_ENV]} (../shared/charts)`);
  helm = found0;
  chartFile = found;
  objects = render(config);
  const dir = tempDir("chart-images");
  // The chart's own defaults: its values.yaml and its subcharts' appVersions.
  execFileSync("tar", ["xzf", chartFile, "-C", dir]);
  const root = path.join(dir, "kube-prometheus-stack");
  chartValues = jsyaml.load(fs.readFileSync(path.join(root, "values.yaml"), "utf8")) as Record<string, any>;
  subchartMeta = Object.fromEntries(
    ["grafana", "kube-state-metrics", "prometheus-node-exporter"].map((c) => [c, jsyaml.load(fs.readFileSync(path.join(root, "charts", c, "Chart.yaml"), "utf8")) as { appVersion: string }]),
  );
  chartMeta = jsyaml.load(fs.readFileSync(path.join(root, "Chart.yaml"), "utf8")) as { appVersion: string };
  grafanaValues = jsyaml.load(fs.readFileSync(path.join(root, "charts", "grafana", "values.yaml"), "utf8")) as Record<string, any>;
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

  it("each default image's tag is the one the chart runs by default, so a digest is of the image the chart expects", () => {
    const chartDefault: Record<string, string> = {
      prometheus: chartValues.prometheus.prometheusSpec.image.tag,
      alertmanager: chartValues.alertmanager.alertmanagerSpec.image.tag,
      // The operator and its reloader run the chart's appVersion when their tag is empty.
      prometheusOperator: chartValues.prometheusOperator.image.tag || chartMeta.appVersion,
      prometheusConfigReloader: chartValues.prometheusOperator.prometheusConfigReloader.image.tag || chartMeta.appVersion,
      grafana: subchartMeta.grafana.appVersion,
      grafanaSidecar: grafanaValues.sidecar.image.tag,
      kubeStateMetrics: `v${subchartMeta["kube-state-metrics"].appVersion}`,
      nodeExporter: `v${subchartMeta["prometheus-node-exporter"].appVersion}`,
    };
    const defaults = CHART_IMAGES[VERSION];
    expect(Object.keys(defaults).sort()).toEqual([...CHART_IMAGE_ROLES].sort());
    expect(Object.keys(chartDefault).sort()).toEqual([...CHART_IMAGE_ROLES].sort());
    for (const [role, ref] of Object.entries(defaults)) expect(`${role} ${ref.split("@")[0].split(":").pop()}`).toBe(`${role} ${chartDefault[role]}`);
  });

  it("every digest is a sha256 manifest digest (64 lowercase hex)", () => {
    for (const ref of Object.values(CHART_IMAGES[VERSION])) if (ref.includes("@")) expect(ref.split("@")[1]).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("runs the production stack's `images` for the three images no two sources confirm (the operator, its config reloader, Grafana's sidecar)", () => {
    const z = `sha256:${"0".repeat(64)}`;
    expect(container(obj("Deployment", "kube-prometheus-stack-operator"), "kube-prometheus-stack")).toBe(`quay.io/prometheus-operator/prometheus-operator:v0.86.2@${z}`);
    const args = (obj("Deployment", "kube-prometheus-stack-operator").spec.template.spec.containers[0].args as string[]).filter((a) => a.startsWith("--prometheus-config-reloader="));
    expect(args).toEqual([`--prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2@${z}`]);
    expect(container(obj("Deployment", "kube-prometheus-stack-grafana"), "grafana-sc-dashboard")).toBe(`quay.io/kiwigrid/k8s-sidecar:1.30.10@${z}`);
  });

  it("runs a mirror set in `images` (another registry and repository, the chart's tag, a digest) in every object that runs the image", () => {
    const base = stackConfig("production");
    const d = "sha256:3f0c9d1a2b4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
    const mirror = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror";
    const images = resolveImages(
      {
        prometheus: `${mirror}/prometheus:v3.7.3@${d}`,
        alertmanager: `${mirror}/alertmanager:v0.29.0@${d}`,
        prometheusOperator: `${mirror}/prometheus-operator:v0.86.2@${d}`,
        prometheusConfigReloader: `${mirror}/prometheus-config-reloader:v0.86.2@${d}`,
        grafana: `${mirror}/grafana:12.3.0@${d}`,
        grafanaSidecar: `${mirror}/k8s-sidecar:1.30.10@${d}`,
        kubeStateMetrics: `${mirror}/kube-state-metrics:v2.17.0@${d}`,
        nodeExporter: `${mirror}/node-exporter:v1.10.2@${d}`,
      },
      VERSION,
    );
    const rendered = render({ ...base, images: images });
    const one = (kind: string, name: string) => rendered.find((x) => x.kind === kind && x.metadata.name === name)!;
    const c = (o: Obj, name: string) => (o.spec.template.spec.containers as { name: string; image: string }[]).find((x) => x.name === name)!.image;
    const operator = one("Deployment", "kube-prometheus-stack-operator");
    expect({
      prometheus: one("Prometheus", "kube-prometheus-stack-prometheus").spec.image,
      alertmanager: one("Alertmanager", "kube-prometheus-stack-alertmanager").spec.image,
      operator: c(operator, "kube-prometheus-stack"),
      reloader: (operator.spec.template.spec.containers[0].args as string[]).find((a) => a.startsWith("--prometheus-config-reloader=")),
      grafana: c(one("Deployment", "kube-prometheus-stack-grafana"), "grafana"),
      dashboards: c(one("Deployment", "kube-prometheus-stack-grafana"), "grafana-sc-dashboard"),
      datasources: c(one("Deployment", "kube-prometheus-stack-grafana"), "grafana-sc-datasources"),
      kubeStateMetrics: c(one("Deployment", "kube-prometheus-stack-kube-state-metrics"), "kube-state-metrics"),
      nodeExporter: c(one("DaemonSet", "kube-prometheus-stack-prometheus-node-exporter"), "node-exporter"),
    }).toEqual({
      prometheus: `${mirror}/prometheus:v3.7.3@${d}`,
      alertmanager: `${mirror}/alertmanager:v0.29.0@${d}`,
      operator: `${mirror}/prometheus-operator:v0.86.2@${d}`,
      reloader: `--prometheus-config-reloader=${mirror}/prometheus-config-reloader:v0.86.2@${d}`,
      grafana: `${mirror}/grafana:12.3.0@${d}`,
      dashboards: `${mirror}/k8s-sidecar:1.30.10@${d}`,
      datasources: `${mirror}/k8s-sidecar:1.30.10@${d}`,
      kubeStateMetrics: `${mirror}/kube-state-metrics:v2.17.0@${d}`,
      nodeExporter: `${mirror}/node-exporter:v1.10.2@${d}`,
    });
  }, 120_000);

  it("sets nothing for another chart version: its images are the chart's own, and production's loader asks for each by its `images` key", () => {
    expect(chartImageValues(resolveImages({}, "79.7.2").chart)).toEqual({});
    expect(Object.keys(CHART_IMAGES)).toEqual([VERSION]);
  });
});
