import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { PROGRAMS, ProcessGroup, freePort, httpOk, requireProgram, sleep, type Started } from "./processes";

/** One static scrape target and the labels it carries onto every series. */
export interface ScrapeTarget {
  /** `host:port`. */
  readonly address: string;
  /** Target labels, e.g. `service`, `role`, `color`, `namespace` for an application. */
  readonly labels?: Record<string, string>;
}

/** One scrape job of {@link prometheusConfig}. */
export interface ScrapeJob {
  /** The `job` label of its series; rules select on it. */
  readonly job: string;
  /**
   * Name of the scrape config when it differs from the job label (several scrape configs with
   * one job label, as the operator makes of Probes sharing a `jobName`). @default job
   */
  readonly name?: string;
  readonly targets: readonly ScrapeTarget[];
  /** @default "/metrics" */
  readonly metricsPath?: string;
  /** This job's scrape interval (and timeout) in seconds; @default the global interval */
  readonly intervalSeconds?: number;
  /**
   * Probe through a blackbox exporter: each target address is the URL to probe, the
   * exporter at `exporter` does the probing with `module`.
   */
  readonly blackbox?: { readonly exporter: string; readonly module: string };
  /**
   * Read the targets from this file (file_sd, JSON) instead of static_configs; `targets` is
   * written to it first. Rewrite it with {@link writeFileSdTargets} to move a target to other
   * labels, as the operator's endpoints discovery does when a Service's selector moves.
   */
  readonly fileSd?: string;
}

/**
 * Writes file_sd targets atomically (a rename, which Prometheus' file watcher picks up at
 * once): one group per target, its labels as given.
 */
export function writeFileSdTargets(file: string, targets: readonly ScrapeTarget[]): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(targets.map((t) => ({ targets: [t.address], labels: { ...t.labels } }))));
  fs.renameSync(tmp, file);
}

/** Options of {@link prometheusConfig}. */
export interface PrometheusConfigOptions {
  /** Seconds between scrapes. */
  readonly scrapeIntervalSeconds: number;
  /** Seconds between rule evaluations. */
  readonly evaluationIntervalSeconds: number;
  /** Absolute paths of rule files. */
  readonly ruleFiles: readonly string[];
  /** `host:port` of each Alertmanager. */
  readonly alertmanagers: readonly string[];
  readonly jobs: readonly ScrapeJob[];
  /** Labels added to every alert and series leaving this Prometheus. @default {} */
  readonly externalLabels?: Record<string, string>;
}

/**
 * A prometheus.yml for loopback targets. Scrape timeout equals the interval (Prometheus
 * rejects a longer one); target labels are set with static_configs labels, which is what the
 * ServiceMonitor relabelings produce in the cluster.
 */
export function prometheusConfig(o: PrometheusConfigOptions): Record<string, unknown> {
  const interval = seconds(o.scrapeIntervalSeconds);
  return {
    global: {
      scrape_interval: interval,
      scrape_timeout: interval,
      evaluation_interval: seconds(o.evaluationIntervalSeconds),
      external_labels: o.externalLabels ?? {},
    },
    rule_files: [...o.ruleFiles],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [...o.alertmanagers] }] }] },
    scrape_configs: o.jobs.map((j) => {
      const base = {
        job_name: j.name ?? j.job,
        metrics_path: j.blackbox ? "/probe" : (j.metricsPath ?? "/metrics"),
        ...(j.intervalSeconds !== undefined ? { scrape_interval: seconds(j.intervalSeconds), scrape_timeout: seconds(j.intervalSeconds) } : {}),
        // A job label among the target labels wins over job_name (Prometheus sets job only when absent).
        ...(j.fileSd !== undefined
          ? { file_sd_configs: [{ files: [j.fileSd] }] }
          : { static_configs: j.targets.map((t) => ({ targets: [t.address], labels: { ...(j.name !== undefined ? { job: j.job } : {}), ...t.labels } })) }),
      };
      if (!j.blackbox) return base;
      return {
        ...base,
        params: { module: [j.blackbox.module] },
        relabel_configs: [
          { source_labels: ["__address__"], target_label: "__param_target" },
          { source_labels: ["__param_target"], target_label: "instance" },
          { target_label: "__address__", replacement: j.blackbox.exporter },
        ],
      };
    }),
  };
}

