import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { POSTGRES_QUERIES_FILE, postgresQueriesYaml } from "../../components/exporters/postgres-queries";
import { PROGRAMS, ProcessGroup, freePort, httpOk, requireProgram, tcpOpen, type Started } from "./processes";

/** A program that listens on a loopback port. */
export interface Listening {
  /** The running process (replaced by a restart). */
  process: Started;
  /** Its port on 127.0.0.1. */
  readonly port: number;
}

/** A throwaway Postgres 15 cluster: data in a temporary folder, trust auth on loopback. */
export interface PostgresServer extends Listening {
  readonly dataDir: string;
  /** A libpq URL for the superuser, e.g. for postgres-exporter's DATA_SOURCE_NAME. */
  readonly url: string;
  /** More server settings (`-c name=value`), kept across restarts. */
  readonly settings?: Readonly<Record<string, string>>;
}

const POSTGRES_BIN = path.dirname(PROGRAMS.postgres.command);

/**
 * Creates a cluster with initdb and starts postgres on a free port, as the `postgres` OS user
 * because both refuse to run as root, then creates `databases` (the platform's application
 * database, so that per-database series exist). fsync is off: the data is thrown away.
 */
export async function startPostgres(group: ProcessGroup, databases: readonly string[] = [], settings?: Readonly<Record<string, string>>): Promise<PostgresServer> {
  requireProgram(PROGRAMS.initdb);
  requireProgram(PROGRAMS.postgres);
  const { dataDir, socketDir } = postgresFolders(group);
  runAsPostgres(PROGRAMS.initdb.command, ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const port = await freePort();
  const server: PostgresServer = {
    process: undefined as unknown as Started,
    port,
    dataDir,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    settings,
  };
  server.process = await runPostgres(group, server, socketDir);
  for (const db of databases) {
    execFileSync(`${POSTGRES_BIN}/psql`, ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", `CREATE DATABASE "${db.replace(/"/g, '""')}"`], { stdio: "pipe" });
  }
  return server;
}

/**
 * Stops Postgres with a fast shutdown (SIGINT to the postmaster, which `runuser` does not
 * relay) and waits until the postmaster is gone, so that a restart finds no lock file. A plain
 * SIGTERM would be a smart shutdown, which waits for the exporter's session to end.
 */
export async function stopPostgres(group: ProcessGroup, server: PostgresServer): Promise<void> {
  const pidFile = path.join(server.dataDir, "postmaster.pid");
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]) : NaN;
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, "SIGINT");
    } catch {
      // already gone
    }
    const deadline = Date.now() + 15_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
  await group.stop(server.process);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A streaming replica of `primary` (pg_basebackup -R, so it follows the primary with its
 * `application_name`): what pg_stat_replication on the writer lists, as for an RDS read replica.
 */
export async function startPostgresReplica(group: ProcessGroup, primary: PostgresServer, applicationName: string): Promise<PostgresServer> {
  requireProgram(PROGRAMS.postgres);
  const { dataDir, socketDir } = postgresFolders(group);
  const conninfo = `host=127.0.0.1 port=${primary.port} user=postgres application_name=${applicationName}`;
  runAsPostgres(`${POSTGRES_BIN}/pg_basebackup`, ["-D", dataDir, "-R", "-X", "stream", "--no-sync", "-d", conninfo]);
  const port = await freePort();
  const server: PostgresServer = { process: undefined as unknown as Started, port, dataDir, url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable` };
  server.process = await runPostgres(group, server, socketDir);
  return server;
}

/**
 * A fresh folder for one Postgres server: `data` (not yet created: initdb and pg_basebackup make
 * it) and the socket folder, owned by the postgres user when running as root (initdb refuses root).
 */
function postgresFolders(group: ProcessGroup): { dataDir: string; socketDir: string } {
  const root = group.tempDir("pg");
  const socketDir = path.join(root, "sock");
  fs.mkdirSync(socketDir);
  fs.chmodSync(root, 0o755);
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "postgres:postgres", root]);
  return { dataDir: path.join(root, "data"), socketDir };
}

/** Runs a Postgres program to completion, as the postgres user when running as root. */
function runAsPostgres(bin: string, args: readonly string[]): void {
  if (process.getuid?.() === 0) execFileSync("runuser", ["-u", "postgres", "--", bin, ...args], { stdio: "pipe" });
  else execFileSync(bin, args, { stdio: "pipe" });
}

/** Starts postgres again on the same data folder and port after {@link stopPostgres}. */
export async function restartPostgres(group: ProcessGroup, server: PostgresServer): Promise<void> {
  server.process = await runPostgres(group, server, path.join(path.dirname(server.dataDir), "sock"));
}

async function runPostgres(group: ProcessGroup, server: PostgresServer, socketDir: string): Promise<Started> {
  const args = ["-D", server.dataDir, "-p", String(server.port), "-h", "127.0.0.1", "-k", socketDir, "-c", "fsync=off", "-c", "shared_buffers=16MB"];
  for (const [k, v] of Object.entries(server.settings ?? {})) args.push("-c", `${k}=${v}`);
  return group.start("postgres", `${POSTGRES_BIN}/postgres`, args, {
    user: process.getuid?.() === 0 ? "postgres" : undefined,
    ready: () => postgresAccepting(server.port),
  });
}

async function postgresAccepting(port: number): Promise<boolean> {
  if (!(await tcpOpen(port))) return false;
  try {
    execFileSync(`${POSTGRES_BIN}/pg_isready`, ["-h", "127.0.0.1", "-p", String(port), "-q"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Starts redis-server on a free loopback port, without persistence. */
export async function startRedis(group: ProcessGroup, port?: number): Promise<Listening> {
  const cmd = requireProgram(PROGRAMS.redisServer);
  const p = port ?? (await freePort());
  const dir = group.tempDir("redis");
  const proc = await group.start("redis-server", cmd, ["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    ready: () => tcpOpen(p),
  });
  return { process: proc, port: p };
}

/** Starts an exporter that serves /metrics on `--web.listen-address`, and waits for /metrics. */
async function startExporter(group: ProcessGroup, name: string, command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Listening> {
  const port = await freePort();
  const proc = await group.start(name, command, [`--web.listen-address=127.0.0.1:${port}`, ...args], {
    env,
    ready: () => httpOk(`http://127.0.0.1:${port}/metrics`),
  });
  return { process: proc, port };
}

/** node-exporter; the systemd collector is off because there is no systemd bus here. */
export function startNodeExporter(group: ProcessGroup): Promise<Listening> {
  return startExporter(group, "node-exporter", requireProgram(PROGRAMS.nodeExporter), ["--no-collector.systemd"]);
}

/**
 * postgres-exporter for `postgresUrl` with the platform's extra queries (the ConfigMap's file,
 * components/exporters/postgres-queries.ts); it stays up and reports `pg_up 0` when Postgres is down.
 */
export function startPostgresExporter(group: ProcessGroup, postgresUrl: string): Promise<Listening> {
  const file = path.join(group.tempDir("pg-exporter"), POSTGRES_QUERIES_FILE);
  fs.writeFileSync(file, postgresQueriesYaml());
  return startExporter(group, "postgres-exporter", requireProgram(PROGRAMS.postgresExporter), [`--extend.query-path=${file}`], { DATA_SOURCE_NAME: postgresUrl });
}

/** redis-exporter for the Redis on `redisPort`; reports `redis_up 0` when Redis is down. */
export function startRedisExporter(group: ProcessGroup, redisPort: number): Promise<Listening> {
  return startExporter(group, "redis-exporter", requireProgram(PROGRAMS.redisExporter), [`--redis.addr=redis://127.0.0.1:${redisPort}`]);
}

/**
 * The blackbox modules the platform's probes use (`stacks/schema/monitoring.ts` probes[].module):
 * plain HTTP expecting 2xx, and the same over TLS with certificate verification.
 */
export function blackboxConfig(timeoutSeconds = 2): Record<string, unknown> {
  const http = { preferred_ip_protocol: "ip4", valid_status_codes: [], follow_redirects: true };
  return {
    modules: {
      http_2xx: { prober: "http", timeout: `${timeoutSeconds}s`, http },
      http_2xx_tls: { prober: "http", timeout: `${timeoutSeconds}s`, http: { ...http, fail_if_not_ssl: true } },
    },
  };
}

/**
 * blackbox-exporter with the given config file (the rendered one, which is what ships), or
 * {@link blackboxConfig} when there is none; probes are scraped at `/probe?module=..&target=..`.
 */
export async function startBlackboxExporter(group: ProcessGroup, configFile?: string): Promise<Listening> {
  let file = configFile;
  if (!file) {
    file = path.join(group.tempDir("blackbox"), "blackbox.yml");
    fs.writeFileSync(file, YAML.stringify(blackboxConfig()));
  }
  return startExporter(group, "blackbox-exporter", requireProgram(PROGRAMS.blackboxExporter), [`--config.file=${file}`]);
}
