/**
 * The promotion loop for real on loopback, with one difference from production: instead of
 * `pulumi up`, a driver renders each update's objects with the component builders (the
 * HTTPRoute of components/app/traffic-router.ts, checked against the Gateway API schema; the
 * migration Job of components/app/migration-job.ts) and applies them to a local data plane:
 * a real HAProxy configured from the HTTPRoute's weights in front of two instrumented colours,
 * the Job's command run against the harness's real Postgres. The real Prometheus scrapes the
 * colours and the real analysis gate (tools/delivery/analysis.ts) decides. Each colour is sized
 * as the program renders it (components/app/sizing.ts), with kube-state-metrics' Deployment
 * series and the scrape role (which Service selects it) following, see {@link ColourPlane}.
 */
import { spawn } from "node:child_process";
import { PROJECT, loadPlatformConfig, type PlatformConfig } from "../../stacks/config";
import { httpRoute } from "../../components/app/traffic-router";
import { migrationJob, MIGRATION_CONTAINER } from "../../components/app/migration-job";
import { otherColor, roleServiceName } from "../../components/app/labels";
import { planColors } from "../../components/app/sizing";
import { COLORS, type Color } from "../../lib/colors";
import type { ServiceConfig } from "../../components/app/service-spec";
import { StaticExporter } from "./static-exporter";
import { DEFAULT_ANALYSIS, prometheusQuery, type AnalysisSettings } from "../delivery/analysis";
import { release, releaseRequestFromConfig, type ReleaseOps, type ReleaseRequest, type ReleaseResult } from "../delivery/canary";
import { httpStatus } from "../delivery/kube-ops";
import type { PromotionDeps, StackOps } from "../delivery/promotion";
import { loadCrdModels, validateObject } from "../check/kubernetes-schema";
import { InstrumentedService } from "./app-service";
import { HaproxyProxy } from "./haproxy";
import { LoadClient } from "./load-client";
import { ProcessGroup, sleep } from "./processes";
import { startPrometheus, writeFileSdTargets, type PrometheusServer, type ScrapeTarget } from "./prometheus";

/** Namespace the harness's services are rendered in. */
export const HARNESS_NAMESPACE = "apps";

/** Decodes a `pulumi config set --path` value as the CLI does: integers and booleans are typed. */
function cliValue(text: string): unknown {
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}

/** What one `up` applied. */
export interface AppliedUpdate {
  /** Epoch ms when the update finished. */
  readonly at: number;
  readonly message?: string;
  /** Weights the proxy took from the HTTPRoute, by backend name. */
  readonly weights: Record<string, number>;
  /** Migration Jobs run by this update. */
  readonly jobs: string[];
  /** Size of each colour after the update, as the program renders it (0: scaled away). */
  readonly sizes?: Record<Color, number>;
  /** Colours this update grew (new pods had to start and become Ready). */
  readonly grew?: Color[];
  /** The stack's `services` as this update deployed them. */
  readonly services: any[];
}

/** The scrape targets of harness services: the colour `activeColor` names is scraped as role "active". */
export function colourTargets(services: readonly { readonly name: string; readonly blue: InstrumentedService; readonly green: InstrumentedService; readonly activeColor: Color }[]): ScrapeTarget[] {
  return services.flatMap((s) =>
    COLORS.map((color) => ({ address: s[color].target, labels: { service: s.name, role: color === s.activeColor ? "active" : "preview", color, namespace: HARNESS_NAMESPACE } })),
  );
}

/**
 * The cluster side of one harness service's colours. On each update it sizes them as the
 * program renders them ({@link planColors}: the HPA minimum, or 0 for a colour scaled away):
 * a colour sized 0 stops listening, one sized up from 0 listens again; kube-state-metrics'
 * `kube_deployment_spec_replicas` / `_status_replicas_available` follow, `available` only
 * `podStartMs` after a colour grows (its new pods start and become Ready, which Pulumi's
 * Deployment await waits for before what depends on it moves); and the colour the active
 * Service selects is scraped with role "active" (the ServiceMonitor relabeling).
 */
export class ColourPlane {
  /** Current size per colour. */
  sizes: Record<Color, number> = { blue: 0, green: 0 };
  activeColor: Color = "blue";

  constructor(
    readonly svc: HarnessService,
    private readonly kubeState: StaticExporter,
    private readonly roles: (plane: ColourPlane) => void,
    private readonly podStartMs: number,
  ) {}

