// Chart children as helm.v4.Chart registers them. Expectations come from outside the code:
// the provider's own tests (pulumi/pulumi-kubernetes provider/pkg/provider/helm/v4/chart_test.go
// names children `<chart>:<namespace>/<name>` with type `kubernetes:core/v1:ServiceAccount` under
// the Chart's URN), the chart archive itself (its crds/ folder, its sha256 in
// ../shared/charts/README.md), and Helm's own output.
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { tempDir } from "../../../tools/harness/processes";
import { CHART_DIR_ENV, chartChildren, childUrn, helmBinary, helmTemplateArgs, kubernetesType, parseManifest, renderChart } from "../../../tools/render/chart";
import { REPO_ROOT, type RenderResult, type RenderedResource } from "../../../tools/render/mock-runtime";

const CHART_FILE = "kube-prometheus-stack-79.7.1.tgz";
/** From ../shared/charts/README.md. */
const CHART_SHA256 = "a415c902bc7ab30a1ec2c21e44ed3812266d4d15a19fd05fedaea5680f563d26";

function chartDir(): string {
  const dir = process.env[CHART_DIR_ENV];
  if (!dir || !fs.existsSync(path.join(dir, CHART_FILE))) {
    throw new Error(`${CHART_FILE} not found in ${CHART_DIR_ENV}=${dir}; it ships in ../shared/charts beside the clone (see vitest.config.ts)`);
  }
  return dir;
}

function helm(): string {
  const bin = helmBinary(REPO_ROOT);
  if (!bin) throw new Error("helm is not installed; install it with: bash scripts/install-helm.sh");
  return bin;
}

