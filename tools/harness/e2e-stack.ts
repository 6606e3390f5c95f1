import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { REPO_ROOT } from "../render/mock-runtime";
import { stackFolder } from "../render/subprocess";
import { renderMonitoring, type RenderedMonitoring } from "./monitoring";

/**
 * Services of the end-to-end stack besides dev's own (which stays healthy as a baseline).
 * Each scenario breaks its own service, so that scenarios run at the same time on one chain
 * without muting or masking each other.
 */
export const E2E_SERVICES = {
  /** Its listener goes away: ServiceDown. */
  down: "checkout",
  /** All requests fail: the fast (paging) burn-rate alerts. */
  fastBurn: "payments",
  /** A few percent of requests fail from the start: the slow (ticket) burn-rate alerts. */
  slowBurn: "orders",
  /** Every request is slower than the latency objective's threshold. */
  latency: "search",
  /** Users stop calling it; kubelet probes and scrapes go on. */
  idle: "catalog",
} as const;

/** Name of the blackbox probe of the end-to-end stack. */
export const E2E_PROBE = "shop";
/** A second probe, so that two endpoints can fail together and share one notification. */
export const E2E_PROBE_API = "shop-api";

/** Time scale of the end-to-end stack (config `timeScale`): 1 h of alerting time is 36 s. */
export const E2E_TIME_SCALE = 0.01;

/** Options of {@link e2eStackYaml}. */
export interface E2eStackOptions {
  /** Add a maintenance window that covers `now` (the whole UTC day of `now` and the next). */
  readonly maintenanceAt?: Date;
}

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;

/**
 * A copy of the dev stack file for end-to-end tests: dev's services plus one per scenario
 * ({@link E2E_SERVICES}), production-like receivers (Slack, PagerDuty, heartbeat) with
 * secret placeholders, one blackbox probe, and optionally a maintenance window covering now.
 * Everything else — thresholds, `for:` durations, routes — is dev's own.
 */
export function e2eStackYaml(opts: E2eStackOptions = {}): string {
  const doc = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> };
  const c = doc.config;
  const services: any[] = c["app-platform:services"];
  const template = services[0];
  for (const name of Object.values(E2E_SERVICES)) {
    services.push({ ...structuredClone(template), name, activeColor: name === E2E_SERVICES.down ? "green" : "blue", settings: {} });
  }
  // dev's service keeps its idle colour warm, as during a release: the release dashboard's
  // preview panels get data.
  template.idleReplicas = 1;
  const monitoring = (c["app-platform:monitoring"] ??= {});
  monitoring.probes = [
    ...(monitoring.probes ?? []),
    { name: E2E_PROBE, url: "https://shop.example.com/healthz", module: "http_2xx" },
    { name: E2E_PROBE_API, url: "https://api.shop.example.com/healthz", module: "http_2xx" },
  ];
  const alerting = (c["app-platform:alerting"] ??= {});
  alerting.receivers = { ...alerting.receivers, slack: { channel: "#alerts", criticalChannel: "#incidents" }, pagerduty: {} };
  alerting.heartbeat = alerting.heartbeat ?? {};
  c["app-platform:slackWebhookUrl"] = { secure: "e2e" };
  c["app-platform:pagerdutyRoutingKey"] = { secure: "e2e" };
  c["app-platform:heartbeatUrl"] = { secure: "e2e" };
  if (opts.maintenanceAt) {
    const day = opts.maintenanceAt.getUTCDay();
    alerting.maintenance = { weekdays: [WEEKDAYS[day], WEEKDAYS[(day + 1) % 7]], startTime: "00:00", endTime: "24:00", location: "UTC" };
  }
  return YAML.stringify(doc, { lineWidth: 0 });
}

/** Renders the end-to-end stack (and its maintenance copy) at {@link E2E_TIME_SCALE}, in parallel. */
export async function renderE2eStacks(): Promise<{ main: RenderedMonitoring; maintenance: RenderedMonitoring }> {
  const overrides = { "app-platform:timeScale": String(E2E_TIME_SCALE) };
  const mainDir = stackFolder("dev", e2eStackYaml());
  const maintDir = stackFolder("dev", e2eStackYaml({ maintenanceAt: new Date() }));
  try {
    const [main, maintenance] = await Promise.all([
      renderMonitoring({ stack: "dev", rootDir: mainDir, overrides }),
      renderMonitoring({ stack: "dev", rootDir: maintDir, overrides }),
    ]);
    return { main, maintenance };
  } finally {
    fs.rmSync(mainDir, { recursive: true, force: true });
    fs.rmSync(maintDir, { recursive: true, force: true });
  }
}
