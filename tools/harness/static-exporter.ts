import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** One series a {@link StaticExporter} serves. */
export interface StaticSeries {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Prometheus text-format label set `{a="x",b="y"}` with values escaped. */
export function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/**
 * An exporter that serves whatever series a test sets, as gauges. It stands in for exporters
 * that need a cluster — kube-state-metrics above all (its `kube_cronjob_*` series drive the
 * backup freshness alerts) — so that rules reading those series run against real Prometheus.
 */
export class StaticExporter {
  private readonly series = new Map<string, StaticSeries>();
  private server?: http.Server;
  private portNumber = 0;

  /** Sets (or replaces) one series; the key is name plus labels. */
  set(name: string, labels: Record<string, string>, value: number): void {
    this.series.set(name + formatLabels(labels), { name, labels, value });
  }

  /** Removes one series, as when the object it describes is deleted. */
  delete(name: string, labels: Record<string, string>): void {
    this.series.delete(name + formatLabels(labels));
  }

  /** The exposition text of `/metrics`. */
  metricsText(): string {
    const byName = new Map<string, StaticSeries[]>();
    for (const s of this.series.values()) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
    const lines: string[] = [];
    for (const [name, list] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# TYPE ${name} gauge`);
      for (const s of list) lines.push(`${name}${formatLabels(s.labels)} ${s.value}`);
    }
    return lines.join("\n") + "\n";
  }

  /** `127.0.0.1:<port>`, the scrape target. */
  get target(): string {
    return `127.0.0.1:${this.portNumber}`;
  }

  /** Listens on a free loopback port. */
  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      res.writeHead(req.url === "/metrics" ? 200 : 404, { "content-type": "text/plain; version=0.0.4" });
      res.end(req.url === "/metrics" ? this.metricsText() : "");
    });
    await new Promise<void>((resolve) => this.server!.listen(this.portNumber, "127.0.0.1", resolve));
    this.portNumber = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
