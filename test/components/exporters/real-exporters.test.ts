import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { parser } from "@prometheus-io/lezer-promql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLACKBOX_CONFIG_FILE, blackboxConfigYaml } from "../../../components/exporters/blackbox";
import { blackboxExporterSpec, postgresExporterSpec, redisExporterSpec, type ExporterSpec } from "../../../components/exporters/workloads";
import { buildDashboards } from "../../../components/monitoring/dashboards";
import { POSTGRES_QUERIES_FILE, postgresQueriesYaml } from "../../../components/exporters/postgres-queries";
import { buildRuleGroups } from "../../../components/monitoring/rules/catalogue";
import { isAlertingRule } from "../../../components/monitoring/rules/types";
import { BACKUP_APPLICATION_NAME } from "../../../components/monitoring/contract";
import { startNodeExporter, startPostgres, startPostgresReplica } from "../../../tools/harness/exporters";
import { spawn } from "node:child_process";
import { PROGRAMS, ProcessGroup, freePort, httpOk, requireProgram, tcpOpen } from "../../../tools/harness/processes";
import { edited, load } from "../../stacks/fixtures";

// The exporters run exactly as our Deployments configure them — same arguments, same
// environment, with each secretKeyRef resolved to a test credential — against real
// Postgres and Redis; every metric our dashboards query must be among what they export.

const group = new ProcessGroup();
afterAll(() => group.stopAll());

/** Environment of a spec, with Secret references resolved from `secrets[name][key]`. */
function resolveEnv(spec: ExporterSpec, secrets: Record<string, Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const v of spec.env) {
    env[v.name] = "value" in v ? v.value : secrets[v.valueFrom.secretKeyRef.name][v.valueFrom.secretKeyRef.key];
  }
  return env;
}

/** Runs an exporter binary with a spec's arguments (listen address moved to a free loopback port). */
async function runExporter(name: string, program: string, spec: ExporterSpec, env: NodeJS.ProcessEnv, replace: Record<string, string> = {}): Promise<number> {
  const port = await freePort();
  const args = spec.args.filter((a) => !a.startsWith("--web.listen-address=")).map((a) => replace[a] ?? a);
  await group.start(name, program, [...args, `--web.listen-address=127.0.0.1:${port}`], { env: { ...env, PATH: process.env.PATH }, ready: () => httpOk(`http://127.0.0.1:${port}/metrics`) });
  return port;
}

async function metrics(port: number, pathAndQuery = "/metrics"): Promise<Map<string, string[]>> {
  const text = await (await fetch(`http://127.0.0.1:${port}${pathAndQuery}`)).text();
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0];
    out.set(name, [...(out.get(name) ?? []), line]);
  }
  return out;
}

/** Labels Prometheus adds to every series of a target (relabelling), not the exporter. */
const TARGET_LABELS = new Set(["namespace", "instance", "job", "service", "endpoint", "pod", "container", "le"]);

/** Metric names, and the label names matched or grouped by, of a PromQL expression. */
function selected(expr: string): { metrics: Set<string>; labels: Set<string> } {
  const metrics = new Set<string>();
  const labels = new Set<string>();
  parser.parse(expr).iterate({
    enter(n) {
      if (n.type.name === "Identifier" && n.node.parent?.type.name === "VectorSelector") metrics.add(expr.slice(n.from, n.to));
      if (n.type.name === "LabelName") labels.add(expr.slice(n.from, n.to));
    },
  });
  return { metrics, labels };
}

