import { BACKUP_CRONJOB } from "../../components/monitoring/contract";
import { E2E_PROBE, E2E_PROBE_API, E2E_SERVICES } from "./e2e-stack";
import { matchRoutes, type ResolvedRoute } from "./latency-model";
import type { MonitoringChain } from "./monitoring";
import { sleep } from "./processes";
import type { Notification, NotificationKind } from "./recorder";

/** An alert a scenario expects, by the labels that identify it. */
export interface ExpectedAlert {
  /** alertname plus the labels that identify the broken thing (service, slo, cronjob...). */
  readonly labels: Readonly<Record<string, string>>;
  /** The severity the rule must give it; it decides the route. */
  readonly severity: "critical" | "warning";
}

/** One fault, how to cause and clear it, and what the platform must notify. */
export interface Scenario {
  /** Kebab-case name, used in test names and bench lines. */
  readonly name: string;
  /** What breaks, in words. */
  readonly summary: string;
  /** The scrape job whose interval bounds the detection (for the latency model). */
  job(chain: MonitoringChain): string;
  inject(chain: MonitoringChain): Promise<void> | void;
  clear(chain: MonitoringChain): Promise<void> | void;
  /** Must arrive at the receivers their labels route to (critical pages, warning goes to chat). */
  readonly expect: readonly ExpectedAlert[];
  /**
   * Alerts that fire in Prometheus during this fault and must NOT reach any receiver, because
   * an inhibition rule mutes them while an expected alert fires.
   */
  readonly inhibited: readonly Readonly<Record<string, string>>[];
  /** True when the fault must already be present when monitoring starts (slow burns). */
  readonly presentAtStart?: boolean;
}

/** The integration that must carry an alert of this severity: critical pages, warning goes to chat. */
export const INTEGRATION_OF_SEVERITY: Readonly<Record<ExpectedAlert["severity"], NotificationKind>> = {
  critical: "pagerduty",
  warning: "slack",
};

/**
 * Error ratio of the slow-burn service: between the 1d/2h ticket (3x budget) and the 6h/30m
 * page (6x budget) for a 99% objective, close to the ticket's threshold so that the 2h window
 * recovers quickly once the errors stop.
 */
export const SLOW_BURN_RATIO = 0.04;

/** Injected latency of the latency scenario: above every service's 0.5 s objective threshold. */
export const SLOW_SECONDS = 1;

