// platform diff over a chart version bump (issue #14): a new release of kube-prometheus-stack
// shows every chart object it changes, property by property. Only 79.7.1 exists offline, so the
// test makes 79.7.2 from it the way a chart release differs: Chart.yaml's version and one
// template default in values.yaml (the Alertmanager image tag). This chart's labels helper
// (templates/_helpers.tpl, "kube-prometheus-stack.labels") puts the version in
// `chart: kube-prometheus-stack-<version>` and `app.kubernetes.io/version` (not `helm.sh/chart`,
// which only its subcharts use, with their own versions), so every object of the chart itself
// is relabelled. The head is the production stack with `monitoring.chartVersion: "79.7.2"` in
// its stack file, rendered by the real program. The expected set of changed objects comes from
// Helm's own output of the two archives, compared object by object. The image digests known for
// 79.7.1 do not carry over to another version (components/monitoring/chart-images.ts), and
// production refuses a chart version whose images are not all set by digest, so the head also
// sets, as a user bumping the chart would (`app-platform:images`), the new version's images: the
// same references for the images the release did not change, and Alertmanager's new tag with its
// digest.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import * as jsyaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffResources, type StackDiff } from "../../tools/delivery/diff";
import { formatDiff } from "../../tools/delivery/markdown";
import { CHART_DIR_ENV, CLUSTER_API_VERSIONS, HELM_INSTALL, KUBE_VERSION, helmBinary } from "../../tools/render/chart";
import { REPO_ROOT, type RenderedResource } from "../../tools/render/mock-runtime";
import { renderInChild, stackFolder } from "../../tools/render/subprocess";
import { tempDir } from "../../tools/programs";

const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";
const CHART = "kube-prometheus-stack";
const OLD = "79.7.1";
const NEW = "79.7.2";
const OLD_TAG = "v0.29.0";
const NEW_TAG = "v0.29.1";
/** Alertmanager v0.29.0's digest, pinned for 79.7.1 (components/monitoring/chart-images.ts names its sources). */
const AM_DIGEST = "88743b63b3e09ea6e31e140ced5bf45f4a8e82c617c2a963f78841f4995ad1d7";
/** The digest the head gives Alertmanager v0.29.1 (the bumped chart is made here, so is its image's digest). */
const NEW_AM_DIGEST = "d1c0ffee".repeat(8);
/**
 * The head's `app-platform:images` lines for the images production's stack file does not set:
 * 79.7.1's references (their sources are named in components/monitoring/chart-images.ts), but
 * Alertmanager at the bumped chart's tag.
 */
const HEAD_IMAGES = [
  "    prometheus: quay.io/prometheus/prometheus:v3.7.3@sha256:49214755b6153f90a597adcbff0252cc61069f8ab69ce8411285cd4a560e8038",
  `    alertmanager: quay.io/prometheus/alertmanager:${NEW_TAG}@sha256:${NEW_AM_DIGEST}`,
  "    grafana: docker.io/grafana/grafana:12.3.0@sha256:70d9599b186ce287be0d2c5ba9a78acb2e86c1a68c9c41449454d0fc3eeb84e8",
  "    kubeStateMetrics: registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.17.0@sha256:2bbc915567334b13632bf62c0a97084aff72a36e13c4dabd5f2f11c898c5bacd",
  "    nodeExporter: quay.io/prometheus/node-exporter:v1.10.2@sha256:337ff1d356b68d39cef853e8c6345de11ce7556bb34cda8bd205bcf2ed30b565",
];
/** The Chart's values the bump changes besides its version: Alertmanager's image (paths in the diff's order). */
const IMAGE_VALUES: [string, unknown, unknown][] = [
  ["values.alertmanager.alertmanagerSpec.image.sha", AM_DIGEST, NEW_AM_DIGEST],
  ["values.alertmanager.alertmanagerSpec.image.tag", OLD_TAG, NEW_TAG],
];

let chartDir: string;
let headDir: string;
let base: RenderedResource[];
let head: RenderedResource[];
let diff: StackDiff;
const savedChartDir = process.env[CHART_DIR_ENV];

