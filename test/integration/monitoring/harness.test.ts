// The harness itself, with fixture rules and a fixture Alertmanager config (not the platform's:
// those are exercised by scenarios.test.ts). Proves that every program starts, is scraped with
// the labels the platform's rules select on, and that a notification travels Prometheus ->
// Alertmanager -> recorder for each integration kind, and stops again.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPlatformConfig } from "../../../stacks/config";
import { readStackConfig } from "../../../tools/render/stack-files";
import { REPO_ROOT } from "../../../tools/render/mock-runtime";
import { PROGRAMS, requireProgram, sleep, tempDir } from "../../../tools/harness/processes";
import { startMonitoringChain, DEFAULT_JOBS, type MonitoringChain } from "../../../tools/harness/monitoring";
import { receiverSecretFile, BACKUP_CRONJOB } from "../../../components/monitoring/contract";

const SCALE = 0.02;

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(200);
  }
}

function fixture(): { ruleFile: string; alertmanager: Record<string, any> } {
  const dir = tempDir("harness-fixture");
  const ruleFile = path.join(dir, "fixture.yaml");
  fs.writeFileSync(
    ruleFile,
    YAML.stringify({
      groups: [
        {
          name: "harness-fixture",
          rules: [
            { alert: "FixtureAppDown", expr: 'up{job="podinfo"} == 0', for: "1s", labels: { severity: "critical" } },
            // Fires after the critical one: an inhibition only mutes what arrives while its source fires.
            { alert: "FixtureAppDownWarning", expr: 'up{job="podinfo"} == 0', for: "3s", labels: { severity: "warning" } },
            { alert: "FixturePostgresDown", expr: "pg_up == 0", labels: { severity: "warning" } },
          ],
        },
      ],
    }),
  );
  const alertmanager = {
    route: {
      receiver: "hook",
      group_by: ["alertname", "service"],
      group_wait: "200ms",
      group_interval: "1s",
      repeat_interval: "1h",
      routes: [
        { matchers: ['severity="critical"'], receiver: "pager", continue: true },
        { matchers: ['severity="critical"'], receiver: "chat" },
      ],
    },
    inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["service"] }],
    receivers: [
      { name: "hook", webhook_configs: [{ url: "http://example.invalid/hook" }] },
      { name: "pager", pagerduty_configs: [{ routing_key_file: receiverSecretFile("pagerdutyRoutingKey") }] },
      { name: "chat", slack_configs: [{ api_url_file: receiverSecretFile("slackWebhookUrl"), channel: "#alerts", send_resolved: true }] },
    ],
  };
  return { ruleFile, alertmanager };
}

