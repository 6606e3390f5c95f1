import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { BACKUP_CRONJOB, MONITORING_RELEASE, RESTORE_DRILL_CRONJOB } from "../../components/monitoring/contract";
import { loadPlatformConfig, type PlatformConfig } from "../../stacks/config";
import { renderArtifacts } from "../render/write";
import { readStackConfig } from "../render/stack-files";
import { REPO_ROOT, type RenderResult } from "../render/mock-runtime";
import { startAlertmanager, type AlertmanagerServer } from "./alertmanager";
import { InstrumentedService, type Fault } from "./app-service";
import { durationSeconds } from "../../lib/duration";
import { otherColor } from "../../lib/colors";
import {
  restartPostgres,
  startBlackboxExporter,
  stopPostgres,
  startNodeExporter,
  startPostgres,
  startPostgresExporter,
  startRedis,
  startRedisExporter,
  type Listening,
  type PostgresServer,
} from "./exporters";
import { ProcessGroup, tempDir } from "./processes";
import { startPrometheus, type PrometheusServer, type ScrapeJob } from "./prometheus";
import { NotificationRecorder } from "./recorder";
import { StaticExporter } from "./static-exporter";

/** The files of one render that the monitoring chain runs, plus the config they came from. */
export interface RenderedMonitoring {
  /** The resolved stack config (services, namespaces, intervals, probes, timeScale). */
  readonly config: PlatformConfig;
  /** Folder the artifacts were written to (like `out/<stack>/`). */
  readonly dir: string;
  /** Absolute paths of `prometheus/rules/*.yaml`. */
  readonly ruleFiles: readonly string[];
  /** `alertmanager/alertmanager.yaml`, parsed; undefined when the render has none. */
  readonly alertmanager?: Record<string, any>;
  /** `grafana/dashboards/*.json`, parsed, by file name. */
  readonly dashboards: Readonly<Record<string, any>>;
  /** `blackbox/blackbox.yml`, the blackbox exporter's modules, when the render has it. */
  readonly blackboxConfig?: string;
}

/** Options of {@link renderMonitoring}. */
export interface RenderMonitoringOptions {
  readonly stack: string;
  /** Folder with Pulumi.yaml and the stack file; @default the repository root */
  readonly rootDir?: string;
  /** Config values over the stack file, e.g. `{"app-platform:timeScale": "0.02"}`. */
  readonly overrides?: Record<string, string>;
  /** Where to write the artifacts; @default a fresh temporary folder */
  readonly outDir?: string;
}

/**
 * Renders a stack in a child process with the real program and writes its artifacts (rule
 * files, alertmanager.yaml, dashboards) exactly as `platform render` does. The time scale
 * comes in as a config override, so the renderer — never the harness — shortens durations.
 */
export async function renderMonitoring(opts: RenderMonitoringOptions): Promise<RenderedMonitoring> {
  const rootDir = opts.rootDir ?? REPO_ROOT;
  const sc = readStackConfig(rootDir, opts.stack);
  const config = loadPlatformConfig({ ...sc.config, ...opts.overrides }, new Set(sc.secretKeys), opts.stack);
  const dir = opts.outDir ?? tempDir(`render-${opts.stack}`);
  const result = await renderChildToFile(opts.stack, rootDir, opts.overrides, path.join(dir, ".render.json"));
  for (const f of renderArtifacts(result)) {
    const full = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, f.content);
  }
  return readRenderedMonitoring(dir, config);
}

/**
 * Runs tools/render/child.ts (one render per process: the Pulumi runtime is global) with its
 * stdout on a file. A pipe would do too, but the child exits right after writing, and
 * Node drops whatever a pipe had not yet taken: renders above ~200 kB arrived cut short.
 */
function renderChildToFile(stack: string, rootDir: string, overrides: Record<string, string> | undefined, file: string): Promise<RenderResult> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, "w");
  const args = ["--import", "tsx", path.join(REPO_ROOT, "tools", "render", "child.ts"), stack, rootDir];
  if (overrides) args.push(JSON.stringify(overrides));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", fd, "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      fs.closeSync(fd);
      const text = fs.readFileSync(file, "utf8");
      fs.rmSync(file, { force: true });
      if (code !== 0) reject(new Error(`render of ${stack} failed (exit ${code}):\n${stderr}`));
      else resolve(JSON.parse(text) as RenderResult);
    });
  });
}

