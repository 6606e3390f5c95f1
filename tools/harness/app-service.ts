import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { APP_METRICS, pathLabelValue } from "../../components/monitoring/contract";

/**
 * Histogram buckets of podinfo's `http_request_duration_seconds` (the Prometheus client
 * defaults), so SLO rules that select `le="0.5"` or `le="1"` find a bucket.
 */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Faults an {@link InstrumentedService} can inject into the requests it serves. */
export interface Fault {
  /** Fraction of requests answered with 500, in [0, 1]. Errors are spread evenly, not random. */
  readonly errorRatio: number;
  /** Extra seconds every request waits before answering. */
  readonly latencySeconds: number;
}

/** Options of {@link InstrumentedService}. */
export interface InstrumentedServiceOptions {
  /** Port on 127.0.0.1; @default a free port chosen by the OS */
  readonly port?: number;
  /** Histogram bucket upper bounds (seconds); @default {@link DEFAULT_BUCKETS} */
  readonly buckets?: readonly number[];
  /** User requests per second the built-in load generator sends to `/`; 0 disables it. @default 20 */
  readonly requestsPerSecond?: number;
  /**
   * Kubelet probe requests per second, alternating `/readyz` and `/healthz` (a kubelet with a
   * 5 s readiness and a 10 s liveness period sends 0.3 per second; they never stop while the
   * pod lives, whatever the users do). @default 0.4
   */
  readonly probesPerSecond?: number;
}

/** One series of the request histogram: podinfo's labels. */
interface HistogramKey {
  readonly method: string;
  readonly path: string;
  readonly status: string;
}

/**
 * A small HTTP service instrumented exactly like podinfo (stefanprodan/podinfo
 * pkg/api/http/metrics.go): `GET /` is the application (its answers obey the injected
 * {@link Fault}); every request — `/healthz`, `/readyz` and `/metrics` included — is counted in
 * `http_requests_total{status}` and observed in `http_request_duration_seconds{method,path,status}`
 * with podinfo's route labels (`/` is "root", `/healthz` "healthz"). A built-in load generator
 * sends user requests at a steady rate (changeable with {@link setUserRate}, 0 for an idle
 * period), and a probe generator plays the kubelet. {@link stop} and {@link start} take the
 * whole listener down and up, which is what a crashed pod looks like to Prometheus (`up == 0`).
 */
export class InstrumentedService {
  private server?: http.Server;
  private fault: Fault = { errorRatio: 0, latencySeconds: 0 };
  private served = 0;
  private failed = 0;
  private readonly counts = new Map<string, number>();
  private readonly histograms = new Map<string, { key: HistogramKey; buckets: number[]; sum: number; count: number }>();
  private loadTimer?: NodeJS.Timeout;
  private probeTimer?: NodeJS.Timeout;
  private readonly buckets: readonly number[];
  private rps: number;
  private readonly probeRps: number;
  private portNumber: number;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(opts: InstrumentedServiceOptions = {}) {
    this.buckets = opts.buckets ?? DEFAULT_BUCKETS;
    this.rps = opts.requestsPerSecond ?? 20;
    this.probeRps = opts.probesPerSecond ?? 0.4;
    this.portNumber = opts.port ?? 0;
  }

  /** Changes the user request rate (0: nobody uses the service; probes and scrapes go on). */
  setUserRate(requestsPerSecond: number): void {
    if (!(requestsPerSecond >= 0)) throw new Error(`requestsPerSecond (${requestsPerSecond}) must be >= 0`);
    this.rps = requestsPerSecond;
  }

  /** The port it listens on (fixed after the first start). */
  get port(): number {
    return this.portNumber;
  }

  /** `127.0.0.1:<port>`, the scrape target. */
  get target(): string {
    return `127.0.0.1:${this.portNumber}`;
  }

  /** Whether it is listening. */
  get running(): boolean {
    return this.server !== undefined;
  }

  /** Replaces the fault (use `{ errorRatio: 0, latencySeconds: 0 }` to clear it). */
  setFault(fault: Partial<Fault>): void {
    const next = { ...this.fault, ...fault };
    if (!(next.errorRatio >= 0 && next.errorRatio <= 1)) throw new Error(`errorRatio (${next.errorRatio}) must be in [0, 1]`);
    if (!(next.latencySeconds >= 0)) throw new Error(`latencySeconds (${next.latencySeconds}) must be >= 0`);
    this.fault = next;
  }