/** The scenarios that break something and expect a notification. */
export function faultScenarios(): Scenario[] {
  return [
    {
      name: "service-down",
      summary: `every pod of ${E2E_SERVICES.down} stops answering`,
      job: () => E2E_SERVICES.down,
      inject: (c) => c.apps[E2E_SERVICES.down]!.stop(),
      clear: (c) => c.apps[E2E_SERVICES.down]!.start(),
      expect: [{ labels: { alertname: "ServiceDown", service: E2E_SERVICES.down }, severity: "critical" }],
      inhibited: [],
    },
    {
      name: "error-budget-fast-burn",
      summary: `${E2E_SERVICES.fastBurn} fails every request`,
      job: () => E2E_SERVICES.fastBurn,
      inject: (c) => c.apps[E2E_SERVICES.fastBurn]!.setFault({ errorRatio: 1 }),
      clear: (c) => c.apps[E2E_SERVICES.fastBurn]!.setFault({ errorRatio: 0 }),
      // One page for one incident: the burn-rate page mutes the static ratio page of the same
      // service, which in turn supersedes its warning.
      expect: [{ labels: { alertname: "ErrorBudgetBurn1h", service: E2E_SERVICES.fastBurn, slo: "availability" }, severity: "critical" }],
      inhibited: [
        { alertname: "ServiceHighErrorRatio", service: E2E_SERVICES.fastBurn },
        { alertname: "ServiceElevatedErrorRatio", service: E2E_SERVICES.fastBurn },
      ],
    },
    {
      name: "error-budget-slow-burn",
      summary: `${E2E_SERVICES.slowBurn} fails ${SLOW_BURN_RATIO * 100}% of requests from the start`,
      job: () => E2E_SERVICES.slowBurn,
      inject: (c) => c.apps[E2E_SERVICES.slowBurn]!.setFault({ errorRatio: SLOW_BURN_RATIO }),
      clear: (c) => c.apps[E2E_SERVICES.slowBurn]!.setFault({ errorRatio: 0 }),
      expect: [
        { labels: { alertname: "ErrorBudgetBurn1d", service: E2E_SERVICES.slowBurn, slo: "availability" }, severity: "warning" },
        { labels: { alertname: "ServiceElevatedErrorRatio", service: E2E_SERVICES.slowBurn }, severity: "warning" },
      ],
      inhibited: [],
      presentAtStart: true,
    },
    {
      name: "latency-above-objective",
      summary: `every request to ${E2E_SERVICES.latency} takes ${SLOW_SECONDS} s`,
      job: () => E2E_SERVICES.latency,
      inject: (c) => c.apps[E2E_SERVICES.latency]!.setFault({ latencySeconds: SLOW_SECONDS }),
      clear: (c) => c.apps[E2E_SERVICES.latency]!.setFault({ latencySeconds: 0 }),
      expect: [{ labels: { alertname: "LatencyBudgetBurn1h", service: E2E_SERVICES.latency, slo: "latency" }, severity: "critical" }],
      inhibited: [],
    },
    {
      name: "postgres-down",
      summary: "Postgres stops",
      job: (c) => c.jobs.postgres,
      inject: (c) => c.stopPostgres(),
      clear: (c) => c.startPostgres(),
      expect: [{ labels: { alertname: "PostgresDown" }, severity: "critical" }],
      inhibited: [],
    },
    {
      name: "redis-down",
      summary: "Redis stops",
      job: (c) => c.jobs.redis,
      inject: (c) => c.stopRedis(),
      clear: (c) => c.startRedis(),
      expect: [{ labels: { alertname: "RedisDown" }, severity: "critical" }],
      inhibited: [],
    },
    {
      name: "endpoints-down",
      // Two alerts of one name in one group, with different summaries: the PagerDuty summary
      // must still be non-empty (the contract-enforcing recorder refuses it otherwise).
      summary: `the endpoints probed as "${E2E_PROBE}" and "${E2E_PROBE_API}" answer 500`,
      job: (c) => c.jobs.probe,
      inject: (c) => [E2E_PROBE, E2E_PROBE_API].forEach((p) => c.probeTargets[p]!.setFault({ errorRatio: 1 })),
      clear: (c) => [E2E_PROBE, E2E_PROBE_API].forEach((p) => c.probeTargets[p]!.setFault({ errorRatio: 0 })),
      expect: [
        { labels: { alertname: "EndpointDown", probe: E2E_PROBE }, severity: "critical" },
        { labels: { alertname: "EndpointDown", probe: E2E_PROBE_API }, severity: "critical" },
      ],
      inhibited: [],
    },
    {
      name: "backup-stale",
      summary: `the last successful ${BACKUP_CRONJOB} run is 10 days old`,
      job: (c) => c.jobs.kubeState,
      inject: (c) => c.setBackupAge(BACKUP_CRONJOB, 10 * 86400),
      clear: (c) => c.setBackupAge(BACKUP_CRONJOB, 60),
      expect: [{ labels: { alertname: "BackupStale", cronjob: BACKUP_CRONJOB }, severity: "critical" }],
      inhibited: [],
    },
  ];
}

/** What one run of a scenario observed. */
export interface ScenarioRun {
  readonly scenario: string;
  /** When the fault was injected (ms); for faults present at start, when monitoring started. */
  readonly faultAt: number;
  /** Per expected alert: the first notification through its integration. */
  readonly notified: readonly { readonly alert: ExpectedAlert; readonly receiver: string; readonly at: number; readonly notification: Notification }[];
  /** When the fault was cleared (ms). */
  readonly clearedAt: number;
  /** When each expected alert's resolution arrived (ms). */
  readonly resolvedAt: readonly number[];
}

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  /** The Alertmanager whose notifications count. @default "main" */
  readonly alertmanager?: string;
  /** How long to wait for each notification. */
  readonly timeoutMs: number;
  /** Fault time for faults present at start; @default now */
  readonly faultAt?: number;
  /** Skip injecting (the fault is already there). @default false */
  readonly alreadyInjected?: boolean;
}

/**
 * Injects a scenario's fault, waits for every expected alert at the receiver its labels route
 * to through the integration of its severity, checks the notified labels, checks that the
 * inhibited alerts fired in Prometheus yet reached no receiver, clears the fault and waits for
 * each resolution. Throws with what arrived when an expectation fails; clears the fault then too.
 */