  /** Grows the colours the render makes larger and waits until their pods are Ready; resolves to those colours. */
  async grow(s: ServiceConfig): Promise<Color[]> {
    const plans = planColors(s);
    const grew = COLORS.filter((c) => plans[c].minReplicas > this.sizes[c]);
    for (const c of grew) {
      await this.svc[c].start();
      this.kubeState.set("kube_deployment_spec_replicas", this.labels(c), plans[c].minReplicas);
    }
    if (grew.length > 0) await sleep(this.podStartMs);
    for (const c of grew) {
      this.sizes[c] = plans[c].minReplicas;
      this.kubeState.set("kube_deployment_status_replicas_available", this.labels(c), this.sizes[c]);
    }
    return grew;
  }

  /** After the traffic objects moved: shrinks what the render makes smaller and moves the scrape roles. */
  async settle(s: ServiceConfig): Promise<void> {
    const plans = planColors(s);
    for (const c of COLORS) {
      const size = plans[c].minReplicas;
      if (size >= this.sizes[c]) continue;
      this.sizes[c] = size;
      if (size === 0) await this.svc[c].stop();
      this.kubeState.set("kube_deployment_spec_replicas", this.labels(c), size);
      this.kubeState.set("kube_deployment_status_replicas_available", this.labels(c), size);
    }
    if (s.activeColor !== this.activeColor) {
      this.activeColor = s.activeColor;
      this.roles(this);
    }
  }

  private labels(c: Color): Record<string, string> {
    return { namespace: HARNESS_NAMESPACE, deployment: `${this.svc.name}-${c}` };
  }
}

/**
 * What every copy of a stack shares: the deployed state (the updates applied, the Jobs that
 * completed, the outputs of the last update) and Pulumi's stack lock.
 */
export interface DeployedState {
  readonly updates: AppliedUpdate[];
  readonly completedJobs: Set<string>;
  /** The outputs of the last update, as `Stack.outputs()` returns them. */
  outputs: Record<string, { value: unknown; secret?: boolean }>;
  /** True while an update runs (Pulumi's stack lock). */
  updating: boolean;
}

/**
 * A {@link StackOps} over in-memory stack config whose `up` validates the config exactly as
 * the program does (loadPlatformConfig), renders the service's objects and applies them in the
 * order Pulumi would (dependsOn: the Job before the route). A Job that already completed is
 * not run again, as Pulumi leaves an unchanged Job alone. As with Pulumi, the stack file is per
 * working copy ({@link checkout}: another terminal's or runner's copy) while the deployed state
 * and the lock are the stack's: an `up` while another runs fails as Pulumi's does.
 */
export class DataPlaneStack implements StackOps {
  /** Output of the last migration Job run (its "pod logs"). */
  lastJobOutput = "";

  constructor(
    /** The stack's `app-platform:` values (keys without the project prefix). */
    readonly values: Record<string, any>,
    private readonly proxy: HaproxyProxy,
    private readonly env: NodeJS.ProcessEnv = {},
    /** The colours' cluster side, sized on every update. @default none (the colours just run) */
    readonly plane?: ColourPlane,
    /** The stack's deployed state, shared by every copy of its stack file. @default a new stack */
    readonly deployed: DeployedState = { updates: [], completedJobs: new Set(), outputs: {}, updating: false },
  ) {}

  /** Every update applied to the stack, from any copy of its stack file. */
  get updates(): AppliedUpdate[] {
    return this.deployed.updates;
  }

  /** Another working copy of the stack file (e.g. a laptop's while a CI runner promotes), on the same deployed stack. */
  checkout(): DataPlaneStack {
    return new DataPlaneStack(structuredClone(this.values), this.proxy, this.env, this.plane, this.deployed);
  }

  /** The outputs of the last update; the program exports `activeColors` (stacks/platform.ts). */
  async outputs(): Promise<Record<string, { value: unknown; secret?: boolean }>> {
    return structuredClone(this.deployed.outputs);
  }