/**
 * The rule files with every explicit group `interval:` multiplied by `scale`, as the global
 * evaluation interval is. Our groups carry none; the chart's kube-apiserver-availability group
 * has `interval: 3m`, which at time scale 0.01 would leave its rules unevaluated for up to three
 * minutes of a test that models hours in seconds. Files without one are used as they are.
 */
export function scaledGroupIntervals(ruleFiles: readonly string[], scale: number, dir: string): string[] {
  return ruleFiles.map((file) => {
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { groups?: { interval?: string }[] };
    const groups = doc.groups ?? [];
    if (scale === 1 || !groups.some((g) => g.interval !== undefined)) return file;
    for (const g of groups) {
      if (g.interval !== undefined) g.interval = `${Math.max(1000, Math.round(durationSeconds(g.interval) * scale * 1000))}ms`;
    }
    const out = path.join(dir, path.basename(file));
    fs.writeFileSync(out, YAML.stringify(doc));
    return out;
  });
}

/** Reads the monitoring artifacts of a render folder. */
export function readRenderedMonitoring(dir: string, config: PlatformConfig): RenderedMonitoring {
  const list = (sub: string, ext: string) => {
    const d = path.join(dir, sub);
    return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith(ext)).sort().map((f) => path.join(d, f)) : [];
  };
  const amFile = path.join(dir, "alertmanager", "alertmanager.yaml");
  const blackboxFile = path.join(dir, "blackbox", "blackbox.yml");
  return {
    blackboxConfig: fs.existsSync(blackboxFile) ? blackboxFile : undefined,
    config,
    dir,
    ruleFiles: [...list("prometheus/rules", ".yaml"), ...list("prometheus/rules", ".yml")],
    alertmanager: fs.existsSync(amFile) ? YAML.parse(fs.readFileSync(amFile, "utf8")) : undefined,
    dashboards: Object.fromEntries(list("grafana/dashboards", ".json").map((f) => [path.basename(f), JSON.parse(fs.readFileSync(f, "utf8"))])),
  };
}

/**
 * `job` labels the chain gives the exporters' series, as kube-prometheus-stack and the
 * platform's ServiceMonitors name them in the cluster; rules that select on `job` need these.
 */
export interface ExporterJobs {
  readonly node: string;
  readonly postgres: string;
  readonly redis: string;
  readonly kubeState: string;
  /** The blackbox exporter's own metrics (probes have their own jobs). */
  readonly blackbox: string;
  readonly prometheus: string;
  readonly alertmanager: string;
  /** The job label of every probe (the Probes' `jobName`). */
  readonly probe: string;
  /** Application jobs (the Kubernetes Service name), from the service name. */
  app(name: string): string;
}

/** Job names of {@link ExporterJobs} in a cluster that the platform set up. */
export const DEFAULT_JOBS: ExporterJobs = {
  node: "node-exporter",
  postgres: "postgres-exporter",
  redis: "redis-exporter",
  kubeState: "kube-state-metrics",
  blackbox: "blackbox-exporter",
  prometheus: `${MONITORING_RELEASE}-kube-prom-prometheus`,
  alertmanager: `${MONITORING_RELEASE}-kube-prom-alertmanager`,
  probe: "blackbox",
  app: (name) => name,
};

/**
 * Like Promise.all, but waits for every start to settle before rethrowing the first failure,
 * so that nothing registers a process with the group after it was stopped.
 */
