import * as http from "node:http";

/** One request the client sent and how it ended. */
export interface ClientRequest {
  /** Milliseconds since the epoch when it was sent. */
  readonly sentAt: number;
  /** HTTP status; 0 when no answer came (connection refused or reset, timeout). */
  readonly status: number;
  readonly ms: number;
}

/**
 * Users in front of the proxy: `GET /` at a steady rate over keep-alive connections, each
 * answer recorded with its time, so that the requests that failed in any interval (a bad
 * canary step and its rollback) can be counted afterwards.
 */
export class LoadClient {
  private timer?: NodeJS.Timeout;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  readonly requests: ClientRequest[] = [];
  private pending = 0;

  constructor(
    private readonly url: string,
    private readonly requestsPerSecond: number,
  ) {}

  /** Starts sending. */
  start(): void {
    if (this.timer) return;
    const tickMs = 20;
    const perTick = this.requestsPerSecond * (tickMs / 1000);
    let debt = 0;
    this.timer = setInterval(() => {
      debt += perTick;
      for (; debt >= 1; debt--) this.sendOne();
    }, tickMs);
  }

  /** Stops sending, waits for the answers of requests in flight (up to 15 s), and closes its connections. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + 15_000;
    while (this.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.agent.destroy();
  }

  /** Requests sent in [from, to) (epoch ms) and how many of them failed (5xx or no answer). */
  between(from: number, to: number): { total: number; failed: number } {
    const inRange = this.requests.filter((r) => r.sentAt >= from && r.sentAt < to);
    return { total: inRange.length, failed: inRange.filter((r) => r.status === 0 || r.status >= 500).length };
  }

  private sendOne(): void {
    const sentAt = Date.now();
    this.pending++;
    let finished = false;
    const done = (status: number) => {
      if (finished) return;
      finished = true;
      this.pending--;
      this.requests.push({ sentAt, status, ms: Date.now() - sentAt });
    };
    const req = http.get(this.url, { agent: this.agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => done(0));
  }
}
