// A credential rotation of the Postgres exporter, with the real postgres_exporter and a real
// Postgres 15 that checks passwords (SCRAM over TCP). The exporter runs as the staging render's
// pod template says: its arguments, the ConfigMap's queries file, DATA_SOURCE_URI, and
// DATA_SOURCE_USER / DATA_SOURCE_PASS from the Secret it names. Environment variables are read
// once, at start: after the password changes, the running exporter keeps the old one and reports
// pg_up 0; the render with the new value carries another checksum on the pod template, so
// Kubernetes replaces the pod, and the new process, with the new credential, reports pg_up 1.
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREDENTIALS_CHECKSUM_ANNOTATION } from "../../../components/exporters/workloads";
import { startPostgres, type TestPostgres } from "../../../tools/harness/backup";
import { renderMonitoring, type RenderedMonitoring } from "../../../tools/harness/monitoring";
import { PROGRAMS, ProcessGroup, freePort, requireProgram, tcpOpen, type Started } from "../../../tools/harness/processes";
import { waitUntil } from "../../../tools/harness/scenarios";

const STACK = "staging";
const OLD = "monitoring-before-rotation-7f3a";
const NEW = "monitoring-after-rotation-c41d";
const DEADLINE_MS = 60_000;

const group = new ProcessGroup();
let pg: TestPostgres;
let before: RenderedMonitoring;
let after: RenderedMonitoring;

/** A rendered manifest, parsed. */
const manifest = (r: RenderedMonitoring, file: string): any =>
  YAML.parse(fs.readFileSync(path.join(r.dir, "manifests", r.config.namespaces.monitoring, file), "utf8"));
const podTemplate = (r: RenderedMonitoring) => manifest(r, "deployment-postgres-exporter.yaml").spec.template;

/** Every file of a render folder, as text. */
function allText(dir: string): string {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), "utf8"))
    .join("\n");
}

beforeAll(async () => {
  requireProgram(PROGRAMS.postgresExporter);
  // The same stack before and after `pulumi config set --secret postgresMonitoringPassword`:
  // the program sees the decrypted value, as under `pulumi up`.
  [before, after] = await Promise.all(
    [OLD, NEW].map((password) => renderMonitoring({ stack: STACK, overrides: { "app-platform:postgresMonitoringPassword": password } })),
  );
  pg = await startPostgres(group);
}, 180_000);

afterAll(async () => {
  await group.stopAll();
  for (const r of [before, after]) if (r) fs.rmSync(r.dir, { recursive: true, force: true });
});

/**
 * Starts postgres_exporter as the rendered pod would run it, against the harness's Postgres:
 * `secret` stands for the Secret the pod reads; the DATA_SOURCE_URI's host and port become the
 * harness's, without TLS (verify-full with a private CA is proven in postgres-tls.test.ts).
 */
async function runExporter(r: RenderedMonitoring, secret: Record<string, string>): Promise<{ proc: Started; pgUp: () => Promise<string> }> {
  const container = podTemplate(r).spec.containers[0];
  const dir = group.tempDir("pg-exporter-config");
  const queries = manifest(r, "configmap-postgres-exporter-queries.yaml");
  for (const [key, text] of Object.entries(queries.data as Record<string, string>)) fs.writeFileSync(path.join(dir, key), text);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  for (const v of container.env as { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[]) {
    if (v.valueFrom) {
      expect(v.valueFrom.secretKeyRef.name).toBe("postgres-credentials");
      env[v.name] = secret[v.valueFrom.secretKeyRef.key];
    } else {
      env[v.name] = v.value!.replace(/^[^/]+\//, `127.0.0.1:${pg.port}/`).replace(/\?.*$/, "?sslmode=disable");
    }
  }
  const port = await freePort();
  const args = (container.args as string[]).map((a) =>
    a.replace(/^--web\.listen-address=.*/, `--web.listen-address=127.0.0.1:${port}`).replace(/^--extend\.query-path=\/config\//, `--extend.query-path=${dir}/`),
  );
  // Ready when it listens: a scrape that cannot log in takes a moment to answer.
  const proc = await group.start("postgres-exporter", requireProgram(PROGRAMS.postgresExporter), args, { env, ready: () => tcpOpen(port) });
  const pgUp = async () => /^pg_up (\d)/m.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1] ?? "missing";
  return { proc, pgUp };
}

describe("Postgres exporter credential rotation (real postgres_exporter, Postgres 15 with SCRAM)", () => {
  it("the pod template's checksum changes with the Secret's value, and the value appears nowhere", () => {
    const [a, b] = [before, after].map((r) => podTemplate(r).metadata.annotations?.[CREDENTIALS_CHECKSUM_ANNOTATION] as string);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toMatch(/^[0-9a-f]{16}$/);
    expect(b).not.toBe(a);
    // Nothing else in the pod template changes: the annotation alone makes Kubernetes roll it.
    const strip = (r: RenderedMonitoring) => {
      const t = structuredClone(podTemplate(r));
      delete t.metadata.annotations[CREDENTIALS_CHECKSUM_ANNOTATION];
      return t;
    };
    expect(strip(after)).toEqual(strip(before));
    for (const r of [before, after]) {
      const text = allText(r.dir);
      expect(text).not.toContain(OLD);
      expect(text).not.toContain(NEW);
    }
  });

  it("the old process keeps the old password and reports pg_up 0; the rolled pod's process reports pg_up 1", async () => {
    const user = before.config.postgres.monitoringUser;
    const database = /\/([^/?]+)\?/.exec(podTemplate(before).spec.containers[0].env.find((v: { name: string }) => v.name === "DATA_SOURCE_URI").value)![1]!;
    // The role as README's "Credentials per consumer" creates it, and the stack's database.
    pg.sql("postgres", `CREATE DATABASE "${database}"`);
    pg.sql("postgres", `CREATE ROLE ${user} LOGIN PASSWORD '${OLD}' IN ROLE pg_monitor`);

    const old = await runExporter(before, { username: user, password: OLD });
    await waitUntil("the exporter with the current password reports pg_up 1", async () => (await old.pgUp()) === "1", DEADLINE_MS);

    // The rotation: the database gets the new password (the operator's ALTER ROLE) and the
    // Secret the new value (`pulumi up` with the new config). The running process does not
    // re-read its environment. Its open session outlives the change (measured: pg_up stays 1
    // while it lasts); its next login — here forced by ending the session, as a failover, a
    // database restart or a dropped connection would — is refused.
    pg.sql("postgres", `ALTER ROLE ${user} PASSWORD '${NEW}'`);
    pg.sql("postgres", `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${user}'`);
    await waitUntil("the exporter with the old password reports pg_up 0", async () => (await old.pgUp()) === "0", DEADLINE_MS);
    // postgres_exporter's own log, with Postgres' refusal (quotes escaped in its logfmt).
    expect(old.proc.output()).toMatch(new RegExp(`password authentication failed for user \\\\?"${user}`));

    // The new pod template (another checksum) starts a new process with the Secret's new value.
    const rolled = await runExporter(after, { username: user, password: NEW });
    await waitUntil("the rolled exporter reports pg_up 1", async () => (await rolled.pgUp()) === "1", DEADLINE_MS);
    // And the old one stays down: only a new process picks the new value up.
    expect(await old.pgUp()).toBe("0");
  }, 120_000);
});
