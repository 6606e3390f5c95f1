import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { APP_METRICS } from "../../components/monitoring/contract";

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
  /** Requests per second the built-in load generator sends to itself; 0 disables it. @default 20 */
  readonly requestsPerSecond?: number;
}

/**
 * A small HTTP service instrumented like podinfo: `GET /` is the application (its answers
 * obey the injected {@link Fault}), `GET /metrics` exports `http_requests_total{status}` and
 * `http_request_duration_seconds` in the Prometheus text format, `GET /healthz` answers 200.
 * A built-in load generator sends it real HTTP requests at a steady rate so that rates and
 * ratios are defined. {@link stop} and {@link start} take the whole listener down and up,
 * which is what a crashed pod looks like to Prometheus (`up == 0`).
 */
export class InstrumentedService {
  private server?: http.Server;
  private fault: Fault = { errorRatio: 0, latencySeconds: 0 };
  private served = 0;
  private failed = 0;
  private readonly counts = new Map<string, number>();
  private readonly bucketCounts: number[];
  private sum = 0;
  private count = 0;
  private loadTimer?: NodeJS.Timeout;
  private readonly buckets: readonly number[];
  private readonly rps: number;
  private portNumber: number;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(opts: InstrumentedServiceOptions = {}) {
    this.buckets = opts.buckets ?? DEFAULT_BUCKETS;
    this.rps = opts.requestsPerSecond ?? 20;
    this.portNumber = opts.port ?? 0;
    this.bucketCounts = this.buckets.map(() => 0);
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
    if (this.rps > 0 && !this.loadTimer) {
      // Several requests per tick keep timer overhead low at higher rates.
      const tickMs = 50;
      const perTick = this.rps * (tickMs / 1000);
      let debt = 0;
      this.loadTimer = setInterval(() => {
        debt += perTick;
        for (; debt >= 1; debt--) this.sendOne();
      }, tickMs);
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
    this.loadTimer = undefined;
    await this.stop();
    this.agent.destroy();
  }

  /** Requests answered so far, and how many of them with 500. */
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
    lines.push(`# HELP ${base} Request latency in seconds.`);
    lines.push(`# TYPE ${base} histogram`);
    this.buckets.forEach((le, i) => lines.push(`${base}_bucket{le="${le}"} ${this.bucketCounts[i]}`));
    lines.push(`${base}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${base}_sum ${this.sum}`);
    lines.push(`${base}_count ${this.count}`);
    return lines.join("\n") + "\n";
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? "/";
    if (url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(this.metricsText());
      return;
    }
    if (url === "/healthz" || url === "/readyz") {
      res.writeHead(200);
      res.end("ok");
      return;
    }
    const started = process.hrtime.bigint();
    const { errorRatio, latencySeconds } = this.fault;
    this.served++;
    // Evenly spread errors: request n fails when floor(n * ratio) steps up, so any window of
    // 1/ratio requests holds exactly one error and short-window ratios are exact.
    const fail = Math.floor(this.served * errorRatio) > Math.floor((this.served - 1) * errorRatio);
    const answer = () => {
      const status = fail ? 500 : 200;
      if (fail) this.failed++;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.observe(String(status), seconds);
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(fail ? "injected error\n" : "ok\n");
    };
    if (latencySeconds > 0) setTimeout(answer, latencySeconds * 1000);
    else answer();
  }

  private observe(status: string, seconds: number): void {
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1);
    this.buckets.forEach((le, i) => {
      if (seconds <= le) this.bucketCounts[i]!++;
    });
    this.sum += seconds;
    this.count++;
  }

  private sendOne(): void {
    if (!this.server) return;
    const req = http.get({ host: "127.0.0.1", port: this.portNumber, path: "/", agent: this.agent }, (res) => res.resume());
    req.on("error", () => undefined);
  }
}