async function allStarted<T extends readonly Promise<unknown>[]>(starts: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/** Smoke-test traffic of an idle (preview) colour. */
export const PREVIEW_REQUESTS_PER_SECOND = 2;

/** Shortest scrape interval (= timeout) of postgres-exporter that still sees `pg_up 0`. */
export const POSTGRES_EXPORTER_MIN_SCRAPE_SECONDS = 2;

/**
 * The series kube-state-metrics exports for a healthy CronJob whose last run (a Job named
 * `<cronjob>-<scheduled minute>`, as the CronJob controller names them) succeeded a minute ago.
 */
export function setHealthyCronJob(e: StaticExporter, namespace: string, cronjob: string, nowSeconds: number): void {
  const labels = { namespace, cronjob };
  e.set("kube_cronjob_created", labels, nowSeconds - 86400);
  e.set("kube_cronjob_status_last_successful_time", labels, nowSeconds - 60);
  e.set("kube_cronjob_status_last_schedule_time", labels, nowSeconds - 120);
  e.set("kube_cronjob_spec_suspend", labels, 0);
  e.set("kube_cronjob_status_active", labels, 0);
  const job = { namespace, job_name: `${cronjob}-${Math.floor((nowSeconds - 120) / 60)}` };
  e.set("kube_job_owner", { ...job, owner_kind: "CronJob", owner_name: cronjob, owner_is_controller: "true" }, 1);
  e.set("kube_job_status_start_time", job, nowSeconds - 120);
  e.set("kube_job_status_completion_time", job, nowSeconds - 60);
  e.set("kube_job_status_succeeded", job, 1);
  e.set("kube_job_status_failed", job, 0);
}

/** Options of {@link startMonitoringChain}. */
export interface MonitoringChainOptions {
  /** The render whose rules and Alertmanager config run. */
  readonly rendered: RenderedMonitoring;
  /**
   * More Alertmanagers, by id, each with its own rendered config (e.g. a maintenance-window
   * copy of the stack). Prometheus sends every alert to all of them; the recorder files their
   * notifications under their id. The rendered stack's own Alertmanager has the id "main".
   */
  readonly extraAlertmanagers?: Readonly<Record<string, Record<string, any>>>;
  /** Requests per second each instrumented service sends itself. @default 20 */
  readonly requestsPerSecond?: number;
  /** @default {@link DEFAULT_JOBS} */
  readonly jobs?: ExporterJobs;
  /** Faults of instrumented services present before the first scrape, by service name. @default {} */
  readonly faults?: Readonly<Record<string, Partial<Fault>>>;
}

/** A whole monitoring chain on loopback, and the knobs to break it. */
export interface MonitoringChain {
  readonly group: ProcessGroup;
  readonly rendered: RenderedMonitoring;
  readonly recorder: NotificationRecorder;
  readonly prometheus: PrometheusServer;
  /** By id: "main" and the ids of `extraAlertmanagers`. */
  readonly alertmanagers: Readonly<Record<string, AlertmanagerServer>>;
  /** One instrumented service per configured service (its active colour), by name. */
  readonly apps: Readonly<Record<string, InstrumentedService>>;
  /**
   * The idle colour of services with `idleReplicas` > 0, by name: role "preview", the other
   * colour, a trickle of smoke-test traffic.
   */
  readonly previews: Readonly<Record<string, InstrumentedService>>;
  /** The HTTP endpoint behind each configured probe, by probe name (fail it with setFault). */
  readonly probeTargets: Readonly<Record<string, InstrumentedService>>;
  /** The stand-in for kube-state-metrics: serves the backup CronJobs' `kube_cronjob_*` series. */
  readonly kubeState: StaticExporter;
  readonly postgres: PostgresServer;
  readonly redis: Listening;
  readonly exporters: { readonly node: Listening; readonly postgres: Listening; readonly redis: Listening; readonly blackbox: Listening };
  /** The job names the series carry. */
  readonly jobs: ExporterJobs;
  /** Scrape and evaluation intervals in seconds, after the time scale. */
  readonly intervals: { readonly scrape: number; readonly evaluation: number };
  /** Scrape interval of one job in seconds (some exporters need a longer one, see below). */
  scrapeIntervalOf(job: string): number;
  /** Stops Postgres (its exporter stays up and reports `pg_up 0`). */
  stopPostgres(): Promise<void>;
  /** Starts Postgres again on the same port and data. */
  startPostgres(): Promise<void>;
  /** Stops redis-server (its exporter stays up and reports `redis_up 0`). */
  stopRedis(): Promise<void>;
  /** Starts redis-server again on the same port. */
  startRedis(): Promise<void>;
  /**
   * Sets the backup CronJobs' last success to `ageSeconds` ago (the stand-in's
   * `kube_cronjob_status_last_successful_time`).
   */
  setBackupAge(cronjob: string, ageSeconds: number): void;
  /** Stops everything by PID and removes temporary folders; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts Prometheus with the render's rule files, its Alertmanager(s) pointed at a recorder,
 * the exporters with real Postgres and Redis, a blackbox exporter probing local endpoints, one
 * instrumented service per configured service, and the kube-state-metrics stand-in; waits
 * until every target is up. Scrape and evaluation intervals are the stack's own, multiplied by
 * its `timeScale` (the same factor the renderer applied to rules and Alertmanager timers).
 * On any failure everything started so far is stopped before the error is rethrown.
 */
export async function startMonitoringChain(opts: MonitoringChainOptions): Promise<MonitoringChain> {
  const { rendered } = opts;
  const config = rendered.config;
  const jobs = opts.jobs ?? DEFAULT_JOBS;
  if (!rendered.alertmanager) throw new Error(`the render in ${rendered.dir} has no alertmanager/alertmanager.yaml`);
  if (rendered.ruleFiles.length === 0) throw new Error(`the render in ${rendered.dir} has no prometheus/rules/*.yaml`);
  const group = new ProcessGroup();
  const recorder = new NotificationRecorder();
  const apps: Record<string, InstrumentedService> = {};
  const previews: Record<string, InstrumentedService> = {};
  const probeTargets: Record<string, InstrumentedService> = {};
  const kubeState = new StaticExporter();
  const closers: (() => Promise<void>)[] = [];
  let postgres: PostgresServer | undefined;
  const stopAll = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
    if (postgres) await stopPostgres(group, postgres).catch(() => undefined);
    await group.stopAll();
  };
  try {
    await recorder.start();
    closers.push(() => recorder.stop());
    for (const s of config.services) {
      // The buckets the service declares (the config refuses an SLO threshold outside them).
      const bucketSet = new Set(s.histogramBuckets);
      const app = new InstrumentedService({ requestsPerSecond: opts.requestsPerSecond ?? 20, buckets: [...bucketSet].sort((a, b) => a - b) });
      const fault = opts.faults?.[s.name];
      if (fault) app.setFault(fault);
      await app.start();
      closers.push(() => app.close());
      apps[s.name] = app;
      if (s.idleReplicas > 0) {
        const preview = new InstrumentedService({ requestsPerSecond: PREVIEW_REQUESTS_PER_SECOND, buckets: [...bucketSet].sort((a, b) => a - b) });
        await preview.start();
        closers.push(() => preview.close());
        previews[s.name] = preview;
      }
    }
    for (const p of config.monitoring.probes) {
      const t = new InstrumentedService({ requestsPerSecond: 0 });
      await t.start();
      closers.push(() => t.close());
      probeTargets[p.name] = t;
    }
    await kubeState.start();
    closers.push(() => kubeState.stop());
    const now = Date.now() / 1000;
    for (const cronjob of [BACKUP_CRONJOB, RESTORE_DRILL_CRONJOB]) setHealthyCronJob(kubeState, config.namespaces.backup, cronjob, now);

    const [pg, redis, node, blackbox] = await allStarted([startPostgres(group, [config.postgres.database]), startRedis(group), startNodeExporter(group), startBlackboxExporter(group, rendered.blackboxConfig)] as const);
    postgres = pg;
    const [pgExporter, redisExporter] = await allStarted([startPostgresExporter(group, pg.url), startRedisExporter(group, redis.port)] as const);

    const ams: Record<string, AlertmanagerServer> = {};
    const amConfigs = { main: rendered.alertmanager, ...opts.extraAlertmanagers };
    for (const [id, amConfig] of Object.entries(amConfigs)) {
      ams[id] = await startAlertmanager(group, amConfig, { recorderUrl: (receiver, kind) => recorder.urlFor(id, receiver, kind) });
    }

    const scale = config.timeScale;
    const intervals = {
      scrape: durationSeconds(config.monitoring.scrapeInterval) * scale,
      evaluation: durationSeconds(config.monitoring.evaluationInterval) * scale,
    };
    const ns = config.namespaces;
    // What the ServiceMonitor's relabelings and the operator's defaults put on the series.
    const appLabels = (name: string, role: "active" | "preview", color: string) => ({ service: name, role, color, namespace: ns.apps, pod: `${name}-${color}-0`, container: name, endpoint: "metrics" });
    // The operator's target labels of a ServiceMonitor whose Service is named like its job.
    const exporterLabels = (service: string) => ({ namespace: ns.monitoring, service, endpoint: "metrics" });
    const scrapeJobs: ScrapeJob[] = [
      ...config.services.map((s) => {
        const idle = otherColor(s.activeColor);
        const preview = previews[s.name];
        return {
          job: jobs.app(s.name),
          targets: [
            { address: apps[s.name]!.target, labels: appLabels(s.name, "active", s.activeColor) },
            ...(preview ? [{ address: preview.target, labels: appLabels(s.name, "preview", idle) }] : []),
          ],
        };
      }),
      ...config.monitoring.probes.map((p) => ({
        job: jobs.probe,
        name: `probe/${ns.monitoring}/probe-${p.name}`,
        targets: [{ address: `http://${probeTargets[p.name]!.target}/`, labels: { probe: p.name, namespace: ns.monitoring } }],
        blackbox: { exporter: `127.0.0.1:${blackbox.port}`, module: p.module },
      })),
      { job: jobs.node, targets: [{ address: `127.0.0.1:${node.port}`, labels: exporterLabels(jobs.node) }] },
      {
        job: jobs.postgres,
        targets: [{ address: `127.0.0.1:${pgExporter.port}`, labels: exporterLabels(jobs.postgres) }],
        // postgres-exporter 0.11 takes ~1 s to answer while Postgres refuses connections; a
        // shorter timeout would turn `pg_up 0` into a failed scrape with no pg_up at all.
        intervalSeconds: Math.max(intervals.scrape, POSTGRES_EXPORTER_MIN_SCRAPE_SECONDS),
      },
      { job: jobs.redis, targets: [{ address: `127.0.0.1:${redisExporter.port}`, labels: exporterLabels(jobs.redis) }] },
      { job: jobs.kubeState, targets: [{ address: kubeState.target, labels: {} }] },
      { job: jobs.blackbox, targets: [{ address: `127.0.0.1:${blackbox.port}`, labels: exporterLabels(jobs.blackbox) }] },
      { job: jobs.alertmanager, targets: Object.values(ams).map((a) => ({ address: `127.0.0.1:${a.port}`, labels: { namespace: ns.monitoring } })) },
    ];
    const prometheus = await startPrometheus(group, {
      scrapeIntervalSeconds: intervals.scrape,
      evaluationIntervalSeconds: intervals.evaluation,
      ruleFiles: scaledGroupIntervals(rendered.ruleFiles, scale, group.tempDir("rules")),
      alertmanagers: Object.values(ams).map((a) => `127.0.0.1:${a.port}`),
      jobs: scrapeJobs,
      selfJob: jobs.prometheus,
    });
    await prometheus.waitForTargets(scrapeJobs.reduce((n, j) => n + j.targets.length, 1), 30_000);

    let stopped = false;
    return {
      group,
      rendered,
      recorder,
      prometheus,
      alertmanagers: ams,
      apps,
      previews,
      probeTargets,
      kubeState,
      postgres: pg,
      redis,
      exporters: { node, postgres: pgExporter, redis: redisExporter, blackbox },
      jobs,
      intervals,
      scrapeIntervalOf: (job) => scrapeJobs.find((j) => j.job === job)?.intervalSeconds ?? intervals.scrape,
      stopPostgres: () => stopPostgres(group, pg),
      startPostgres: () => restartPostgres(group, pg),
      stopRedis: () => group.stop(redis.process),
      startRedis: async () => {
        const again = await startRedis(group, redis.port);
        redis.process = again.process;
      },
      setBackupAge(cronjob, ageSeconds) {
        kubeState.set("kube_cronjob_status_last_successful_time", { namespace: ns.backup, cronjob }, Date.now() / 1000 - ageSeconds);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
