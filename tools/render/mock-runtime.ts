// First: defers modules that @pulumi/pulumi loads at import time but a render never uses.
import "./lazy-modules";
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor, type MockResourceArgs, type Mocks } from "@pulumi/pulumi/runtime/mocks";
import { serializeProperties } from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as state from "@pulumi/pulumi/runtime/state";
import { REPO_ROOT } from "./paths";
import { readStackConfig, type StackConfig } from "./stack-files";
import { withPlainStructs } from "./plain-struct";
import { CHART_TYPE, renderChart, type ChartExpansion, type ChartRender } from "./chart";
import type { RenderedResource } from "./rendered-resource";

export type { RenderedResource } from "./rendered-resource";

/** The result of running a stack's program under mocks. */
export interface RenderResult {
  readonly stack: string;
  readonly project: string;
  readonly resources: RenderedResource[];
  /** Stack outputs, secrets redacted. */
  readonly outputs: Record<string, unknown>;
  /** Values that stood in for secrets; none of them may appear in any output. */
  readonly secretValues: string[];
  /** Every helm.v4.Chart of the render and whether its children were rendered (absent in renders made before charts were rendered). */
  readonly charts?: ChartRender[];
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Outputs that providers mark secret (`additionalSecretOutputs` the engine would apply). */
const PROVIDER_SECRET_OUTPUTS: Record<string, string[]> = {
  "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
  "random:index/randomString:RandomString": [],
};

/** Replaces secret and unknown markers of a serialized property tree. */
export function redact(value: unknown): unknown {
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG) return "[secret]";
    if (obj[SIG_KEY] === RESOURCE_SIG) return obj.urn;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = redact(v);
    return out;
  }
  return value;
}

/** A deterministic stand-in for a generated value (passwords, ids), recognisable in leak checks. */
export function generatedValue(kind: string, name: string): string {
  return `mock-${kind}-${createHash("sha256").update(name).digest("hex").slice(0, 24)}`;
}

/**
 * What @pulumi/docker's Image reports as `repoDigest` after a push (`repository@sha256:<manifest
 * digest>`, no tag), offline: there is no push, so the digest is a stand-in made from the image
 * name, recognisable like the mock ARNs (`sha256` of `mock-image:<name>`). It shows where the real
 * digest goes; `pulumi up` writes the registry's.
 */
export function mockRepoDigest(imageName: string): string {
  const slash = imageName.lastIndexOf("/");
  const colon = imageName.indexOf(":", slash + 1);
  const repository = colon === -1 ? imageName : imageName.slice(0, colon);
  return `${repository}@sha256:${createHash("sha256").update(`mock-image:${imageName}`).digest("hex")}`;
}

class Recorder implements Mocks {
  readonly generated: string[] = [];

  call(args: { token: string; inputs: any }): Record<string, any> {
    if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
      return { accountId: "123456789012", arn: "arn:aws:iam::123456789012:user/offline", userId: "offline" };
    }
    if (args.token === "aws:index/getRegion:getRegion") return { name: "eu-west-1", region: "eu-west-1" };
    if (args.token === "aws:index/getPartition:getPartition") return { partition: "aws", dnsSuffix: "amazonaws.com" };
    return {};
  }

  newResource(args: MockResourceArgs): { id: string; state: Record<string, any> } {
    const state: Record<string, any> = { ...args.inputs };
    if (args.type === "random:index/randomPassword:RandomPassword" || args.type === "random:index/randomString:RandomString") {
      const v = generatedValue("password", args.name);
      this.generated.push(v);
      state.result = v;
    }
    if (args.type.startsWith("kubernetes:") && state.metadata && state.metadata.name === undefined) {
      // The provider would auto-name with a random suffix; the bare name keeps renders stable.
      state.metadata = { ...state.metadata, name: args.name };
    }
    if (args.type === "aws:kms/key:Key") state.arn = `arn:aws:kms:eu-west-1:123456789012:key/${args.name}`;
    if (args.type.startsWith("aws:") && state.arn === undefined) {
      state.arn = `arn:aws:mock:eu-west-1:123456789012:${args.name}`;
    }
    if (args.type === "aws:s3/bucket:Bucket" || args.type === "aws:s3/bucketV2:BucketV2") {
      state.bucket = state.bucket ?? args.name;
    }
    if (args.type === "docker:index/image:Image" && typeof state.imageName === "string") {
      state.repoDigest = mockRepoDigest(state.imageName);
    }
    return { id: `${args.name}-id`, state };
  }
}

class RecordingMonitor extends MockMonitor {
  readonly records: RenderedResource[] = [];
  /** Called with each helm.v4.Chart as it registers, so that Helm runs while the program goes on. */
  onChart?: (chart: RenderedResource) => void;

  constructor(recorder: Recorder) {
    super(recorder);
  }