describe("naming, as the provider registers chart objects", () => {
  it("uses the provider's type tokens (the core group is core/v1)", () => {
    expect(kubernetesType("v1", "ServiceAccount")).toBe("kubernetes:core/v1:ServiceAccount");
    expect(kubernetesType("apiextensions.k8s.io/v1", "CustomResourceDefinition")).toBe("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
  });

  it("puts children under the Chart's URN (the provider's test case)", () => {
    expect(childUrn("urn:pulumi:stack::project::kubernetes:helm/v4:Chart::test", "kubernetes:core/v1:ServiceAccount", "test:default/test-reference")).toBe(
      "urn:pulumi:stack::project::kubernetes:helm/v4:Chart$kubernetes:core/v1:ServiceAccount::test:default/test-reference",
    );
  });

  it("names children <chart>:<namespace>/<name>, cluster-scoped ones <chart>:<name>, applies the release namespace, hides Secret data", () => {
    const manifest = [
      "---",
      "# Source: reference/crds/crontabs.yaml",
      "apiVersion: apiextensions.k8s.io/v1",
      "kind: CustomResourceDefinition",
      "metadata:\n  name: crontabs.stable.example.com",
      "spec:\n  group: stable.example.com\n  scope: Namespaced\n  names:\n    kind: CronTab\n  versions:\n  - name: v1",
      "---",
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: test-reference",
      "---",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: test-reference",
      "---",
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: other\nstringData:\n  password: hunter2",
      "---",
      "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: tab",
      "---",
      "",
    ].join("\n");
    const chartUrn = "urn:pulumi:stack::project::kubernetes:helm/v4:Chart::test";
    const children = chartChildren(parseManifest(manifest), { urn: chartUrn, name: "test", namespace: "release" });
    expect(children.map((c) => [c.type, c.name])).toEqual([
      ["kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "test:crontabs.stable.example.com"],
      ["kubernetes:core/v1:ServiceAccount", "test:release/test-reference"],
      ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "test:test-reference"],
      ["kubernetes:core/v1:Secret", "test:other/s"],
      ["kubernetes:stable.example.com/v1:CronTab", "test:release/tab"],
    ]);
    for (const c of children) {
      expect(c.parent).toBe(chartUrn);
      expect(c.chartChild).toBe(true);
      expect(c.custom).toBe(true);
    }
    expect(children[3].inputs.stringData).toBe("[secret]");
    expect(JSON.stringify(children)).not.toContain("hunter2");
    // A custom resource waits for its CRD.
    expect(children[4].dependsOn).toEqual([children[0].urn]);
  });
});

describe("a chart that cannot be rendered is reported, never skipped silently", () => {
  const chart: RenderedResource = {
    type: "kubernetes:helm.sh/v4:Chart",
    name: "monitoring-chart",
    urn: "urn:pulumi:dev::app-platform::kubernetes:helm.sh/v4:Chart::monitoring-chart",
    dependsOn: [],
    custom: false,
    options: {},
    inputs: { chart: "kube-prometheus-stack", version: "79.7.1", name: "kube-prometheus-stack", namespace: "monitoring", values: {} },
  };

  it("names the missing chart, the folder searched and the fix", async () => {
    const empty = tempDir("no-charts");
    const { render, children } = await renderChart(chart, { stack: "dev", project: "app-platform", repoRoot: REPO_ROOT, chartDir: empty });
    expect(children).toEqual([]);
    expect(render.status).toBe("missing");
    expect(render.message).toBe(
      `kube-prometheus-stack 79.7.1: chart children are missing: kube-prometheus-stack-79.7.1.tgz is not in ${empty}; pass --chart-dir DIR or set PLATFORM_CHART_DIR (\`helm pull\` fills it where there is network)`,
    );
  });

  it("names the install command when Helm is not installed", async () => {
    const { render } = await renderChart(chart, { stack: "dev", project: "app-platform", repoRoot: tempDir("no-helm"), chartDir: chartDir() });
    expect(render.status).toBe("missing");
    expect(render.message).toContain("helm is not installed; install it with: bash scripts/install-helm.sh");
  });

  it("platform render says so, names the fix, and still writes our objects", async () => {
    const empty = tempDir("no-charts");
    const out = path.join(tempDir("render-missing"), "dev");
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [path.join(REPO_ROOT, "tools", "bin", "platform.js"), "render", "dev", "--out", out, "--chart-dir", empty], { cwd: REPO_ROOT }, (err, o, e) => (err ? reject(new Error(e)) : resolve(o))),
    );
    expect(stdout).toContain(`WARNING: kube-prometheus-stack 79.7.1: chart children are missing: kube-prometheus-stack-79.7.1.tgz is not in ${empty}; pass --chart-dir DIR or set PLATFORM_CHART_DIR`);
    expect(fs.existsSync(path.join(out, "manifests", "monitoring", "chart"))).toBe(false);
    expect(fs.readdirSync(path.join(out, "manifests", "monitoring")).length).toBeGreaterThan(5);
  });

  it("leaves a chart whose inputs are unknown without children, as a preview does", async () => {
    const { render } = await renderChart({ ...chart, inputs: { ...chart.inputs, namespace: "[unknown]" } }, { stack: "dev", project: "app-platform", repoRoot: REPO_ROOT, chartDir: chartDir() });
    expect(render.status).toBe("unknown");
  });
});