/** Prometheus duration text for a number of seconds, in milliseconds. */
function seconds(s: number): string {
  return `${Math.max(1, Math.round(s * 1000))}ms`;
}

/** A running Prometheus with a small query client. */
export class PrometheusServer {
  constructor(
    readonly process: Started,
    readonly port: number,
    readonly configFile: string,
  ) {}

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Runs an instant query; throws with Prometheus' error text when the query is invalid. */
  async query(expr: string, time?: number): Promise<PromResult> {
    const params = new URLSearchParams({ query: expr });
    if (time !== undefined) params.set("time", String(time / 1000));
    return this.api(`/api/v1/query?${params}`);
  }

  /** Runs a range query over the last `rangeSeconds` with `stepSeconds` resolution. */
  async queryRange(expr: string, rangeSeconds: number, stepSeconds: number): Promise<PromResult> {
    const end = Date.now() / 1000;
    const params = new URLSearchParams({ query: expr, start: String(end - rangeSeconds), end: String(end), step: String(stepSeconds) });
    return this.api(`/api/v1/query_range?${params}`);
  }

  /** Active scrape targets with their health and labels. */
  async targets(): Promise<{ labels: Record<string, string>; health: string; lastError: string; scrapePool: string }[]> {
    const res = await fetch(`${this.url}/api/v1/targets?state=active`);
    const body = (await res.json()) as any;
    return body.data.activeTargets;
  }

  /** Rule groups as Prometheus loaded them, with each rule's health and last error. */
  async rules(): Promise<{ name: string; file: string; rules: { name: string; query: string; type: string; health: string; lastError?: string; state?: string }[] }[]> {
    const res = await fetch(`${this.url}/api/v1/rules`);
    const body = (await res.json()) as any;
    return body.data.groups;
  }

  /** Waits until every target reports `health: up` (or `down` ones are listed in `allowDown`). */
  async waitForTargets(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const t = await this.targets().catch(() => []);
      if (t.length >= count && t.every((x) => x.health === "up")) return;
      if (Date.now() > deadline) {
        throw new Error(`targets not all up within ${timeoutMs} ms:\n${t.map((x) => `  ${x.scrapePool} ${x.labels.instance} ${x.health} ${x.lastError}`).join("\n")}\n${this.process.output().slice(-3000)}`);
      }
      await sleep(200);
    }
  }

  private async api(pathAndQuery: string): Promise<PromResult> {
    const res = await fetch(this.url + pathAndQuery);
    const body = (await res.json()) as any;
    if (body.status !== "success") throw new Error(`Prometheus ${body.errorType}: ${body.error}`);
    return body.data as PromResult;
  }
}

/** The `data` of a Prometheus query API answer. */
export interface PromResult {
  readonly resultType: "vector" | "matrix" | "scalar" | "string";
  readonly result: any;
}

/** Number of series (or 1 for a scalar) in a query result. */
export function resultSize(r: PromResult): number {
  if (r.resultType === "vector" || r.resultType === "matrix") return r.result.length;
  return 1;
}

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions extends PrometheusConfigOptions {
  /** Also scrape Prometheus itself under this job name (its rule and notifier metrics). */
  readonly selfJob?: string;
}

/** Writes the config, starts Prometheus 2.42 on a free loopback port, waits for /-/ready. */
export async function startPrometheus(group: ProcessGroup, opts: StartPrometheusOptions): Promise<PrometheusServer> {
  const cmd = requireProgram(PROGRAMS.prometheus);
  const dir = group.tempDir("prometheus");
  const configFile = path.join(dir, "prometheus.yml");
  const port = await freePort();
  const jobs = opts.selfJob ? [...opts.jobs, { job: opts.selfJob, targets: [{ address: `127.0.0.1:${port}` }] }] : opts.jobs;
  for (const j of jobs) if (j.fileSd !== undefined) writeFileSdTargets(j.fileSd, j.targets);
  fs.writeFileSync(configFile, YAML.stringify(prometheusConfig({ ...opts, jobs }), { lineWidth: 0 }));
  const proc = await group.start(
    "prometheus",
    cmd,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-lifecycle",
      // The first alert of an outage is sent at once; this only paces resends of firing alerts.
      "--rules.alert.resend-delay=1s",
    ],
    { ready: () => httpOk(`http://127.0.0.1:${port}/-/ready`), readyTimeoutMs: 30_000 },
  );
  return new PrometheusServer(proc, port, configFile);
}
