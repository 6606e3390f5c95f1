// Real programs for the backup scripts: a Postgres 15 server (Debian's, run as the postgres
// user) and s3rver, both on loopback, plus a runner for the committed scripts with the same
// environment variables the CronJobs set. Shared by the integration tests and the bench.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { REPO_ROOT } from "../render/mock-runtime";
import { PROGRAMS, ProcessGroup, freePort, requireProgram, tcpOpen, type Program } from "./processes";

/** The aws CLI of Debian (the same build as the backup tools image). */
export const AWS_CLI: Program = { command: "/usr/bin/aws", install: "apt-get install -y awscli  (or: bash scripts/setup-system.sh)" };
/** zstd, which compresses the dumps (in the backup tools image too). */
export const ZSTD: Program = { command: "zstd", install: "apt-get install -y zstd  (or: bash scripts/setup-system.sh)" };
/** Folder of Postgres 15's programs. */
export const PG_BIN = "/usr/lib/postgresql/15/bin";

/** A running Postgres with an app database and owner. */
export interface TestPostgres {
  readonly port: number;
  readonly socketDir: string;
  /** Runs SQL as the superuser on a database; returns trimmed unaligned output. */
  sql(database: string, query: string): string;
}

/** Starts a Postgres 15 on a free loopback port; `initdb` runs as the postgres user (it refuses root). */
export async function startPostgres(group: ProcessGroup): Promise<TestPostgres> {
  for (const p of [PROGRAMS.initdb, PROGRAMS.postgres, PROGRAMS.psql, PROGRAMS.pgDump, PROGRAMS.pgRestore]) requireProgram(p);
  const dir = group.tempDir("pg");
  fs.chownSync(dir, uid("postgres"), gid("postgres"));
  const data = path.join(dir, "data");
  const init = spawnSync("runuser", ["-u", "postgres", "--", `${PG_BIN}/initdb`, "-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"], { encoding: "utf8" });
  // The superuser has no password: only the local socket (trust) reaches it; clients use TCP + SCRAM.
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}${init.stdout}`);
  const port = await freePort();
  await group.start("postgres", `${PG_BIN}/postgres`, ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_wal_size=4GB", "-c", "shared_buffers=256MB"], {
    user: "postgres",
    // The port opens before recovery ends ("the database system is starting up"): ask the server.
    ready: async () => (await tcpOpen(port)) && spawnSync(`${PG_BIN}/pg_isready`, ["-q", "-h", dir, "-p", String(port)]).status === 0,
  });
  const sql = (database: string, query: string): string => {
    const r = spawnSync(`${PG_BIN}/psql`, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", dir, "-p", String(port), "-U", "postgres", "-d", database, "-c", query], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  return { port, socketDir: dir, sql };
}

function uid(user: string): number {
  return Number(spawnSync("id", ["-u", user], { encoding: "utf8" }).stdout.trim());
}
function gid(user: string): number {
  return Number(spawnSync("id", ["-g", user], { encoding: "utf8" }).stdout.trim());
}

/** A running s3rver. */
export interface TestS3 {
  readonly endpoint: string;
  readonly port: number;
  readonly directory: string;
  close(): Promise<void>;
}

/** Starts s3rver in this process on a free loopback port with the given buckets. */
export async function startS3(group: ProcessGroup, buckets: readonly string[]): Promise<TestS3> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require("s3rver");
  const directory = group.tempDir("s3");
  const port = await freePort();
  const server = new S3rver({ port, address: "127.0.0.1", silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, port, directory, close: () => server.close() };
}

/** One request seen by {@link startFailingProxy}. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly contentMd5?: string;
}

/**
 * A pass-through proxy to an S3 endpoint that records every request and answers 403
 * AccessDenied to PUTs whose path matches `failPut` — a store that accepts the dump but
 * refuses a later object.
 */
export async function startFailingProxy(target: TestS3, failPut: RegExp): Promise<{ endpoint: string; seen: SeenRequest[]; close(): Promise<void> }> {
  const port = await freePort();
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", contentMd5: req.headers["content-md5"] as string | undefined });
    if (req.method === "PUT" && failPut.test(req.url ?? "")) {
      req.resume();
      res.writeHead(403, { "content-type": "application/xml" });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      return;
    }
    const upstream = http.request({ host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { endpoint: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

/** Reads an object that s3rver stored (its on-disk layout), or undefined when absent. */
export function s3Object(s3: TestS3, bucket: string, key: string): Buffer | undefined {
  const file = path.join(s3.directory, bucket, `${key}._S3rver_object`);
  return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
}

/** Lists object keys under a prefix from s3rver's on-disk layout. */
export function s3Keys(s3: TestS3, bucket: string, prefix = ""): string[] {
  const root = path.join(s3.directory, bucket);
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith("._S3rver_object")) out.push(path.relative(root, full).slice(0, -"._S3rver_object".length));
    }
  };
  walk(root);
  return out.filter((k) => k.startsWith(prefix)).sort();
}

/** Result of one script run. */
export interface ScriptRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs a committed script (scripts/backup/<name>) with the given environment, as `user` when
 * set (the drill's scratch server refuses root). Only the given variables and PATH are passed:
 * the run sees what a CronJob pod would.
 */
export function runScript(name: "backup.sh" | "restore-drill.sh", env: Record<string, string>, user?: string, timeoutMs = 120_000): Promise<ScriptRun> {
  requireProgram(AWS_CLI);
  requireProgram(ZSTD);
  const script = path.join(REPO_ROOT, "scripts", "backup", name);
  const fullEnv = { PATH: `/usr/bin:/bin:${PG_BIN}`, AWS_BIN: AWS_CLI.command, PG_BIN, ...env };
  const argv = Object.entries(fullEnv).map(([k, v]) => `${k}=${v}`);
  const [cmd, args] = user ? ["runuser", ["-u", user, "--", "env", "-i", ...argv, "bash", script]] : ["env", ["-i", ...argv, "bash", script]];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A scratch folder the given user owns (the scripts' BACKUP_WORKDIR and HOME). */
export function workDir(group: ProcessGroup, prefix: string, user?: string): string {
  const d = group.tempDir(prefix);
  if (user) fs.chownSync(d, uid(user), gid(user));
  return d;
}