  override async registerResource(req: any, callback: (err: any, res: any) => void): Promise<void> {
    const type: string = req.getType();
    const providerSecrets = PROVIDER_SECRET_OUTPUTS[type] ?? [];
    const additional: string[] = [...(req.getAdditionalsecretoutputsList?.() ?? []), ...providerSecrets];
    // The mock monitor converts the same Struct again (deserializeProperties): convert it once.
    const object = req.getObject();
    const inputs = object?.toJavaScript() ?? {};
    if (object) object.toJavaScript = () => inputs;
    const inner = (err: any, res: any) => {
      if (!err && res) {
        const record: RenderedResource = {
          type,
          name: req.getName(),
          urn: res.getUrn(),
          parent: req.getParent() || undefined,
          dependsOn: req.getDependenciesList(),
          inputs: redact(inputs) as Record<string, unknown>,
          custom: req.getCustom(),
          options: compact({
            protect: req.getProtect?.() || undefined,
            ignoreChanges: nonEmpty(req.getIgnorechangesList()),
            replaceOnChanges: nonEmpty(req.getReplaceonchangesList()),
            additionalSecretOutputs: nonEmpty(req.getAdditionalsecretoutputsList()),
            deleteBeforeReplace: req.getDeletebeforereplace() || undefined,
            aliases: nonEmpty((req.getAliasesList?.() ?? []).map((a: any) => a.toObject())),
          }),
        };
        this.records.push(record);
        if (type === CHART_TYPE) this.onChart?.(record);
        if (additional.length > 0) markSecret(res, additional);
      }
      callback(err, res);
    };
    return super.registerResource(req, inner);
  }
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Wraps the listed output properties of a registration response as secrets, as the engine does. */
function markSecret(res: any, keys: string[]): void {
  const object = res.getObject();
  if (!object) return;
  const js = object.toJavaScript();
  let changed = false;
  for (const k of keys) {
    if (js[k] !== undefined && !(js[k] && js[k][SIG_KEY] === SECRET_SIG)) {
      js[k] = { [SIG_KEY]: SECRET_SIG, value: js[k] };
      changed = true;
    }
  }
  if (changed) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const structproto = require("google-protobuf/google/protobuf/struct_pb");
    res.setObject(structproto.Struct.fromJavaScript(js));
  }
}

/** Options of {@link renderProgram}. */
export interface RenderOptions {
  /** Stack name: reads `Pulumi.<stack>.yaml`. */
  readonly stack: string;
  /** Folder holding Pulumi.yaml and the stack files; @default the repository root. */
  readonly rootDir?: string;
  /** The program; @default the repository's `stacks/index.ts` (its default export). */
  readonly program?: () => unknown;
  /** Extra or replacement config values (`project:key` -> value), e.g. a time scale for tests. */
  readonly configOverrides?: Record<string, string>;
  /**
   * Folder with chart archives (`<chart>-<version>.tgz`) for the children of helm.v4.Chart
   * resources. @default the PLATFORM_CHART_DIR environment variable, else Helm's repository cache
   */
  readonly chartDir?: string;
}

export { REPO_ROOT } from "./paths";

/**
 * Runs a stack's real program under Pulumi's mock runtime and records every registration.
 * One render per process: the Pulumi runtime is global.
 */
export async function renderProgram(opts: RenderOptions): Promise<RenderResult> {
  const rootDir = opts.rootDir ?? REPO_ROOT;
  const stackConfig: StackConfig = readStackConfig(rootDir, opts.stack);
  const config = { ...stackConfig.config, ...opts.configOverrides };

  const recorder = new Recorder();
  const monitor = new RecordingMonitor(recorder);
  const chartJobs: Promise<ChartExpansion>[] = [];
  monitor.onChart = (chart) =>
    chartJobs.push(renderChart(chart, { stack: opts.stack, project: stackConfig.project, repoRoot: REPO_ROOT, chartDir: opts.chartDir }));
  settings.setMockOptions(monitor, stackConfig.project, opts.stack, false);
  const store = (state as unknown as { getStore(): Record<string, unknown> }).getStore();
  store.supportsSecrets = true;
  store.supportsResourceReferences = true;
  store.supportsOutputValues = false;
  store.supportsDeletedWith = true;
  store.supportsAliasSpecs = true;
  pulumi.runtime.setAllConfig(config, stackConfig.secretKeys);

  // Loaded before the run (still creating nothing) so that its source maps are cached while
  // they are on; see below.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = opts.program ? undefined : require(path.join(REPO_ROOT, "stacks", "index.ts"));
  const program =
    opts.program ??
    (() => {
      const entry = typeof mod === "function" ? mod : mod.default;
      return typeof entry === "function" ? entry() : entry;
    });

  let outputs: Record<string, unknown> = {};
  // Pulumi records a formatted stack trace on each of its internal promises, for its leak
  // report (several per resource: a third of a 100-service render's CPU). During the run they
  // are captured without frames; errors keep theirs, this touches only those promises.
  // The module's own exports object (an import namespace is read-only): Pulumi's callers read
  // `debuggable_1.debuggablePromise` at each call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dbg = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown> };
  const debuggablePromise = dbg.debuggablePromise;
  dbg.debuggablePromise = (p, ctx) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return debuggablePromise(p, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  // Pulumi formats a full stack trace (`new Error().stack`, unlimited depth) for every resource
  // and promise; mapping each through source maps costs about 0.4 s of CPU per render. Errors
  // are formatted when first read, after the maps are back on, so their traces stay mapped.
  const mapsWere = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? false;
  process.setSourceMapsEnabled(false);
  let stackOutputs: Record<string, unknown> | undefined;
  try {
    stackOutputs = await withPlainStructs(async () => {
      const outputs = await pulumi.runtime.runInPulumiStack(async () => program());
      // Registrations still in flight finish here, so their structs are plain too.
      await settings.disconnect();
      return outputs;
    });
  } finally {
    process.setSourceMapsEnabled(mapsWere);
    dbg.debuggablePromise = debuggablePromise;
  }
  const expansions = await Promise.all(chartJobs);
  // Children follow their Chart, as the provider registers them while constructing it.
  for (const e of expansions) {
    const at = monitor.records.findIndex((r) => r.urn === e.render.urn);
    monitor.records.splice(at + 1, 0, ...e.children);
  }
  if (stackOutputs) {
    const serialized = await serializeProperties("outputs", stackOutputs, { keepOutputValues: false });
    outputs = redact(serialized) as Record<string, unknown>;
  }
  return {
    stack: opts.stack,
    project: stackConfig.project,
    resources: monitor.records,
    outputs,
    secretValues: [...stackConfig.secretPlaceholders, ...recorder.generated],
    charts: expansions.map((e) => e.render),
  };
}