/** Label names an exporter puts on each metric, from its exposition lines. */
function labelNames(lines: string[]): Set<string> {
  const out = new Set<string>();
  for (const l of lines) for (const m of l.matchAll(/[{,]([a-zA-Z_][a-zA-Z0-9_]*)="/g)) out.add(m[1]!);
  return out;
}

/**
 * What the alert and recording rules of `group` select that the exporter does not export: a
 * metric name it lacks, or a label that none of the rule's metrics carries (target labels aside).
 */
function unexported(group: string, config: ReturnType<typeof load>, m: Map<string, string[]>, ignoreMetrics: RegExp = /^$/): string[] {
  const g = buildRuleGroups(config).find((x) => x.group.name === group)!;
  const out: string[] = [];
  for (const r of g.group.rules) {
    const name = isAlertingRule(r) ? r.alert : r.record;
    const { metrics, labels } = selected(r.expr);
    const ours = [...metrics].filter((x) => !ignoreMetrics.test(x) && x !== "time");
    for (const x of ours) if (!m.has(x)) out.push(`${name}: metric ${x}`);
    // A rule that also reads an ignored metric may take its labels from it: not checkable here.
    if ([...metrics].some((x) => ignoreMetrics.test(x))) continue;
    const exported = new Set(ours.flatMap((x) => [...labelNames(m.get(x) ?? [])]));
    for (const l of labels) if (!TARGET_LABELS.has(l) && !exported.has(l)) out.push(`${name}: label ${l}`);
  }
  return out;
}

/** Metric names a dashboard's queries select (lezer's Identifier nodes of vector selectors). */
function dashboardMetrics(slug: string, config: ReturnType<typeof load>): Set<string> {
  const d = buildDashboards(config).find((x) => x.slug === slug)!.dashboard as any;
  const names = new Set<string>();
  for (const p of d.panels ?? []) {
    for (const t of p.targets ?? []) {
      const expr = String(t.expr).replace(/\$__rate_interval/g, "5m");
      parser.parse(expr).iterate({
        enter(n) {
          if (n.type.name === "Identifier" && n.node.parent?.type.name === "VectorSelector") names.add(expr.slice(n.from, n.to));
        },
      });
    }
  }
  return names;
}

describe("postgres_exporter as deployed, against real Postgres", () => {
  let port = 0;
  const held: ReturnType<typeof spawn>[] = [];
  let config: ReturnType<typeof load>;
  beforeAll(async () => {
    const pg = await startPostgres(group);
    config = load(
      edited("dev", (v) => {
        v.postgres = { mode: "external", host: "127.0.0.1", port: pg.port, database: "postgres", user: "postgres", sslMode: "disable" };
        v.postgresPassword = "test-password";
        // Consumer credentials are required with an external Postgres; this test runs the exporter as the superuser.
        v.postgresMonitoringPassword = "unused-monitoring-password";
        v.postgresBackupPassword = "unused-backup-password";
      }),
    );
    // A streaming replica, so that the writer lists it in pg_stat_replication (as for RDS).
    await startPostgresReplica(group, pg, "replica-1");
    // Two transactions held open: an application's, and the backup's REPEATABLE READ snapshot
    // under the application_name backup.sh sets.
    for (const app of ["orders-api", BACKUP_APPLICATION_NAME]) {
      const psql = spawn(PROGRAMS.psql.command, ["-h", "127.0.0.1", "-p", String(pg.port), "-U", "postgres", "-d", "postgres", "-q"], { env: { ...process.env, PGAPPNAME: app }, stdio: ["pipe", "ignore", "ignore"] });
      psql.stdin!.write("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1;\n");
      held.push(psql);
    }
    const spec = postgresExporterSpec(config);
    const queries = path.join(group.tempDir("pg-queries"), POSTGRES_QUERIES_FILE);
    fs.writeFileSync(queries, postgresQueriesYaml());
    port = await runExporter("postgres-exporter", requireProgram(PROGRAMS.postgresExporter), spec, resolveEnv(spec, { "postgres-credentials": { username: "postgres", password: "test-password" } }), {
      [`--extend.query-path=/config/${POSTGRES_QUERIES_FILE}`]: `--extend.query-path=${queries}`,
    });
  }, 120_000);
  afterAll(() => {
    for (const p of held) p.kill();
  });

  it("exports every metric and label the Postgres rules select (a replica and open transactions exist)", async () => {
    let missing: string[] = [];
    const deadline = Date.now() + 30_000;
    do {
      missing = unexported("app-platform-postgres", config, await metrics(port));
      if (missing.length === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < deadline);
    expect(missing).toEqual([]);
  });

  it("reports open transactions by application_name, the backup's among them, and the writer's replica", async () => {
    const m = await metrics(port);
    const tx = m.get("app_platform_transactions_max_age_seconds") ?? [];
    expect(tx.some((l) => l.includes('application_name="orders-api"'))).toBe(true);
    expect(tx.some((l) => l.includes(`application_name="${BACKUP_APPLICATION_NAME}"`))).toBe(true);
    expect(m.get("app_platform_replicas_replay_lag_seconds")?.some((l) => l.includes('application_name="replica-1"'))).toBe(true);
  });

  it("connects with the URI, user and password variables our Deployment sets", async () => {
    const m = await metrics(port);
    expect(m.get("pg_up")).toEqual(["pg_up 1"]);
  });

  it("exports every metric the Postgres dashboard queries", async () => {
    const names = dashboardMetrics("postgres", config);
    expect(names.size).toBeGreaterThan(8);
    const m = await metrics(port);
    expect([...names].filter((n) => !m.has(n))).toEqual([]);
  });
});

describe("redis_exporter as deployed, against real Redis with a password", () => {
  let port = 0;
  let redisPort = 0;
  let config: ReturnType<typeof load>;
  beforeAll(async () => {
    redisPort = await freePort();
    const dir = group.tempDir("redis");
    await group.start("redis-server", requireProgram(PROGRAMS.redisServer), ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--dir", dir, "--requirepass", "redis-test-password"], {
      ready: () => tcpOpen(redisPort),
    });
    config = load(
      edited("dev", (v) => {
        v.redis = { mode: "external", host: "127.0.0.1", port: redisPort, tls: false };
        v.redisPassword = "redis-test-password";
      }),
    );
    const spec = redisExporterSpec(config);
    port = await runExporter("redis-exporter", requireProgram(PROGRAMS.redisExporter), spec, resolveEnv(spec, { "redis-credentials": { password: "redis-test-password" } }));
  }, 120_000);

  it("exports every metric and label the Redis rules select", async () => {
    expect(unexported("app-platform-redis", config, await metrics(port))).toEqual([]);
  });

  it("authenticates with the REDIS_ADDR and REDIS_PASSWORD our Deployment sets", async () => {
    const m = await metrics(port);
    expect(m.get("redis_up")).toEqual(["redis_up 1"]);
  });

  it("exports every metric the Redis dashboard queries (keys per db once a key exists)", async () => {
    // redis_db_keys appears only for a database that holds keys: write one.
    const net = await import("node:net");
    const replies = await new Promise<string>((resolve, reject) => {
      let got = "";
      const s = net.connect(redisPort, "127.0.0.1", () => s.write("AUTH redis-test-password\r\nSET dashboard-test 1\r\n"));
      s.on("data", (d) => {
        got += d;
        if (got.split("\r\n").length > 2) {
          s.destroy();
          resolve(got);
        }
      });
      s.on("error", reject);
    });
    expect(replies).toBe("+OK\r\n+OK\r\n");
    const names = dashboardMetrics("redis", config);
    expect(names.size).toBeGreaterThan(8);
    const m = await metrics(port);
    expect([...names].filter((n) => !m.has(n))).toEqual([]);
  });
});

describe("blackbox_exporter with our module file", () => {
  let port = 0;
  let target = "";
  let server: http.Server;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    const dir = group.tempDir("blackbox");
    const file = path.join(dir, BLACKBOX_CONFIG_FILE);
    fs.writeFileSync(file, blackboxConfigYaml());
    const spec = blackboxExporterSpec(load(edited("dev", () => undefined)), "unused");
    port = await runExporter("blackbox-exporter", requireProgram(PROGRAMS.blackboxExporter), spec, {}, { [`--config.file=/config/${BLACKBOX_CONFIG_FILE}`]: `--config.file=${file}` });
  }, 60_000);
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("exports every metric and label the blackbox rules select (TLS ones from an HTTPS probe's names)", async () => {
    const m = await metrics(port, `/probe?module=http_2xx&target=${encodeURIComponent(target)}`);
    // probe_ssl_earliest_cert_expiry exists only for a TLS target; there is none on loopback here.
    expect(unexported("app-platform-blackbox", load(edited("dev", () => undefined)), m, /^probe_ssl_earliest_cert_expiry$/)).toEqual([]);
  });

  it("http_2xx succeeds against a plain HTTP endpoint", async () => {
    const m = await metrics(port, `/probe?module=http_2xx&target=${encodeURIComponent(target)}`);
    expect(m.get("probe_success")).toEqual(["probe_success 1"]);
  });

  it("http_2xx_tls fails the same endpoint because it is not TLS", async () => {
    const m = await metrics(port, `/probe?module=http_2xx_tls&target=${encodeURIComponent(target)}`);
    expect(m.get("probe_success")).toEqual(["probe_success 0"]);
  });
});

describe("node_exporter as the chart runs it", () => {
  it("exports every metric and label the node rules select", async () => {
    const n = await startNodeExporter(group);
    // NodeNotReady reads kube-state-metrics (kube_node_status_condition), not node_exporter.
    expect(unexported("app-platform-nodes", load(edited("dev", () => undefined)), await metrics(n.port), /^kube_/)).toEqual([]);
  });
});
