// Bench section "backup": on a generated database of at least 200 MB, the throughput of the
// committed backup pipeline (backup.sh: snapshot row counts, pg_dump custom format through
// zstd streamed to s3rver with SHA-256 and size computed on the way, checksum + manifest
// upload, listing, latest.json) against a bare `pg_dump | gzip` to a local file in the same
// run (the baseline), and against a bare `pg_dump | zstd` (same compressor: what the
// checksum, manifest, upload and verification cost), and the restore time.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ProcessGroup } from "../harness/processes";
import { REPO_ROOT } from "../render/mock-runtime";
import { AWS_CLI, PG_BIN, runScript, startPostgres, startS3, workDir } from "../harness/backup";

const MIN_BYTES = 200 * 1024 * 1024;
const ROUNDS = 2;

/** Wall-clock and CPU seconds (user + system of the whole process tree, the server excluded). */
interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

/**
 * Runs a shell command under /usr/bin/time. CPU seconds are reported beside wall time because
 * they do not depend on what else the (shared, 2-core) machine is running.
 */
function sh(command: string, env: Record<string, string>): Promise<Timing> {
  const timeFile = path.join(os.tmpdir(), `bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/time", ["-o", timeFile, "-f", "%U %S", "bash", "-o", "pipefail", "-c", command], {
      env: { PATH: `${PG_BIN}:/usr/bin:/bin`, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const [user, sys] = fs.readFileSync(timeFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
      fs.rmSync(timeFile, { force: true });
      if (code === 0) resolve({ wall, cpu: user + sys });
      else reject(new Error(`${command} failed: ${err.slice(-2000)}`));
    });
  });
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

/** Runs the section; returns `name: value unit` lines. */
export async function run(): Promise<string[]> {
  const group = new ProcessGroup();
  try {
    const [pg, s3] = await Promise.all([startPostgres(group), startS3(group, ["bench"])]);
    try {
      pg.sql("postgres", "CREATE ROLE bench LOGIN PASSWORD 'bench-password'");
      pg.sql("postgres", "CREATE DATABASE bench OWNER bench");
      // Rows of hex text compress about 2:1, like typical application data (not a best case).
      pg.sql("bench", "SET ROLE bench; CREATE TABLE events (id bigint PRIMARY KEY, account int, kind text, payload text, at timestamptz)");
      pg.sql("bench", "SET ROLE bench; CREATE TABLE accounts (id int PRIMARY KEY, name text)");
      pg.sql("bench", "SET ROLE bench; INSERT INTO accounts SELECT i, 'account ' || i FROM generate_series(1, 10000) i");
      let rows = 0;
      while (Number(pg.sql("bench", "SELECT pg_database_size('bench')")) < MIN_BYTES) {
        pg.sql("bench", `SET ROLE bench; INSERT INTO events SELECT i, i % 10000, 'kind-' || (i % 17), repeat(md5(i::text), 4), now() - (i || ' s')::interval FROM generate_series(${rows + 1}, ${rows + 250000}) i`);
        rows += 250000;
      }
      pg.sql("bench", "VACUUM ANALYZE");
      const dbBytes = Number(pg.sql("bench", "SELECT pg_database_size('bench')"));
      const mb = dbBytes / 1e6;

      const pgEnv = { PGHOST: "127.0.0.1", PGPORT: String(pg.port), PGUSER: "bench", PGPASSWORD: "bench-password", PGDATABASE: "bench" };
      const scratch = workDir(group, "bench-scratch");
      const bare: Timing[] = [];
      const bareZstd: Timing[] = [];
      const ours: Timing[] = [];
      let dumpBytes = 0;
      for (let i = 0; i < ROUNDS; i++) {
        // The bare baseline: the same custom-format dump, compressed by gzip at the same level.
        bare.push(await sh(`pg_dump --format=custom --compress=0 | gzip -6 > ${scratch}/bare.gz`, pgEnv));
        fs.rmSync(path.join(scratch, "bare.gz"));
        bareZstd.push(await sh(`pg_dump --format=custom --compress=0 | zstd -q -T0 -3 > ${scratch}/bare.zst`, pgEnv));
        fs.rmSync(path.join(scratch, "bare.zst"));
        const work = workDir(group, "bench-backup");
        ours.push(await sh(`bash ${path.join(REPO_ROOT, "scripts", "backup", "backup.sh")}`, {
          ...pgEnv,
          AWS_BIN: AWS_CLI.command,
          PG_BIN,
          BACKUP_BUCKET: "bench",
          BACKUP_PREFIX: "postgres/bench",
          BACKUP_S3_ENDPOINT: s3.endpoint,
          AWS_ACCESS_KEY_ID: "S3RVER",
          AWS_SECRET_ACCESS_KEY: "S3RVER",
          AWS_DEFAULT_REGION: "us-east-1",
          BACKUP_VERIFY_TABLES: "public.events public.accounts",
          BACKUP_WORKDIR: work,
          HOME: work,
        }));
        const latest = JSON.parse(fs.readFileSync(path.join(s3.directory, "bench", "postgres/bench/latest.json._S3rver_object"), "utf8"));
        dumpBytes = latest.sizeBytes;
      }
      const best = (t: Timing[]) => ({ wall: Math.min(...t.map((x) => x.wall)), cpu: Math.min(...t.map((x) => x.cpu)) });
      const b = best(bare);
      const z = best(bareZstd);
      const o = best(ours);

      // Restore: the drill end to end (download, checksum, private server, pg_restore, counts),
      // and pg_restore alone into a fresh database of the same server.
      const drillWork = workDir(group, "bench-drill", "postgres");
      const drill = await runScript("restore-drill.sh", {
        BACKUP_BUCKET: "bench",
        BACKUP_PREFIX: "postgres/bench",
        BACKUP_S3_ENDPOINT: s3.endpoint,
        AWS_ACCESS_KEY_ID: "S3RVER",
        AWS_SECRET_ACCESS_KEY: "S3RVER",
        AWS_DEFAULT_REGION: "us-east-1",
        DRILL_VERIFY_TABLES: "public.events public.accounts",
        BACKUP_WORKDIR: drillWork,
        HOME: drillWork,
      }, "postgres", 900_000);
      if (drill.code !== 0) throw new Error(`restore-drill.sh failed: ${drill.stderr}`);
      const key = JSON.parse(fs.readFileSync(path.join(s3.directory, "bench", "postgres/bench/latest.json._S3rver_object"), "utf8")).key;
      const dumpFile = path.join(s3.directory, "bench", `${key}/dump.pgc.zst._S3rver_object`);
      pg.sql("postgres", "CREATE DATABASE restored OWNER bench");
      const plain = path.join(scratch, "restore.pgc");
      const restore = await sh(`zstd -q -d -c ${dumpFile} > ${plain} && pg_restore --no-owner --jobs=2 --exit-on-error -d restored ${plain}`, { ...pgEnv, PGDATABASE: "restored" });

      const load = os.loadavg()[0];
      return [
        `backup.database_size: ${fmt(mb, 1)} MB`,
        `backup.dump_size: ${fmt(dumpBytes / 1e6, 1)} MB`,
        `backup.bare_pg_dump_gzip.seconds: ${fmt(b.wall)} s`,
        `backup.bare_pg_dump_gzip.cpu: ${fmt(b.cpu)} s`,
        `backup.bare_pg_dump_gzip.throughput: ${fmt(mb / b.wall, 1)} MB/s`,
        `backup.pipeline.seconds: ${fmt(o.wall)} s`,
        `backup.pipeline.cpu: ${fmt(o.cpu)} s`,
        `backup.pipeline.throughput: ${fmt(mb / o.wall, 1)} MB/s`,
        `backup.pipeline.throughput_ratio: ${fmt(b.wall / o.wall)} ratio (vs bare pg_dump | gzip, wall clock; target >= 0.9)`,
        `backup.pipeline.cpu_ratio: ${fmt(b.cpu / o.cpu)} ratio (vs bare pg_dump | gzip, CPU seconds)`,
        `backup.bare_pg_dump_zstd.seconds: ${fmt(z.wall)} s`,
        `backup.bare_pg_dump_zstd.cpu: ${fmt(z.cpu)} s`,
        `backup.pipeline.throughput_ratio_same_compressor: ${fmt(z.wall / o.wall)} ratio (vs bare pg_dump | zstd to a local file)`,
        `backup.pipeline.overhead_vs_same_compressor: ${fmt(o.wall - z.wall)} s`,
        `backup.drill.seconds: ${fmt(drill.ms / 1000)} s`,
        `backup.restore.seconds: ${fmt(restore.wall)} s (zstd -d + pg_restore --jobs=2)`,
        `backup.rounds: ${ROUNDS} count (best of each; wall: bare gzip ${bare.map((x) => fmt(x.wall)).join("/")} s, bare zstd ${bareZstd.map((x) => fmt(x.wall)).join("/")} s, pipeline ${ours.map((x) => fmt(x.wall)).join("/")} s)`,
        `backup.load_average: ${fmt(load)} load (1-minute, at the end: wall-clock figures are only comparable at similar load)`,
      ];
    } finally {
      await s3.close();
    }
  } finally {
    await group.stopAll();
  }
}