  /** Starts listening (on the same port as before after a {@link stop}) and the load generator. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.portNumber, "127.0.0.1", () => resolve());
    });
    this.portNumber = (server.address() as AddressInfo).port;
    this.server = server;
    if (!this.loadTimer) {
      // Several requests per tick keep timer overhead low at higher rates; the rate is read
      // each tick so that setUserRate takes effect at once.
      const tickMs = 50;
      let debt = 0;
      this.loadTimer = setInterval(() => {
        debt += this.rps * (tickMs / 1000);
        for (; debt >= 1; debt--) this.sendOne("/");
      }, tickMs);
    }
    if (this.probeRps > 0 && !this.probeTimer) {
      let n = 0;
      this.probeTimer = setInterval(() => this.sendOne(n++ % 2 === 0 ? "/readyz" : "/healthz"), 1000 / this.probeRps);
    }
  }

  /** Stops listening and drops every open connection, including Prometheus' keep-alive scrape. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops the load generator and the listener for good. */
  async close(): Promise<void> {
    if (this.loadTimer) clearInterval(this.loadTimer);
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.loadTimer = undefined;
    this.probeTimer = undefined;
    await this.stop();
    this.agent.destroy();
  }

  /** User requests (`/`) answered so far, and how many of them with 500. */
  stats(): { served: number; failed: number } {
    return { served: this.served, failed: this.failed };
  }

  /** The exposition text of `/metrics` (exported for tests). */
  metricsText(): string {
    const lines: string[] = [];
    lines.push(`# HELP ${APP_METRICS.requests} Requests served, by HTTP status code.`);
    lines.push(`# TYPE ${APP_METRICS.requests} counter`);
    // Both codes exist from the start so that ratios are 0 (not absent) before the first error.
    const statuses = new Set(["200", "500", ...this.counts.keys()]);
    for (const s of [...statuses].sort()) {
      lines.push(`${APP_METRICS.requests}{${APP_METRICS.statusLabel}="${s}"} ${this.counts.get(s) ?? 0}`);
    }
    const base = APP_METRICS.durationBucket.replace(/_bucket$/, "");
    lines.push(`# HELP ${base} Seconds spent serving HTTP requests.`);
    lines.push(`# TYPE ${base} histogram`);
    // The user route exists from the start, as after podinfo's first request, so that ratios
    // are 0 rather than absent in a test's first seconds.
    this.histogram({ method: "GET", path: "root", status: "200" });
    for (const h of [...this.histograms.values()].sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)))) {
      const l = `method="${h.key.method}",${APP_METRICS.pathLabel}="${h.key.path}",${APP_METRICS.statusLabel}="${h.key.status}"`;
      this.buckets.forEach((le, i) => lines.push(`${base}_bucket{${l},le="${le}"} ${h.buckets[i]}`));
      lines.push(`${base}_bucket{${l},le="+Inf"} ${h.count}`);
      lines.push(`${base}_sum{${l}} ${h.sum}`);
      lines.push(`${base}_count{${l}} ${h.count}`);
    }
    return lines.join("\n") + "\n";
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = (req.url ?? "/").split("?")[0]!;
    const started = process.hrtime.bigint();
    const key = (status: number): HistogramKey => ({ method: req.method ?? "GET", path: pathLabelValue(url), status: String(status) });
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    if (url === "/metrics") {
      // podinfo's middleware wraps the metrics handler too: a scrape is a request.
      const text = this.metricsText();
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(text);
      this.observe(key(200), elapsed());
      return;
    }
    if (url === "/healthz" || url === "/readyz") {
      res.writeHead(200);
      res.end("ok");
      this.observe(key(200), elapsed());
      return;
    }
    const { errorRatio, latencySeconds } = this.fault;
    this.served++;
    // Evenly spread errors: request n fails when floor(n * ratio) steps up, so any window of
    // 1/ratio requests holds exactly one error and short-window ratios are exact.
    const fail = Math.floor(this.served * errorRatio) > Math.floor((this.served - 1) * errorRatio);
    const answer = () => {
      const status = fail ? 500 : 200;
      if (fail) this.failed++;
      this.observe(key(status), elapsed());
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(fail ? "injected error\n" : "ok\n");
    };
    if (latencySeconds > 0) setTimeout(answer, latencySeconds * 1000);
    else answer();
  }

  private histogram(key: HistogramKey) {
    const id = `${key.method} ${key.path} ${key.status}`;
    let h = this.histograms.get(id);
    if (!h) {
      h = { key, buckets: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.histograms.set(id, h);
    }
    return h;
  }

  private observe(key: HistogramKey, seconds: number): void {
    this.counts.set(key.status, (this.counts.get(key.status) ?? 0) + 1);
    const h = this.histogram(key);
    this.buckets.forEach((le, i) => {
      if (seconds <= le) h.buckets[i]!++;
    });
    h.sum += seconds;
    h.count++;
  }

  private sendOne(path: string): void {
    if (!this.server) return;
    const req = http.get({ host: "127.0.0.1", port: this.portNumber, path, agent: this.agent }, (res) => res.resume());
    req.on("error", () => undefined);
  }
}