describe("monitoring harness on loopback", () => {
  let chain: MonitoringChain;

  beforeAll(async () => {
    for (const p of [PROGRAMS.prometheus, PROGRAMS.alertmanager, PROGRAMS.nodeExporter, PROGRAMS.postgresExporter, PROGRAMS.redisExporter, PROGRAMS.blackboxExporter, PROGRAMS.redisServer, PROGRAMS.postgres, PROGRAMS.initdb]) {
      requireProgram(p);
    }
    const sc = readStackConfig(REPO_ROOT, "dev");
    const config = loadPlatformConfig(
      {
        ...sc.config,
        "app-platform:timeScale": String(SCALE),
        "app-platform:monitoring": JSON.stringify({ probes: [{ name: "shop", url: "https://shop.example.com/" }] }),
      },
      new Set(sc.secretKeys),
      "dev",
    );
    const f = fixture();
    chain = await startMonitoringChain({ rendered: { config, dir: path.dirname(f.ruleFile), ruleFiles: [f.ruleFile], alertmanager: f.alertmanager, dashboards: {} } });
  });

  afterAll(async () => {
    await chain?.stop();
  });

  it("scrapes every target with the labels rules select on, at the scaled interval", async () => {
    expect(chain.intervals.scrape).toBeCloseTo(30 * SCALE);
    const targets = await chain.prometheus.targets();
    const byJob = Object.fromEntries(targets.map((t) => [t.labels.job, t]));
    expect(Object.keys(byJob).sort()).toEqual(
      ["podinfo", DEFAULT_JOBS.probe, DEFAULT_JOBS.node, DEFAULT_JOBS.postgres, DEFAULT_JOBS.redis, DEFAULT_JOBS.kubeState, DEFAULT_JOBS.blackbox, DEFAULT_JOBS.prometheus, DEFAULT_JOBS.alertmanager].sort(),
    );
    expect(byJob.podinfo!.labels).toMatchObject({ service: "podinfo", role: "active", color: "blue", namespace: chain.rendered.config.namespaces.apps });
    for (const t of targets) expect(t.health, `${t.labels.job}: ${t.lastError}`).toBe("up");
  });

  it("exports the application's request counter and latency histogram with service labels", async () => {
    chain.apps.podinfo!.setFault({ errorRatio: 0.25 });
    try {
      // Polled: the 2 s rate needs two scrapes after the fault, however long a busy machine takes.
      // User requests (path "root"): podinfo's plain counter also counts probes and scrapes.
      const query = 'sum(rate(http_request_duration_seconds_count{service="podinfo",path="root",status=~"5.."}[2s])) / sum(rate(http_request_duration_seconds_count{service="podinfo",path="root"}[2s]))';
      let ratio = NaN;
      await waitUntil(async () => {
        ratio = Number((await chain.prometheus.query(query)).result[0]?.value[1]);
        return Math.abs(ratio - 0.25) < 0.05;
      }, 30_000).catch(() => undefined); // the assertion below shows the last ratio
      expect(ratio).toBeCloseTo(0.25, 1);
      const buckets = await chain.prometheus.query('sum(http_request_duration_seconds_bucket{service="podinfo",path="root",le="0.5"})');
      expect(buckets.result).toHaveLength(1);
      expect(Number(buckets.result[0].value[1])).toBeGreaterThan(0);
    } finally {
      chain.apps.podinfo!.setFault({ errorRatio: 0 });
    }
  });

  it("sees Postgres, Redis, the probe, node-exporter and the CronJob stand-in through their exporters", async () => {
    const one = async (expr: string) => Number((await chain.prometheus.query(expr)).result[0]?.value[1]);
    expect(await one("pg_up")).toBe(1);
    expect(await one("redis_up")).toBe(1);
    expect(await one('probe_success{probe="shop"}')).toBe(1);
    expect(await one("node_load1 >= 0")).toBeGreaterThanOrEqual(0);
    expect(await one(`time() - kube_cronjob_status_last_successful_time{cronjob="${BACKUP_CRONJOB}"}`)).toBeLessThan(600);
  });

  it("delivers a critical alert to PagerDuty and Slack, inhibits the warning, and delivers the resolution", async () => {
    const since = Date.now();
    await chain.apps.podinfo!.stop();
    try {
      const labels = { alertname: "FixtureAppDown", service: "podinfo" };
      const page = await chain.recorder.waitFor({ receiver: "pager", kind: "pagerduty", status: "firing", since }, 20_000);
      expect(page.body.routing_key).toBe("e2e-test-credential");
      const shadow = await chain.recorder.waitFor({ receiver: "pager", kind: "shadow", status: "firing", labels, since }, 20_000);
      expect(shadow.alerts[0]!.labels).toMatchObject({ severity: "critical", namespace: chain.rendered.config.namespaces.apps, role: "active" });
      const slack = await chain.recorder.waitFor({ receiver: "chat", kind: "slack", since }, 20_000);
      expect(slack.body.channel).toBe("#alerts");
      expect(JSON.stringify(slack.body)).toContain("FixtureAppDown");
      await waitUntil(async () => (await chain.prometheus.query('ALERTS{alertname="FixtureAppDownWarning",alertstate="firing"}')).result.length === 1, 30_000);
      // Give Alertmanager a group_wait in which it could (wrongly) send the warning.
      await sleep(1000);
    } finally {
      await chain.apps.podinfo!.start();
    }
    const resolvedAt = Date.now();
    await chain.recorder.waitFor({ receiver: "pager", kind: "pagerduty", status: "resolved", since: resolvedAt }, 20_000);
    // The warning fired during the same outage but the critical alert inhibits it. Only the
    // outage is asserted: when the fault clears, the critical alert's resolution can reach
    // Alertmanager before the warning's, which lifts the inhibition for one group_wait — an
    // Alertmanager race a loaded machine shows now and then, not a routing fault.
    const duringOutage = chain.recorder.find({ labels: { alertname: "FixtureAppDownWarning" }, since }).filter((n) => n.at < resolvedAt);
    expect(duringOutage).toEqual([]);
  });

  it("alerts on a stopped Postgres and resolves after it is started again", async () => {
    const since = Date.now();
    await chain.stopPostgres();
    try {
      await chain.recorder.waitFor({ receiver: "hook", kind: "webhook", status: "firing", labels: { alertname: "FixturePostgresDown" }, since }, 20_000);
    } finally {
      await chain.startPostgres();
    }
    await chain.recorder.waitFor({ receiver: "hook", kind: "webhook", status: "resolved", labels: { alertname: "FixturePostgresDown" }, since }, 20_000);
  });

  it("stops every process it started", async () => {
    const pids = [chain.prometheus.process.pid, chain.alertmanagers.main!.process.pid, chain.postgres.process.pid, chain.redis.process.pid, chain.exporters.node.process.pid];
    await chain.stop();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe("monitoring harness start failure", () => {
  it("stops everything it started when a program fails to start, and says which", async () => {
    const sc = readStackConfig(REPO_ROOT, "dev");
    const config = loadPlatformConfig({ ...sc.config, "app-platform:timeScale": String(SCALE) }, new Set(sc.secretKeys), "dev");
    const f = fixture();
    // A route to a receiver that does not exist: Alertmanager refuses the config and exits.
    const broken = { route: { receiver: "missing" }, receivers: [{ name: "other" }] };
    await expect(startMonitoringChain({ rendered: { config, dir: path.dirname(f.ruleFile), ruleFiles: [f.ruleFile], alertmanager: broken, dashboards: {} } })).rejects.toThrow(
      /alertmanager exited with \d+ before it was ready/,
    );
    // Postgres, Redis and the exporters had started; none of them may outlive the failure:
    // no child of this process is left, and no process anywhere still uses one of the
    // harness' temporary folders (pg, redis, ...) after it was removed: that catches
    // grandchildren too, such as postgres under runuser.
    const children = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" })
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !/\sps$/.test(l));
    expect(children).toEqual([]);
    // A killed process may take a moment to go, longer on a busy machine: poll, then assert.
    const orphans = () =>
      execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
        .split("\n")
        .filter((l) => [...l.matchAll(/\/tmp\/app-platform-(?:pg|redis|blackbox|prometheus|alertmanager)-\w+/g)].some((m) => !fs.existsSync(m[0])));
    await waitUntil(async () => orphans().length === 0, 15_000).catch(() => undefined);
    expect(orphans()).toEqual([]);
  });
});
