// Postgres 15 with TLS and a CA that no trust store has (as RDS and Aurora are to the images),
// generated here with openssl: the exporter as deployed (postgresExporterSpec: the same URI,
// user and password variables) and libpq as the backup jobs use it (PGSSLMODE/PGSSLROOTCERT)
// must connect with sslmode=verify-full when given the CA from config, and fail with the
// certificate error, not pass silently, without it.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_CA_DIR, POSTGRES_CA_KEY, POSTGRES_ROOTS_DIR, postgresExporterSpec, type ExporterSpec } from "../../../components/exporters/workloads";
import { startPostgres, type PostgresServer } from "../../../tools/harness/exporters";
import { PROGRAMS, ProcessGroup, freePort, requireProgram, tcpOpen } from "../../../tools/harness/processes";
import { edited, load } from "../../stacks/fixtures";

const group = new ProcessGroup();
let dir = "";
let pg: PostgresServer;
let ca = "";

/** A CA, and a server certificate for 127.0.0.1 signed by it; another CA that signed nothing. */
function makeCertificates(d: string): void {
  const openssl = requireProgram(PROGRAMS.openssl);
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: d, stdio: "pipe" });
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=app-platform test database CA");
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt", "-days", "2", "-subj", "/CN=some other CA");
  run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  fs.writeFileSync(path.join(d, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.ext");
  fs.chmodSync(path.join(d, "server.key"), 0o600);
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", path.join(d, "server.key"), path.join(d, "server.crt")]);
}

beforeAll(async () => {
  requireProgram(PROGRAMS.postgresExporter);
  dir = group.tempDir("pg-tls");
  fs.chmodSync(dir, 0o755);
  makeCertificates(dir);
  ca = fs.readFileSync(path.join(dir, "ca.crt"), "utf8");
  pg = await startPostgres(group, [], { ssl: "on", ssl_cert_file: path.join(dir, "server.crt"), ssl_key_file: path.join(dir, "server.key") });
  // Password authentication over TLS only, as RDS requires (rds.force_ssl).
  execFileSync(PROGRAMS.psql.command, ["-h", "127.0.0.1", "-p", String(pg.port), "-U", "postgres", "-qc", "CREATE ROLE app_monitoring LOGIN PASSWORD 'monitoring-secret' IN ROLE pg_monitor"], { stdio: "pipe" });
}, 120_000);

afterAll(() => group.stopAll());

function configFor(caBundle: string | undefined) {
  return load(
    edited("dev", (v) => {
      v.postgres = { mode: "external", host: "127.0.0.1", port: pg.port, database: "postgres", user: "postgres", sslMode: "verify-full", ...(caBundle ? { caBundle } : {}) };
      v.postgresPassword = "owner-secret";
      v.postgresMonitoringPassword = "monitoring-secret";
      v.postgresBackupPassword = "backup-secret";
    }),
  );
}

/**
 * Runs the exporter with a spec's environment; the CA ConfigMap's mount is a local copy of its
 * data, or `mountDir` stands in for the mount point of the emptyDir (`POSTGRES_ROOTS_DIR`).
 */
async function exporterUp(spec: ExporterSpec, caFile?: string, mountDir?: string): Promise<{ up: string; output: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  for (const v of spec.env) {
    env[v.name] = "value" in v
      ? v.value.replace(`${POSTGRES_CA_DIR}/${POSTGRES_CA_KEY}`, caFile ?? "").replace(`${POSTGRES_ROOTS_DIR}/`, `${mountDir ?? ""}/`)
      : v.valueFrom.secretKeyRef.key === "username" ? "app_monitoring" : "monitoring-secret";
  }
  const port = await freePort();
  // Ready when it listens: a scrape that cannot reach the database takes seconds to answer.
  const proc = await group.start("postgres-exporter", requireProgram(PROGRAMS.postgresExporter), [`--web.listen-address=127.0.0.1:${port}`], { env, ready: () => tcpOpen(port) });
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  await group.stop(proc);
  return { up: /^pg_up (\d)/m.exec(text)?.[1] ?? "missing", output: proc.output() };
}

describe("Postgres with TLS and a private CA (sslmode=verify-full)", () => {
  it("the exporter as deployed connects with the CA from postgres.caBundle", async () => {
    const spec = postgresExporterSpec(configFor(ca));
    expect(spec.env.find((v) => v.name === "DATA_SOURCE_URI")).toMatchObject({ value: `127.0.0.1:${pg.port}/postgres?sslmode=verify-full&sslrootcert=${POSTGRES_CA_DIR}/${POSTGRES_CA_KEY}` });
    expect(spec.mounts).toEqual([{ name: "postgres-ca", configMap: "postgres-ca", mountPath: POSTGRES_CA_DIR }]);
    const caFile = path.join(dir, "mounted-ca.crt");
    fs.writeFileSync(caFile, configFor(ca).postgres.caBundle!);
    expect((await exporterUp(spec, caFile)).up).toBe("1");
  });

  it("without the CA (what staging and production ran) the exporter reports pg_up 0 and says why", { timeout: 90_000 }, async () => {
    const spec = postgresExporterSpec(configFor(undefined));
    const r = await exporterUp(spec);
    expect(r.up).toBe("0");
    expect(r.output).toMatch(/x509: certificate signed by unknown authority/);
  });

  it("on AWS without caBundle: the file the init container copies (built as the backup image's Dockerfile builds it) is what the exporter verifies with", async () => {
    // The backup image's bundle: the system roots, then the RDS bundle (here: this test's CA).
    const dockerfile = fs.readFileSync(path.join(__dirname, "../../../components/backup/image/Dockerfile"), "utf8");
    const baked = /> (\/etc\/ssl\/certs\/\S+\.pem)/.exec(dockerfile)![1];
    const systemRoots = "/etc/ssl/certs/ca-certificates.crt";
    expect(fs.existsSync(systemRoots), `${systemRoots} missing: apt-get install ca-certificates`).toBe(true);
    const image = group.tempDir("backup-image");
    fs.mkdirSync(path.join(image, path.dirname(baked)), { recursive: true });
    fs.writeFileSync(path.join(image, baked), fs.readFileSync(systemRoots, "utf8") + ca);
    const aws = { ...configFor(undefined), aws: { region: "eu-west-1" } };
    const spec = postgresExporterSpec(aws, "postgres-exporter-queries", "registry.example.com/backup-tools:15");
    // Run the init container's command with its paths under the stand-in image and emptyDir.
    const emptyDir = group.tempDir("postgres-roots");
    const [cmd, src, dest] = spec.init!.command;
    expect(cmd).toBe("cp");
    expect(src).toBe(baked);
    expect(path.dirname(dest)).toBe(spec.init!.mountPath);
    execFileSync("cp", [path.join(image, src), path.join(emptyDir, path.relative(spec.init!.mountPath, dest))]);
    expect(spec.mounts).toEqual([{ name: spec.init!.volume, emptyDir: true, mountPath: spec.init!.mountPath }]);
    expect((await exporterUp(spec, undefined, emptyDir)).up).toBe("1");
  });

  it("libpq, as the backup jobs use it, verifies with the CA and refuses another CA's", () => {
    const psql = (rootcert: string) =>
      spawnSync(PROGRAMS.psql.command, ["-tAc", "select ssl from pg_stat_ssl where pid = pg_backend_pid()"], {
        env: { ...process.env, PGHOST: "127.0.0.1", PGPORT: String(pg.port), PGUSER: "app_monitoring", PGPASSWORD: "monitoring-secret", PGDATABASE: "postgres", PGSSLMODE: "verify-full", PGSSLROOTCERT: rootcert },
        encoding: "utf8",
      });
    const good = psql(path.join(dir, "ca.crt"));
    expect(good.stderr).toBe("");
    expect(good.stdout.trim()).toBe("t");
    const bad = psql(path.join(dir, "other.crt"));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/certificate verify failed/);
  });

  it("refuses a caBundle that is not PEM, naming the field", () => {
    expect(() => configFor("not a certificate")).toThrow(/app-platform:postgres\.caBundle .*must be PEM/);
  });
});