/** Unpacks the real chart, bumps its version and the Alertmanager image default, packs it as NEW. */
function makeBumpedChart(realChart: string, dir: string): void {
  const work = tempDir("chart-src");
  execFileSync("tar", ["xzf", realChart, "-C", work]);
  const chartYaml = path.join(work, CHART, "Chart.yaml");
  const meta = fs.readFileSync(chartYaml, "utf8");
  expect(meta.match(new RegExp(`^version: ${OLD.replace(/\./g, "\\.")}$`, "gm"))).toHaveLength(1);
  fs.writeFileSync(chartYaml, meta.replace(`\nversion: ${OLD}\n`, `\nversion: ${NEW}\n`));
  const valuesYaml = path.join(work, CHART, "values.yaml");
  const values = fs.readFileSync(valuesYaml, "utf8");
  const block = /(repository: prometheus\/alertmanager\n\s+tag: )v0\.29\.0\n/g;
  expect(values.match(block)).toHaveLength(1);
  fs.writeFileSync(valuesYaml, values.replace(block, `$1${NEW_TAG}\n`));
  execFileSync("tar", ["czf", path.join(dir, `${CHART}-${NEW}.tgz`), "-C", work, CHART]);
  fs.rmSync(work, { recursive: true, force: true });
}

beforeAll(async () => {
  const helm = helmBinary(REPO_ROOT);
  if (!helm) throw new Error(`helm is missing; install it with: ${HELM_INSTALL}`);
  const realChart = path.join(savedChartDir ?? "", `${CHART}-${OLD}.tgz`);
  if (!savedChartDir || !fs.existsSync(realChart)) throw new Error(`${realChart} is missing: set ${CHART_DIR_ENV} to the folder holding the pinned chart`);
  // A chart folder holding both releases, as Helm's repository cache would after `helm pull` of each.
  chartDir = tempDir("charts");
  fs.copyFileSync(realChart, path.join(chartDir, `${CHART}-${OLD}.tgz`));
  makeBumpedChart(realChart, chartDir);
  process.env[CHART_DIR_ENV] = chartDir; // the render child processes inherit it

  const stackText = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.production.yaml"), "utf8");
  expect(stackText).not.toContain("chartVersion");
  const bumped = stackText.replace(/^  app-platform:monitoring:\n/m, `  app-platform:monitoring:\n    chartVersion: "${NEW}"\n`);
  expect(bumped).not.toBe(stackText);
  const edited = bumped.replace(/^  app-platform:images:\n/m, `  app-platform:images:\n${HEAD_IMAGES.join("\n")}\n`);
  expect(edited).not.toBe(bumped);
  headDir = stackFolder("production", edited);

  const [b, h] = await Promise.all([renderInChild({ stack: "production" }), renderInChild({ stack: "production", rootDir: headDir })]);
  for (const r of [b, h]) {
    if (!r.ok) throw new Error(`render failed (${r.exitCode}): ${r.stderr}`);
    if (r.result.charts?.[0]?.status !== "rendered") throw new Error(`chart not rendered: ${r.result.charts?.[0]?.message}`);
  }
  if (!b.ok || !h.ok) return;
  expect(b.result.charts?.[0]?.version).toBe(OLD);
  expect(h.result.charts?.[0]?.version).toBe(NEW);
  base = b.result.resources;
  head = h.result.resources;
  diff = diffResources(base, head);
}, 240_000);

