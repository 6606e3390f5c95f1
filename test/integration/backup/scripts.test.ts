// The committed backup and restore-drill scripts, run for real: Debian's Postgres 15 and aws
// CLI against s3rver on loopback, with the environment the CronJobs give them.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresInitScript } from "../../../components/datastores/builders";
import { BACKUP_DB_USER } from "../../../components/secrets/platform-secrets";
import { PROGRAMS, ProcessGroup, freePort, requireProgram, sleep } from "../../../tools/harness/processes";
import { startPostgresExporter } from "../../../tools/harness/exporters";
import {
  PG_BIN,
  runScript,
  s3Keys,
  s3Object,
  startFailingProxy,
  startPostgres,
  startS3,
  workDir,
  type ScriptRun,
  type TestPostgres,
  type TestS3,
} from "../../../tools/harness/backup";

const BUCKET = "backups";
const PREFIX = "postgres/app";
const APP_PASSWORD = `app-pw-${Math.random().toString(36).slice(2)}`;
const BACKUP_PASSWORD = `backup-pw-${Math.random().toString(36).slice(2)}`;
const MONITORING_PASSWORD = `monitoring-pw-${Math.random().toString(36).slice(2)}`;
/** The dev stack's exporter user (postgres.monitoringUser's default). */
const MONITORING_USER = "app_monitoring";
const S3_SECRET = `s3-secret-${Math.random().toString(36).slice(2)}`;
const TABLES = "public.orders public.customers";

const group = new ProcessGroup();
let pg: TestPostgres;
let s3: TestS3;
const runs: ScriptRun[] = [];

function storeEnv(endpoint: string, work: string): Record<string, string> {
  return {
    BACKUP_BUCKET: BUCKET,
    BACKUP_PREFIX: PREFIX,
    BACKUP_S3_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: S3_SECRET,
    AWS_DEFAULT_REGION: "us-east-1",
    BACKUP_WORKDIR: work,
    HOME: work,
  };
}

/** The backup job's environment: the read-only backup user, as the CronJob sets it. */
function backupEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...storeEnv(s3.endpoint, workDir(group, "backup-work")),
    PGHOST: "127.0.0.1",
    PGPORT: String(pg.port),
    PGDATABASE: "app",
    PGUSER: BACKUP_DB_USER,
    PGPASSWORD: BACKUP_PASSWORD,
    PGSSLMODE: "disable",
    BACKUP_VERIFY_TABLES: TABLES,
    ...overrides,
  };
}

async function backup(overrides: Record<string, string> = {}): Promise<ScriptRun> {
  const r = await runScript("backup.sh", backupEnv(overrides));
  runs.push(r);
  return r;
}

async function drill(): Promise<ScriptRun> {
  const work = workDir(group, "drill-work", "postgres");
  const r = await runScript("restore-drill.sh", { ...storeEnv(s3.endpoint, work), DRILL_VERIFY_TABLES: TABLES }, "postgres");
  runs.push(r);
  return r;
}

const latest = () => JSON.parse(s3Object(s3, BUCKET, `${PREFIX}/latest.json`)!.toString("utf8"));
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(group), startS3(group, [BUCKET])]);
  pg.sql("postgres", `CREATE ROLE app LOGIN PASSWORD '${APP_PASSWORD}'`);
  pg.sql("postgres", "CREATE DATABASE app OWNER app");
  pg.sql("app", "SET ROLE app; CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL, total numeric(12,2), note text)");
  pg.sql("app", "SET ROLE app; CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL)");
  pg.sql("app", "SET ROLE app; INSERT INTO customers SELECT i, 'customer ' || i FROM generate_series(1, 500) i");
  pg.sql("app", "SET ROLE app; INSERT INTO orders (customer, total, note) SELECT 1 + i % 500, i * 1.5, md5(i::text) FROM generate_series(1, 20000) i");
  // The dev Postgres's init script, run as the image's entrypoint would: it creates the
  // read-only backup user that every backup below runs as, and the exporter's user.
  const initFile = path.join(workDir(group, "init"), "10-platform-users.sh");
  fs.writeFileSync(initFile, postgresInitScript(BACKUP_DB_USER, MONITORING_USER), { mode: 0o755 });
  const init = spawnSync("bash", [initFile], {
    env: { PATH: `${PG_BIN}:/usr/bin:/bin`, PGHOST: pg.socketDir, PGPORT: String(pg.port), POSTGRES_USER: "postgres", POSTGRES_DB: "app", BACKUP_PASSWORD, MONITORING_PASSWORD },
    encoding: "utf8",
  });
  if (init.status !== 0) throw new Error(`init script failed: ${init.stderr}`);
}, 60_000);

