// The consumer roles README tells users to create, run on a real Postgres 15: the backup role
// can pg_dump the database and write nothing; the monitoring role sees other sessions'
// statistics (what postgres_exporter reads) and no table data. Expectations are PostgreSQL's
// documented predefined roles (pg_read_all_data, pg_monitor), observed on the real server.
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProcessGroup } from "../../../tools/harness/processes";
import { PG_BIN, startPostgres, type TestPostgres } from "../../../tools/harness/backup";

const group = new ProcessGroup();
let pg: TestPostgres;
const PASSWORDS = { monitoring: "Mon1toringPassw0rdForTests", backup: "Backu9PasswordForTests" };

/** The SQL block README shows under "Credentials per consumer", placeholders filled in. */
function readmeSql(): string {
  const readme = fs.readFileSync(path.resolve(__dirname, "../../../README.md"), "utf8");
  const m = /<!-- consumer-roles-sql -->\n```sql\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error("README has no consumer-roles-sql block");
  return m[1].replace("<password of app_monitoring>", PASSWORDS.monitoring).replace("<password of app_backup>", PASSWORDS.backup);
}

function as(user: string, password: string, query: string): { ok: boolean; out: string } {
  const r = spawnSync(`${PG_BIN}/psql`, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(pg.port), "-U", user, "-d", "app", "-c", query], {
    encoding: "utf8",
    env: { ...process.env, PGPASSWORD: password },
  });
  return { ok: r.status === 0, out: (r.stdout + r.stderr).trim() };
}

beforeAll(async () => {
  pg = await startPostgres(group);
  pg.sql("postgres", "CREATE ROLE app LOGIN PASSWORD 'owner'");
  pg.sql("postgres", "CREATE DATABASE app OWNER app");
  pg.sql("app", "SET ROLE app; CREATE TABLE public.orders (id int primary key, total numeric); INSERT INTO public.orders VALUES (1, 9.5), (2, 12)");
  for (const statement of readmeSql().split(";").map((x) => x.trim()).filter(Boolean)) pg.sql("app", statement);
}, 120_000);

afterAll(() => group.stopAll(), 60_000);

describe("README's consumer roles on Postgres 15", () => {
  it("app_backup dumps the whole database with pg_dump", () => {
    const r = spawnSync(`${PG_BIN}/pg_dump`, ["-h", "127.0.0.1", "-p", String(pg.port), "-U", "app_backup", "-d", "app", "--format=plain"], { encoding: "utf8", env: { ...process.env, PGPASSWORD: PASSWORDS.backup } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("CREATE TABLE public.orders");
    expect(r.stdout).toMatch(/COPY public\.orders .* FROM stdin;\n1\t9\.5\n2\t12\n/);
  });

  it("app_backup writes nothing", () => {
    for (const q of ["INSERT INTO public.orders VALUES (3, 1)", "UPDATE public.orders SET total = 0", "DELETE FROM public.orders", "CREATE TABLE public.x (i int)"]) {
      const r = as("app_backup", PASSWORDS.backup, q);
      expect(r.ok, q).toBe(false);
      expect(r.out, q).toContain("permission denied");
    }
  });

  it("app_monitoring reads statistics, including other sessions' queries, but no table data", () => {
    expect(as("app_monitoring", PASSWORDS.monitoring, "SELECT count(*) > 0 FROM pg_stat_database WHERE datname = 'app'").out).toBe("t");
    // pg_read_all_stats (part of pg_monitor) shows every session's query text; an unprivileged role sees "<insufficient privilege>".
    expect(as("app_monitoring", PASSWORDS.monitoring, "SELECT count(*) FROM pg_stat_activity WHERE query = '<insufficient privilege>'").out).toBe("0");
    expect(as("app_monitoring", PASSWORDS.monitoring, "SELECT pg_size_pretty(pg_database_size('app')) IS NOT NULL").out).toBe("t");
    const data = as("app_monitoring", PASSWORDS.monitoring, "SELECT * FROM public.orders");
    expect(data.ok).toBe(false);
    expect(data.out).toContain("permission denied");
  });

  it("the owner's password does not log in as a consumer", () => {
    expect(as("app_backup", "owner", "SELECT 1").ok).toBe(false);
    expect(as("app_monitoring", "owner", "SELECT 1").ok).toBe(false);
  });
});
