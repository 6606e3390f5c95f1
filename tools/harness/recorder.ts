import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { pagerDutyViolations, slackViolations } from "./contracts";

/** The integrations whose requests the recorder understands. */
export type NotificationKind = "slack" | "pagerduty" | "webhook" | "heartbeat" | "shadow";

/** One alert as Alertmanager's webhook payload carries it. */
export interface RecordedAlert {
  readonly status: "firing" | "resolved";
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
}

/** One HTTP request that reached the recorder. */
export interface Notification {
  /** Which Alertmanager sent it (the first path segment), e.g. "main". */
  readonly alertmanager: string;
  /** The receiver name in the Alertmanager config (second path segment). */
  readonly receiver: string;
  /** The integration (third path segment). */
  readonly kind: NotificationKind;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
  /** The JSON body. */
  readonly body: any;
  /**
   * For webhook-shaped bodies (webhook, heartbeat, shadow): the group status and alerts;
   * for PagerDuty: `event_action` mapped to firing/resolved; for Slack: undefined (its body
   * is rendered text).
   */
  readonly status?: "firing" | "resolved";
  /** Alerts of a webhook-shaped body; empty for Slack and PagerDuty. */
  readonly alerts: readonly RecordedAlert[];
  /**
   * How the request breaks the vendor's documented contract (tools/harness/contracts.ts):
   * empty when the real PagerDuty or Slack would accept it. A request with violations was
   * answered 400, as the vendor answers, so Alertmanager counts it as failed, not delivered.
   */
  readonly violations: readonly string[];
}

/** A filter of {@link NotificationRecorder.find}; every given field must match. */
export interface NotificationFilter {
  readonly alertmanager?: string;
  readonly receiver?: string;
  readonly kind?: NotificationKind;
  readonly status?: "firing" | "resolved";
  /** Only notifications that carry an alert whose labels include all of these. */
  readonly labels?: Record<string, string>;
  /** Only notifications that arrived at or after this time (ms). */
  readonly since?: number;
  /** Only notifications the vendor would accept (true) or refuse (false). */
  readonly accepted?: boolean;
}

/**
 * The URL path under which the recorder files a request: `/<alertmanager>/<receiver>/<kind>`.
 * Receiver names may contain characters that are not path-safe, so they are URI-encoded.
 */
export function recorderPath(alertmanager: string, receiver: string, kind: NotificationKind): string {
  return `/${encodeURIComponent(alertmanager)}/${encodeURIComponent(receiver)}/${kind}`;
}

/**
 * An HTTP server on loopback that stands in for Slack, PagerDuty, webhook and heartbeat
 * endpoints and records every notification, so tests can assert which receiver got what.
 * The PagerDuty and Slack endpoints enforce the vendors' documented request contracts
 * (tools/harness/contracts.ts) and answer 400 to a request the vendor would refuse, like the
 * vendor does: a page that PagerDuty would drop is not "delivered" here either.
 */