  /** The config as the program would resolve it now. */
  resolved(): PlatformConfig {
    const raw = Object.fromEntries(Object.entries(this.values).map(([k, v]) => [`${PROJECT}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
    return loadPlatformConfig(raw, new Set(), "harness");
  }

  async getConfig(key: string): Promise<{ value: string }> {
    if (!(key in this.values)) throw new Error(`no config ${key}`);
    return { value: JSON.stringify(this.values[key]) };
  }

  async setConfig(key: string, value: { value: string }): Promise<void> {
    this.walk(key, (o, k) => (o[k] = cliValue(value.value)));
  }

  async removeConfig(key: string): Promise<void> {
    this.walk(key, (o, k) => delete o[k]);
  }

  async up(opts?: { message?: string }): Promise<{ summary: { result: string } }> {
    // Pulumi's answer to a second update while one runs (the stack lock).
    if (this.deployed.updating) throw new Error("error: [409] Conflict: Another update is currently in progress.");
    this.deployed.updating = true;
    try {
      return await this.apply(opts);
    } finally {
      this.deployed.updating = false;
    }
  }

  private async apply(opts?: { message?: string }): Promise<{ summary: { result: string } }> {
    // The config as the update starts: later edits of the stack file are the next update's.
    const config = this.resolved();
    const deploying = structuredClone(this.values.services ?? []);
    const jobs: string[] = [];
    let grew: Color[] | undefined;
    for (const s of config.services) {
      // Deployments first: the traffic objects depend on the selected colour's rollout.
      if (this.plane?.svc.name === s.name) grew = await this.plane.grow(s);
      if (s.migration && s.promotion.migrate) {
        const image = s.migration.image ?? (s.image[otherColor(s.activeColor)] as string);
        const job = migrationJob(s, image, HARNESS_NAMESPACE, config.environment) as any;
        const name = job.metadata.name as string;
        if (!this.deployed.completedJobs.has(name)) {
          await this.runJob(job, s.settings);
          this.deployed.completedJobs.add(name);
          jobs.push(name);
        }
      }
      if (s.strategy.router?.kind === "gatewayApi") {
        const route = httpRoute(s, HARNESS_NAMESPACE);
        const problems = validateObject(route);
        if (problems.length > 0) throw new Error(`HTTPRoute ${s.name} is not valid against the Gateway API schema: ${problems.join("; ")}`);
        await this.proxy.applyRoute(route);
      }
      if (this.plane?.svc.name === s.name) await this.plane.settle(s);
    }
    const sizes = this.plane && { ...this.plane.sizes };
    this.updates.push({ at: Date.now(), message: opts?.message, weights: { ...this.proxy.weights }, jobs, sizes, grew, services: deploying });
    // The program's `activeColors` output (stacks/platform.ts: the colour, the active and preview Service names).
    this.deployed.outputs = {
      activeColors: { value: Object.fromEntries(config.services.map((s) => [s.name, { active: s.activeColor, service: roleServiceName(s.name, "active"), preview: roleServiceName(s.name, "preview") }])), secret: false },
    };
    return { summary: { result: "succeeded" } };
  }

  /** Runs a Job's container command with its ConfigMap environment; throws as the provider does for a failed Job. */
  private async runJob(job: any, settings: Readonly<Record<string, string>>): Promise<void> {
    const c = job.spec.template.spec.containers.find((x: any) => x.name === MIGRATION_CONTAINER);
    const [cmd, ...args] = c.command as string[];
    const deadlineMs = job.spec.activeDeadlineSeconds * 1000;
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(cmd, args, { env: { ...process.env, ...this.env, ...settings }, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
      child.on("error", (e) => (output += String(e)));
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
    this.lastJobOutput = output;
    if (code !== 0) {
      this.updates.push({ at: Date.now(), weights: { ...this.proxy.weights }, jobs: [job.metadata.name], services: structuredClone(this.values.services ?? []) });
      throw new Error(`kubernetes:batch/v1:Job (${job.metadata.name}): Job has failed: BackoffLimitExceeded (exit code ${code})`);
    }
  }

  private walk(key: string, fn: (o: any, k: string) => void): void {
    const segs = key.match(/[^.[\]]+/g) ?? [];
    let o: any = this.values;
    for (const s of segs.slice(0, -1)) o = o[s] ??= {};
    fn(o, segs[segs.length - 1]);
  }
}

/** Analysis thresholds for loopback time scales: a 10 s window, an analysis every second. */
export const HARNESS_ANALYSIS: AnalysisSettings = { ...DEFAULT_ANALYSIS, window: "10s", minRequests: 20, watchIntervalSeconds: 1 };

/** The two colours of one harness service. */
export interface HarnessService {
  readonly name: string;
  readonly blue: InstrumentedService;
  readonly green: InstrumentedService;
}

/** Options of one release in the harness. */
export interface HarnessReleaseOptions {
  /** Edits the service's stack entry before the release (migration, smoke test, steps...). */
  readonly edit?: (service: Record<string, any>) => void;
  /** Called after each update with the new colour's weight, e.g. to make it fail from 50 % on. */
  readonly onWeight?: (weight: number, svc: HarnessService) => void;
  /** Requests per second the users send through the proxy. @default 100 */
  readonly requestsPerSecond?: number;
  /** Environment of the migration Job (PGHOST etc. come from the service's settings). @default {} */
  readonly jobEnv?: NodeJS.ProcessEnv;
  /** Gate settings over {@link HARNESS_ANALYSIS} (e.g. a short `watchSeconds`). @default {} */
  readonly settings?: Partial<AnalysisSettings>;
  /**
   * Requests per second sent straight to the green colour (the preview Service: testers, the
   * smoke test) until it becomes active, so that a blue-green gate has traffic to judge. @default 0
   */
  readonly previewRequestsPerSecond?: number;
  /**
   * Called after each update of the release (after {@link onWeight}), with the stack and the
   * release's seams, e.g. to start a second actor (a `platform rollback`) on the same stack.
   */
  readonly onUpdate?: (update: AppliedUpdate, svc: HarnessService, run: { readonly stack: DataPlaneStack; readonly deps: PromotionDeps; readonly request: ReleaseRequest }) => void;
}

/** What a harness release did. */
export interface HarnessReleaseRun {
  readonly result: ReleaseResult;
  readonly log: string[];
  readonly stack: DataPlaneStack;
  readonly proxy: HaproxyProxy;
  readonly load: LoadClient;
  readonly svc: HarnessService;
  /** Epoch ms at which the release started (the origin of its steps' times). */
  readonly startedAt: number;
  /** The seams the release ran with, e.g. for a `platform rollback` after it. */
  readonly deps: PromotionDeps;
  readonly request: ReleaseRequest;
}

/**
 * Colour pairs for several services, one Prometheus scraping them all (1 s), and releases of
 * each through its own HAProxy with users in front of it.
 */
export class DeliveryHarness {
  /** Which colour each service's active Service selects, for the scrape roles. */
  private readonly active = new Map<string, Color>();

  private constructor(
    readonly group: ProcessGroup,
    readonly prometheus: PrometheusServer,
    readonly services: Map<string, HarnessService>,
    /** kube-state-metrics' Deployment series of the colours. */
    readonly kubeState: StaticExporter,
    private readonly targetsFile: string,
  ) {}

  /** Rewrites the colours' scrape targets with the roles their Services give them now. */
  private writeTargets(): void {
    writeFileSdTargets(this.targetsFile, colourTargets([...this.services.values()].map((s) => ({ ...s, activeColor: this.active.get(s.name) ?? "blue" }))));
  }

  /** Starts a blue and a green colour per name (no load of their own) and Prometheus. */
  static async start(names: readonly string[]): Promise<DeliveryHarness> {
    await loadCrdModels();
    const group = new ProcessGroup();
    const services = new Map<string, HarnessService>();
    for (const name of names) {
      const svc = { name, blue: new InstrumentedService({ requestsPerSecond: 0 }), green: new InstrumentedService({ requestsPerSecond: 0 }) };
      await svc.blue.start();
      await svc.green.start();
      services.set(name, svc);
    }
    // The labels the ServiceMonitor's relabelings give the series in the cluster (components/monitoring/monitors.ts):
    // blue is active behind `<name>`, green is the staged colour behind `<name>-preview`; a
    // switch rewrites the file (file_sd), as the Services' endpoints move in the cluster.
    const targets = colourTargets([...services.values()].map((s) => ({ ...s, activeColor: "blue" as Color })));
    const kubeState = new StaticExporter();
    await kubeState.start();
    const targetsFile = `${group.tempDir("app-targets")}/targets.json`;
    const prometheus = await startPrometheus(group, {
      scrapeIntervalSeconds: 1,
      evaluationIntervalSeconds: 1,
      ruleFiles: [],
      alertmanagers: [],
      jobs: [
        { job: "app", targets, fileSd: targetsFile },
        { job: "kube-state-metrics", targets: [{ address: kubeState.target }] },
      ],
    });
    await prometheus.waitForTargets(targets.length + 1, 30_000);
    return new DeliveryHarness(group, prometheus, services, kubeState, targetsFile);
  }

  /** The stack values of a dev stack with one canary service routed through a Gateway. */
  static stackValues(svc: HarnessService): Record<string, any> {
    return {
      environment: "dev",
      clusterPlatform: "kind",
      backup: { enabled: false },
      services: [
        {
          name: svc.name,
          activeColor: "blue",
          image: { blue: `registry.example.com/${svc.name}:1.0.0`, green: `registry.example.com/${svc.name}:1.1.0` },
          port: 8080,
          replicas: { min: 1, max: 2 },
          probes: { readiness: { path: "/readyz" }, liveness: { path: "/healthz" } },
          strategy: { type: "canary", steps: [10, 50, 100], dwellSeconds: 6, router: { kind: "gatewayApi", gateway: { name: "harness" } } },
        },
      ],
    };
  }

  /** Releases the green colour of `name` with `platform promote`'s loop; resolves when it ended. */
  async release(name: string, opts: HarnessReleaseOptions = {}): Promise<HarnessReleaseRun> {
    const svc = this.services.get(name);
    if (!svc) throw new Error(`no harness service ${name}`);
    const values = DeliveryHarness.stackValues(svc);
    opts.edit?.(values.services[0]);
    const backends = { blue: `${name}-blue`, green: `${name}-green` };
    const proxy = await HaproxyProxy.start(this.group, [{ name: backends.blue, address: svc.blue.target }, { name: backends.green, address: svc.green.target }], { [backends.blue]: 100, [backends.green]: 0 });
    this.active.set(name, "blue");
    const plane = new ColourPlane(svc, this.kubeState, (p) => (this.active.set(name, p.activeColor), this.writeTargets()), 1000);
    const stack = new DataPlaneStack(values, proxy, opts.jobEnv ?? {}, plane);
    const config = stack.resolved();
    // The colours as the stack runs them before the release.
    await plane.grow(config.services[0]);
    await plane.settle(config.services[0]);
    const request = releaseRequestFromConfig(config, name, { ...HARNESS_ANALYSIS, ...opts.settings });
    const load = new LoadClient(proxy.url, opts.requestsPerSecond ?? 100);
    const preview = opts.previewRequestsPerSecond ? new LoadClient(`http://${svc.green.target}`, opts.previewRequestsPerSecond) : undefined;
    const log: string[] = [];
    let startedAt = Date.now();
    const ops: ReleaseOps = {
      runBackup: async () => {
        throw new Error("the harness has no backup CronJob");
      },
      migrationLogs: async () => stack.lastJobOutput,
      httpStatus,
    };
    const deps: PromotionDeps = {
      stack: {
        getConfig: (k) => stack.getConfig(k),
        setConfig: (k, v) => stack.setConfig(k, v),
        removeConfig: (k) => stack.removeConfig(k),
        outputs: () => stack.outputs(),
        up: async (o) => {
          const r = await stack.up(o);
          opts.onWeight?.(proxy.weights[backends.green] ?? 0, svc);
          if (plane.activeColor === "green") await preview?.stop();
          opts.onUpdate?.(stack.updates[stack.updates.length - 1], svc, { stack, deps, request });
          return r;
        },
      },
      query: prometheusQuery(this.prometheus.url),
      now: () => Date.now(),
      sleep,
      log: (l) => log.push(`[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${l}`),
    };
    load.start();
    preview?.start();
    // Users reach the stable colour for a few seconds before the release starts.
    await sleep(2000);
    let result: ReleaseResult;
    try {
      startedAt = Date.now();
      result = await release(deps, ops, request);
    } finally {
      // A few seconds of traffic after the end show where the proxy sends it now.
      await sleep(1500);
      await load.stop();
      await preview?.stop();
    }
    return { result, log, stack, proxy, load, svc, startedAt, deps, request };
  }

  /** Stops every colour and program. */
  async stop(): Promise<void> {
    await this.kubeState.stop();
    for (const s of this.services.values()) {
      await s.blue.close();
      await s.green.close();
    }
    await this.group.stopAll();
  }
}

/**
 * Failed requests from a failing step's start to the end of its rollback update, and all
 * requests sent then: the figures `npm run bench` reports.
 */
export function rollbackFigures(run: HarnessReleaseRun): { rollbackMs: number; failed: number; total: number; weight: number } | undefined {
  const r = run.result;
  const bad = r.trafficSteps.find((t) => !t.ok);
  if (r.outcome !== "rolled-back" || !bad || r.rollbackMs === undefined) return undefined;
  const from = run.startedAt + bad.startedMs;
  const { total, failed } = run.load.between(from, from + r.rollbackMs);
  return { rollbackMs: r.rollbackMs, failed, total, weight: bad.weight };
}