afterAll(async () => {
  await s3?.close();
  await group.stopAll();
});

describe("backup.sh and restore-drill.sh against Postgres 15 and s3rver", () => {
  it("the init script's exporter user reads statistics and settings (pg_monitor) but no table data, and postgres_exporter reports pg_up 1 with it", async () => {
    const asMonitoring = (q: string) =>
      spawnSync(`${PG_BIN}/psql`, ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(pg.port), "-U", MONITORING_USER, "-d", "app", "-c", q], {
        env: { PGPASSWORD: MONITORING_PASSWORD },
        encoding: "utf8",
      });
    expect(asMonitoring("SELECT count(*) > 0 FROM pg_stat_database WHERE datname = 'app'").stdout.trim()).toBe("t");
    // pg_read_all_settings (in pg_monitor): the data directory is hidden from ordinary roles.
    expect(asMonitoring("SHOW data_directory").status).toBe(0);
    // pg_read_all_stats (in pg_monitor): other sessions' query text, "<insufficient privilege>" otherwise.
    expect(asMonitoring("SELECT count(*) FROM pg_stat_activity WHERE query = '<insufficient privilege>'").stdout.trim()).toBe("0");
    for (const q of ["SELECT count(*) FROM customers", "SELECT note FROM orders LIMIT 1", "DELETE FROM customers"]) {
      const r = asMonitoring(q);
      expect(r.status, q).not.toBe(0);
      expect(r.stderr, q).toMatch(/permission denied for table/);
    }
    // The owner's and the backup user's passwords do not log in as it.
    expect(spawnSync(`${PG_BIN}/psql`, ["-X", "-h", "127.0.0.1", "-p", String(pg.port), "-U", MONITORING_USER, "-d", "app", "-c", "SELECT 1"], { env: { PGPASSWORD: APP_PASSWORD } }).status).not.toBe(0);
    // The real exporter, as the dev exporter Deployment runs it (user and password from its Secret).
    requireProgram(PROGRAMS.postgresExporter);
    const exporter = await startPostgresExporter(group, `postgresql://${MONITORING_USER}:${MONITORING_PASSWORD}@127.0.0.1:${pg.port}/app?sslmode=disable`);
    let text = "";
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && !/^pg_up 1$/m.test(text); await sleep(250)) {
      text = await fetch(`http://127.0.0.1:${exporter.port}/metrics`).then((r) => r.text()).catch(() => "");
    }
    expect(text).toMatch(/^pg_up 1$/m);
    // It reads the statistics views: per-database series for the app database.
    expect(text).toMatch(/^pg_stat_database_xact_commit\{[^}]*datname="app"[^}]*\} \d+/m);
  }, 60_000);

  it("the init script's backup user can read every table and write none", () => {
    const asBackup = (q: string) =>
      spawnSync(`${PG_BIN}/psql`, ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(pg.port), "-U", BACKUP_DB_USER, "-d", "app", "-c", q], {
        env: { PGPASSWORD: BACKUP_PASSWORD },
        encoding: "utf8",
      });
    expect(asBackup("SELECT count(*) FROM customers").stdout.trim()).toBe("500");
    const write = asBackup("DELETE FROM customers");
    expect(write.status).not.toBe(0);
    expect(write.stderr).toMatch(/permission denied/);
  });

  it("round trip: backup, then the drill restores identical row counts and checksums", async () => {
    // Through a recording proxy: every upload must carry Content-MD5, which S3 requires on
    // buckets with Object Lock default retention (production).
    const proxy = await startFailingProxy(s3, /^$/);
    let b: ScriptRun;
    try {
      b = await backup({ BACKUP_S3_ENDPOINT: proxy.endpoint });
    } finally {
      await proxy.close();
    }
    expect(b.code, b.stderr).toBe(0);
    const puts = proxy.seen.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.url.split("?")[0].split("/").pop()).sort()).toEqual(["dump.pgc.zst", "dump.pgc.zst.sha256", "latest.json", "manifest.json"]);
    for (const r of puts) expect(r.contentMd5, r.url).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const manifest = latest();
    const key: string = manifest.key;
    expect(key).toMatch(/^postgres\/app\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{6}Z$/);
    expect(s3Keys(s3, BUCKET, key)).toEqual([`${key}/dump.pgc.zst`, `${key}/dump.pgc.zst.sha256`, `${key}/manifest.json`]);

    const dump = s3Object(s3, BUCKET, `${key}/dump.pgc.zst`)!;
    expect(dump.subarray(0, 4).toString("hex")).toBe("28b52ffd"); // zstd frame
    const plain = spawnSync("zstd", ["-d", "-c"], { input: dump });
    expect(plain.stdout.subarray(0, 5).toString()).toBe("PGDMP"); // pg_dump custom format inside
    expect(manifest.sha256).toBe(sha256(dump));
    expect(manifest.compression).toBe("zstd");
    expect(s3Object(s3, BUCKET, `${key}/dump.pgc.zst.sha256`)!.toString()).toBe(`${sha256(dump)}  dump.pgc.zst\n`);
    expect(manifest.sizeBytes).toBe(dump.length);
    expect(manifest.tables).toEqual({ "public.orders": 20000, "public.customers": 500 });
    expect(manifest.source).toMatchObject({ host: "127.0.0.1", port: pg.port, database: "app" });
    expect(manifest.tools.pg_dump).toMatch(/^pg_dump \(PostgreSQL\) 15\./);
    expect(manifest.tools.aws).toMatch(/^aws-cli\/2\./);
    expect(manifest.tools.zstd).toMatch(/Zstandard CLI/);
    expect(JSON.parse(s3Object(s3, BUCKET, `${key}/manifest.json`)!.toString())).toEqual(manifest);

    const d = await drill();
    expect(d.code, d.stderr).toBe(0);
    const result = JSON.parse(s3Object(s3, BUCKET, `${PREFIX}/drill-latest.json`)!.toString());
    expect(result.status).toBe("ok");
    expect(result.backup).toBe(key);
    // Restored counts equal the source database's own counts.
    expect(result.tables).toEqual({
      "public.orders": { expected: Number(pg.sql("app", "SELECT count(*) FROM orders")), restored: "20000" },
      "public.customers": { expected: Number(pg.sql("app", "SELECT count(*) FROM customers")), restored: "500" },
    });
    expect(s3Keys(s3, BUCKET, `${PREFIX}/drills/`)).toHaveLength(1);
  });

  it("a failed upload exits non-zero and records no success", async () => {
    const before = latest();
    await new Promise((r) => setTimeout(r, 1100)); // a new dated key
    // The dump streams up fine; the store refuses the manifest that follows it.
    const proxy = await startFailingProxy(s3, /\/manifest\.json$/);
    try {
      const b = await backup({ BACKUP_S3_ENDPOINT: proxy.endpoint });
      expect(b.code).toBe(5);
      expect(b.stderr).toMatch(/FAILED: upload of s3:\/\/backups\/postgres\/app\/\d{4}\/\d\d\/\d\d\/\d{8}T\d{6}Z\/manifest\.json failed: .*AccessDenied.*; latest.json was not updated/);
    } finally {
      await proxy.close();
    }
    // Whatever went up, latest.json still names the previous, complete backup.
    expect(latest()).toEqual(before);
    expect(s3Keys(s3, BUCKET, PREFIX).filter((k) => k.endsWith("/manifest.json"))).toEqual([`${before.key}/manifest.json`]);
  });

  it("the drill detects a corrupted dump, fails and records the failure", async () => {
    const key: string = latest().key;
    const file = path.join(s3.directory, BUCKET, `${key}/dump.pgc.zst._S3rver_object`);
    const original = fs.readFileSync(file);
    const corrupted = Buffer.from(original);
    corrupted[Math.floor(corrupted.length / 2)] ^= 0xff; // one flipped byte in the middle
    fs.writeFileSync(file, corrupted);
    try {
      const d = await drill();
      expect(d.code).toBe(7);
      expect(d.stderr).toContain(`FAILED: checksum mismatch for ${key}/dump.pgc.zst: expected ${sha256(original)}, got ${sha256(corrupted)}`);
      const result = JSON.parse(s3Object(s3, BUCKET, `${PREFIX}/drill-latest.json`)!.toString());
      expect(result.status).toBe("failed");
      expect(result.reason).toMatch(/^checksum mismatch/);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it("an unreachable database fails with a clear message and uploads nothing", async () => {
    const keysBefore = s3Keys(s3, BUCKET);
    const port = await freePort();
    const b = await backup({ PGPORT: String(port) });
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(new RegExp(`FAILED: cannot connect to database 127\\.0\\.0\\.1:${port}/app as backup: .*Connection refused`));
    expect(s3Keys(s3, BUCKET)).toEqual(keysBefore);
  });

  it("a wrong password fails with the server's reason, not the password", async () => {
    const b = await backup({ PGPASSWORD: "definitely-wrong" });
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/password authentication failed for user "backup"/);
    expect(b.stderr).not.toContain("definitely-wrong");
  });

  it("a dump refused by the store (upload fails mid-stream) exits non-zero and records no success", async () => {
    const before = latest();
    const keysBefore = s3Keys(s3, BUCKET);
    await new Promise((r) => setTimeout(r, 1100));
    const proxy = await startFailingProxy(s3, /\/dump\.pgc\.zst(\?|$)/);
    try {
      const b = await backup({ BACKUP_S3_ENDPOINT: proxy.endpoint });
      expect(b.code).toBe(5);
      expect(b.stderr).toMatch(/FAILED: upload of s3:\/\/backups\/postgres\/app\/.*\/dump\.pgc\.zst failed: .*AccessDenied.*; latest.json was not updated/);
    } finally {
      await proxy.close();
    }
    expect(latest()).toEqual(before);
    // The uploaders started before the dump were stopped without storing empty objects.
    expect(s3Keys(s3, BUCKET)).toEqual(keysBefore);
  });

  it("a verify table that does not exist fails the backup before anything is uploaded", async () => {
    const keysBefore = s3Keys(s3, BUCKET);
    const b = await backup({ BACKUP_VERIFY_TABLES: "public.nope" });
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/counting rows of public\.nope failed: .*relation "public\.nope" does not exist/);
    expect(s3Keys(s3, BUCKET)).toEqual(keysBefore);
  });

  it("no secret value appears in any script output", () => {
    expect(runs.length).toBeGreaterThanOrEqual(6);
    const all = runs.map((r) => r.stdout + r.stderr).join("\n");
    for (const secret of [APP_PASSWORD, BACKUP_PASSWORD, S3_SECRET]) expect(all).not.toContain(secret);
    // and none in what was uploaded
    for (const key of s3Keys(s3, BUCKET)) {
      if (key.endsWith("dump.pgc.zst")) continue;
      const text = s3Object(s3, BUCKET, key)!.toString();
      for (const secret of [BACKUP_PASSWORD, S3_SECRET]) expect(text).not.toContain(secret);
    }
  });
});