afterAll(() => {
  if (savedChartDir === undefined) delete process.env[CHART_DIR_ENV];
  else process.env[CHART_DIR_ENV] = savedChartDir;
  for (const d of [chartDir, headDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

/** Helm's own output of one archive for the Chart's release, namespace and values in one render, by kind/namespace/name. */
function helmObjects(version: string, side: RenderedResource[]): Map<string, Record<string, any>> {
  const chart = side.find((r) => r.type === CHART_TYPE)!.inputs as { name: string; namespace: string; values: Record<string, unknown> };
  const values = path.join(chartDir, "values.json");
  fs.writeFileSync(values, JSON.stringify(chart.values));
  const out = execFileSync(
    helmBinary(REPO_ROOT)!,
    ["template", chart.name, path.join(chartDir, `${CHART}-${version}.tgz`), "--namespace", chart.namespace, "--include-crds", "--no-hooks", "--kube-version", KUBE_VERSION, ...CLUSTER_API_VERSIONS.flatMap((v) => ["--api-versions", v]), "--values", values],
    { maxBuffer: 256 * 1024 * 1024 },
  ).toString();
  const objects = jsyaml.loadAll(out).filter((o): o is Record<string, any> => !!o && typeof o === "object" && Object.keys(o).length > 0);
  const byKey = new Map<string, Record<string, any>>(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  expect(byKey.size).toBe(objects.length);
  return byKey;
}

describe("platform diff of a chart version bump", () => {
  it("lists every chart object Helm relabels for the new release, property by property, and nothing of ours", () => {
    // Each side with its own values: the head's images come from its stack file.
    const [before, after] = [helmObjects(OLD, base), helmObjects(NEW, head)];
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const expected = [...after.keys()].filter((k) => !isDeepStrictEqual(before.get(k), after.get(k))).sort();
    const relabelled = [...after.values()].filter((o) => o.metadata?.labels?.chart === `${CHART}-${NEW}`);
    // Every object of the chart itself is relabelled; its subcharts' objects (grafana,
    // kube-state-metrics, node-exporter, CRDs) carry their own chart labels and do not change.
    expect(relabelled.length).toBeGreaterThan(50);
    expect(after.size).toBeGreaterThan(expected.length);
    // What differs between the two releases is exactly the objects carrying the chart's label
    // (the subcharts' workloads run the same images by the same digests).
    expect(expected).toEqual(relabelled.map((o) => `${o.kind}/${o.metadata.name}`).sort());

    const changedChildren = diff.changes.filter((c) => c.type !== CHART_TYPE);
    expect(changedChildren.every((c) => c.kind === "update")).toBe(true);
    const changed = changedChildren
      .map((c) => {
        const r = head.find((x) => x.urn === c.urn)!;
        return `${r.inputs.kind}/${(r.inputs.metadata as { name: string }).name}`;
      })
      .sort();
    expect(changed).toEqual(expected);
    // Every changed child is a chart child; the only other change is the Chart's own version.
    expect(changedChildren.every((c) => head.find((x) => x.urn === c.urn)?.chartChild)).toBe(true);
    const chartChange = diff.changes.find((c) => c.type === CHART_TYPE);
    expect(chartChange?.changes.map((c) => [c.path, c.old, c.new])).toEqual([...IMAGE_VALUES, ["version", OLD, NEW]]);
    expect(diff.changes).toHaveLength(relabelled.length + 1);

    // Each relabelled object shows the label change itself.
    for (const o of relabelled) {
      const c = changedChildren.find((x) => x.type.endsWith(`:${o.kind}`) && /[:/]([^:/]+)$/.exec(x.name)?.[1] === o.metadata.name);
      expect(c?.changes).toContainEqual(expect.objectContaining({ path: "metadata.labels.chart", old: `${CHART}-${OLD}`, new: `${CHART}-${NEW}` }));
    }
    console.log(`chart bump ${OLD} -> ${NEW}: ${after.size} objects from Helm, ${expected.length} differ, ${relabelled.length} relabelled, ${diff.changes.length} changes in the diff (with the Chart), ${diff.unchanged} unchanged`);
  });

  it("shows the operator Deployment's label and the new Alertmanager image in the PR comment", () => {
    const operator = diff.changes.find((c) => c.urn.endsWith(`$kubernetes:apps/v1:Deployment::monitoring-chart:monitoring/${CHART}-operator`));
    expect(operator?.kind).toBe("update");
    expect(operator?.changes.map((c) => [c.path, c.old, c.new])).toContainEqual(["metadata.labels.chart", `${CHART}-${OLD}`, `${CHART}-${NEW}`]);
    const am = diff.changes.find((c) => c.type === "kubernetes:monitoring.coreos.com/v1:Alertmanager");
    const image = am?.changes.find((c) => c.path === "spec.image");
    expect(image).toEqual(expect.objectContaining({ old: `quay.io/prometheus/alertmanager:${OLD_TAG}@sha256:${AM_DIGEST}`, new: `quay.io/prometheus/alertmanager:${NEW_TAG}@sha256:${NEW_AM_DIGEST}` }));

    const md = formatDiff({ stack: "production", baseRef: "main", diff, secretConfig: [], resourcesWithSecrets: [] }, { maxChars: Number.MAX_SAFE_INTEGER });
    expect(md).toContain(`monitoring-chart:monitoring/${CHART}-operator`);
    expect(md).toContain("metadata.labels.chart");
    expect(md).toContain(`${CHART}-${NEW}`);
    expect(md).toContain("spec.image");
    expect(md).toContain(`quay.io/prometheus/alertmanager:${NEW_TAG}`);
    for (const c of diff.changes) expect(md).toContain(c.name);
  });
});