export class NotificationRecorder {
  private readonly server: http.Server;
  private readonly received: Notification[] = [];
  private readonly waiters = new Set<() => void>();
  private port = 0;

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const n = this.record(req.url ?? "/", Buffer.concat(chunks).toString("utf8"));
        if (n.violations.length > 0) {
          // PagerDuty answers 400 with "Event object is invalid" and the errors; Slack 400 with a code.
          res.writeHead(400, { "content-type": "application/json" });
          res.end(n.kind === "pagerduty" ? JSON.stringify({ status: "invalid event", message: "Event object is invalid", errors: n.violations }) : "invalid_payload");
          return;
        }
        // PagerDuty's Events API answers 202; the others accept any 2xx.
        res.writeHead(req.url?.endsWith("/pagerduty") ? 202 : 200, { "content-type": "application/json" });
        res.end('{"status":"success"}');
      });
    });
  }

  /** Listens on 127.0.0.1 on a free port. */
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The full URL for one receiver integration. */
  urlFor(alertmanager: string, receiver: string, kind: NotificationKind): string {
    return this.url + recorderPath(alertmanager, receiver, kind);
  }

  /** Every notification so far, oldest first. */
  all(): readonly Notification[] {
    return [...this.received];
  }

  /** Requests the real vendor would have refused, with why (should be none). */
  rejected(): string[] {
    return this.received.filter((n) => n.violations.length > 0).map((n) => `${n.alertmanager}/${n.receiver}/${n.kind}: ${n.violations.join("; ")} — body ${JSON.stringify(n.body).slice(0, 400)}`);
  }

  /** The notifications that match `filter`, oldest first. */
  find(filter: NotificationFilter): Notification[] {
    return this.received.filter((n) => matches(n, filter));
  }

  /**
   * Resolves with the first notification matching `filter` (one that already arrived counts),
   * or rejects after `timeoutMs` with a summary of what did arrive.
   */
  async waitFor(filter: NotificationFilter, timeoutMs: number): Promise<Notification> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.find((n) => matches(n, filter));
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no notification matching ${JSON.stringify(filter)} within ${timeoutMs} ms; received:\n${this.summary()}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.min(left, 250));
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** One line per notification, for failure messages. */
  summary(filter: NotificationFilter = {}): string {
    return this.find(filter)
      .map((n) => {
        const alerts = n.alerts.map((a) => `${a.status}:${a.labels.alertname}{${Object.entries(a.labels).filter(([k]) => k !== "alertname").map(([k, v]) => `${k}=${v}`).join(",")}}`);
        return `  ${new Date(n.at).toISOString()} ${n.alertmanager}/${n.receiver}/${n.kind} ${n.status ?? "-"} ${alerts.join(" ") || summarizeBody(n)}`;
      })
      .join("\n");
  }

  /** Stops listening and drops open connections. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(url: string, text: string): Notification {
    const [amSeg = "", receiverSeg = "", kindSeg = ""] = url.split("?")[0]!.split("/").slice(1);
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = { raw: text };
    }
    const kind = kindSeg as NotificationKind;
    const webhookShaped = kind === "webhook" || kind === "heartbeat" || kind === "shadow";
    const status: Notification["status"] = webhookShaped
      ? body.status
      : kind === "pagerduty"
        ? body.event_action === "resolve"
          ? "resolved"
          : body.event_action === "trigger"
            ? "firing"
            : undefined
        : undefined;
    const violations = kind === "pagerduty" ? pagerDutyViolations(body) : kind === "slack" ? slackViolations(body) : [];
    const n: Notification = {
      alertmanager: decodeURIComponent(amSeg),
      receiver: decodeURIComponent(receiverSeg),
      kind,
      at: Date.now(),
      body,
      status,
      alerts: webhookShaped && Array.isArray(body.alerts) ? body.alerts : [],
      violations,
    };
    this.received.push(n);
    for (const w of [...this.waiters]) {
      this.waiters.delete(w);
      w();
    }
    return n;
  }
}

function matches(n: Notification, f: NotificationFilter): boolean {
  if (f.alertmanager !== undefined && n.alertmanager !== f.alertmanager) return false;
  if (f.receiver !== undefined && n.receiver !== f.receiver) return false;
  if (f.kind !== undefined && n.kind !== f.kind) return false;
  if (f.since !== undefined && n.at < f.since) return false;
  if (f.accepted !== undefined && (n.violations.length === 0) !== f.accepted) return false;
  if (f.labels !== undefined) {
    const want = Object.entries(f.labels);
    const alerts = f.status ? n.alerts.filter((a) => a.status === f.status) : n.alerts;
    return alerts.some((a) => want.every(([k, v]) => a.labels[k] === v));
  }
  if (f.status !== undefined && n.status !== f.status) return false;
  return true;
}

function summarizeBody(n: Notification): string {
  if (n.kind === "slack") {
    const a = n.body.attachments?.[0];
    return `channel=${n.body.channel ?? "-"} title=${JSON.stringify(a?.title ?? n.body.text ?? "")}`;
  }
  if (n.kind === "pagerduty") return `${n.body.event_action} ${JSON.stringify(n.body.payload?.summary ?? "")}`;
  return JSON.stringify(n.body).slice(0, 200);
}