describe("the production render with the real chart", () => {
  let result: RenderResult;
  let children: RenderedResource[];
  let outDir: string;
  let stdout: string;

  beforeAll(async () => {
    chartDir();
    helm();
    outDir = path.join(tempDir("chart-render"), "production");
    // As a user types it: the chart folder by flag.
    stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [path.join(REPO_ROOT, "tools", "bin", "platform.js"), "render", "production", "--out", outDir, "--chart-dir", chartDir()], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, out, errOut) =>
        err ? reject(new Error(`render failed: ${errOut}`)) : resolve(out),
      ),
    );
    result = JSON.parse(fs.readFileSync(path.join(outDir, "resources.json"), "utf8")) as RenderResult;
    children = result.resources.filter((x) => x.chartChild);
  }, 180_000);

  /** Helm's own `helm template` output for the Chart resource's release, namespace and values. */
  function helmTemplateOfRender(): string {
    const chartRes = result.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!;
    const inputs = chartRes.inputs as { name: string; namespace: string; values: Record<string, unknown> };
    const valuesFile = path.join(tempDir("values"), "values.json");
    fs.writeFileSync(valuesFile, JSON.stringify(inputs.values));
    return execFileSync(helm(), [...helmTemplateArgs(inputs.name, path.join(chartDir(), CHART_FILE), inputs.namespace), "--values", valuesFile], { maxBuffer: 256 * 1024 * 1024, encoding: "utf8" });
  }

  it("says how many chart objects it rendered, and from where", () => {
    expect(stdout).toContain(`chart kube-prometheus-stack 79.7.1: ${children.length} objects rendered with Helm from `);
  });

  it("renders the pinned chart archive (its digest is the one in ../shared/charts/README.md)", () => {
    expect(result.charts).toHaveLength(1);
    const c = result.charts![0];
    expect(c.status).toBe("rendered");
    expect(c.digest).toBe(CHART_SHA256);
    expect(c.children).toBe(children.length);
  });

  it("has exactly the objects `helm template` prints for the Chart's release, namespace and values (about 105)", () => {
    const text = helmTemplateOfRender();
    const expected = text
      .split(/^---\s*$/m)
      .map((d) => [/^kind: (\S+)$/m.exec(d)?.[1], /^metadata:\n(?:  .*\n)*?  name: "?([^"\n]+)"?$/m.exec(d)?.[1]])
      .filter(([k, n]) => k && n)
      .map(([k, n]) => `${k}/${n}`)
      .sort();
    expect(children.map((c) => `${c.inputs.kind}/${(c.inputs.metadata as { name: string }).name}`).sort()).toEqual(expected);
    expect(children.length).toBeGreaterThan(90);
    expect(children.length).toBeLessThan(120);
  });

  it("reads Helm's output to the same objects as the `yaml` package, a second YAML 1.2 parser", () => {
    const text = helmTemplateOfRender();
    const byYamlPackage = text
      .split(/^---\s*$/m)
      .map((d) => YAML.parse(d) as unknown)
      .filter((v): v is Record<string, unknown> => !!v && typeof v === "object" && Object.keys(v).length > 0);
    expect(parseManifest(text).map((o) => o.object)).toEqual(byYamlPackage);
  });

  it("includes every CRD of the chart's crds/ folder and no Helm hook", () => {
    const listing = execFileSync("tar", ["-tzf", path.join(chartDir(), CHART_FILE)], { encoding: "utf8" }).split("\n");
    const crdFiles = listing.filter((f) => /\/crds\/crd-[^/]+\.yaml$/.test(f));
    expect(crdFiles.length).toBeGreaterThan(5);
    const crds = children.filter((c) => c.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
    expect(crds).toHaveLength(crdFiles.length);
    // e.g. crd-servicemonitors.yaml holds servicemonitors.monitoring.coreos.com
    for (const f of crdFiles) {
      const plural = /crd-([^/]+)\.yaml$/.exec(f)![1];
      expect(crds.map((c) => c.name)).toContain(`monitoring-chart:${plural}.monitoring.coreos.com`);
    }
    for (const c of children) {
      const annotations = ((c.inputs.metadata as { annotations?: Record<string, string> }).annotations ?? {}) as Record<string, string>;
      expect(annotations["helm.sh/hook"], c.urn).toBeUndefined();
    }
  });

  it("registers the operator Deployment under the Chart as the provider names it", () => {
    expect(children.map((c) => c.urn)).toContain(
      "urn:pulumi:production::app-platform::app-platform:monitoring:MonitoringStack$kubernetes:helm.sh/v4:Chart$kubernetes:apps/v1:Deployment::monitoring-chart:monitoring/kube-prometheus-stack-operator",
    );
  });

  it("writes the chart's objects under manifests/<namespace>/chart/ as Helm printed them, and marks them in resources.json", () => {
    const file = path.join(outDir, "manifests", "monitoring", "chart", "deployment-kube-prometheus-stack-operator.yaml");
    expect(fs.readFileSync(file, "utf8")).toMatch(/^# Source: kube-prometheus-stack\/templates\/prometheus-operator\/deployment\.yaml\napiVersion: apps\/v1\nkind: Deployment\n/);
    expect(fs.existsSync(path.join(outDir, "manifests", "_cluster", "chart", "customresourcedefinition-prometheusrules.monitoring.coreos.com.yaml"))).toBe(true);
    expect(children.every((c) => c.parent === result.charts![0].urn)).toBe(true);
  });
});