export async function runScenario(chain: MonitoringChain, s: Scenario, o: RunScenarioOptions): Promise<ScenarioRun> {
  const am = o.alertmanager ?? "main";
  const config = chain.alertmanagers[am]!.config;
  const ns = chain.rendered.config.namespaces;
  const faultAt = o.faultAt ?? Date.now();
  let cleared = false;
  try {
    if (!o.alreadyInjected) await s.inject(chain);
    const notified: ScenarioRun["notified"][number][] = [];
    for (const alert of s.expect) {
      const kind = INTEGRATION_OF_SEVERITY[alert.severity];
      const labels = { ...alert.labels, severity: alert.severity };
      const reached = matchRoutes(config.config, labels).map((r) => r.receiver);
      const primary = reached.find((r) => config.integrations[r]?.includes(kind));
      if (!primary) throw new Error(`${s.name}: no route sends ${JSON.stringify(labels)} to a ${kind} receiver (routes reach: ${reached.join(", ")})`);
      // Every receiver the routes reach gets it, through each of its integrations; the shadow
      // webhook of a receiver carries the full label set of the same flush.
      for (const receiver of reached.filter((r) => (config.integrations[r] ?? []).length > 0)) {
        const shadow = await chain.recorder.waitFor({ alertmanager: am, receiver, kind: "shadow", status: "firing", labels: alert.labels, since: faultAt }, o.timeoutMs);
        const got = shadow.alerts.find((a) => a.status === "firing" && Object.entries(alert.labels).every(([k, v]) => a.labels[k] === v))!;
        const want: Record<string, string> = { ...labels };
        if (alert.labels.service) want.namespace = ns.apps;
        for (const [k, v] of Object.entries(want)) {
          if (got.labels[k] !== v) throw new Error(`${s.name}: ${alert.labels.alertname} reached ${receiver} with ${k}="${got.labels[k]}", expected "${v}"; labels: ${JSON.stringify(got.labels)}`);
        }
        for (const integration of config.integrations[receiver]!) {
          const real = await sameFlush(chain, am, receiver, integration as NotificationKind, shadow, alert.labels.alertname!);
          if (receiver === primary && integration === kind) notified.push({ alert, receiver, at: real.at, notification: real });
        }
      }
    }
    for (const inhibited of s.inhibited) {
      const query = `ALERTS{${selector({ ...inhibited, alertstate: "firing" })}}`;
      await waitUntil(`${s.name}: ${JSON.stringify(inhibited)} firing in Prometheus (else its inhibition proves nothing)`, async () => (await chain.prometheus.query(query)).result.length > 0, o.timeoutMs);
      // Let a group_wait and a group_interval pass, in which a wrongly uninhibited alert would be sent.
      const route = matchRoutes(config.config, { ...inhibited, severity: "warning" })[0]!;
      await sleep((route.groupWait + route.groupInterval) * 1000 + 500);
      const leaked = chain.recorder.find({ alertmanager: am, labels: inhibited, status: "firing", since: faultAt });
      if (leaked.length > 0) throw new Error(`${s.name}: ${JSON.stringify(inhibited)} should be inhibited but reached ${leaked.map((n) => `${n.receiver}/${n.kind}`).join(", ")}`);
    }
    const clearedAt = Date.now();
    await s.clear(chain);
    cleared = true;
    const resolvedAt: number[] = [];
    for (const n of notified) {
      const shadow = await chain.recorder.waitFor({ alertmanager: am, receiver: n.receiver, kind: "shadow", status: "resolved", labels: n.alert.labels, since: clearedAt }, o.timeoutMs);
      const real = await sameFlush(chain, am, n.receiver, INTEGRATION_OF_SEVERITY[n.alert.severity], shadow, n.alert.labels.alertname!);
      resolvedAt.push(real.at);
    }
    return { scenario: s.name, faultAt, notified, clearedAt, resolvedAt };
  } finally {
    if (!cleared) await Promise.resolve(s.clear(chain)).catch(() => undefined);
  }
}

/**
 * The notification of a real integration (Slack, PagerDuty) that Alertmanager sent in the same
 * flush as a shadow webhook notification: same receiver, within two seconds of it, naming the alert.
 */
async function sameFlush(chain: MonitoringChain, am: string, receiver: string, kind: NotificationKind, shadow: Notification, alertname: string): Promise<Notification> {
  const near = () =>
    chain.recorder
      .find({ alertmanager: am, receiver, kind, since: shadow.at - 2000 })
      .find((n) => Math.abs(n.at - shadow.at) <= 2000 && JSON.stringify(n.body).includes(alertname));
  await waitUntil(`${kind} notification of ${alertname} at ${receiver} beside the one at ${new Date(shadow.at).toISOString()}`, () => near() !== undefined, 20_000).catch((e) => {
    throw new Error(`${(e as Error).message}; received:\n${chain.recorder.summary({ alertmanager: am, receiver })}`);
  });
  const real = near()!;
  // The vendor would have refused it (tools/harness/contracts.ts): nobody was notified.
  if (real.violations.length > 0) throw new Error(`${kind} notification of ${alertname} at ${receiver} breaks the vendor's contract: ${real.violations.join("; ")}`);
  return real;
}

/** A PromQL label selector body for exact matches. */
export function selector(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",");
}

/** Waits until `cond` holds, polling every 200 ms; throws after `timeoutMs` with `what`. */
export async function waitUntil(what: string, cond: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** The routes `labels` reach in one of the chain's Alertmanagers (its rewritten config). */
export function matchRoutesFor(chain: MonitoringChain, alertmanager: string, labels: Record<string, string>): ResolvedRoute[] {
  return matchRoutes(chain.alertmanagers[alertmanager]!.config.config, labels);
}
