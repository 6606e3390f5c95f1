// The promotion loop end to end on loopback: the release orchestration of `platform promote`,
// a driver applying each update's rendered HTTPRoute to a real HAProxy in front of two
// instrumented colours, the migration Job's command run against a real Postgres, a real
// Prometheus scraping the colours every second, and the real analysis gate deciding.
// Expectations come from outside the code: HAProxy's own report of its weights, the requests
// users actually got answered, Postgres' catalog and its error text.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryHarness, rollbackFigures } from "../../../tools/harness/delivery-driver";
import { startPostgres, type PostgresServer } from "../../../tools/harness/exporters";
import { PROGRAMS, requireProgram } from "../../../tools/harness/processes";
import { prometheusQuery } from "../../../tools/delivery/analysis";

const SERVICES = ["healthy", "fails-at-50", "slow", "bad-migration", "bad-smoke", "no-users"] as const;
let harness: DeliveryHarness;
let pg: PostgresServer;
const psql = () => requireProgram(PROGRAMS.psql);
const sql = (query: string) => execFileSync(psql(), ["-h", "127.0.0.1", "-p", String(pg.port), "-U", "postgres", "-d", "app", "-v", "ON_ERROR_STOP=1", "-Atqc", query], { encoding: "utf8" }).trim();

/** A migration Job whose command is psql running `statement` on the harness's Postgres. */
const migration = (statement: string) => ({ name: "schema", command: [psql(), "-v", "ON_ERROR_STOP=1", "-c", statement], timeoutSeconds: 30 });
/** Connection settings as the service's ConfigMap would carry them (libpq's environment). */
const pgSettings = () => ({ PGHOST: "127.0.0.1", PGPORT: String(pg.port), PGUSER: "postgres", PGDATABASE: "app" });

beforeAll(async () => {
  requireProgram(PROGRAMS.haproxy);
  harness = await DeliveryHarness.start(SERVICES);
  pg = await startPostgres(harness.group, ["app"]);
  sql("CREATE TABLE orders (id integer PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT now())");
}, 120_000);

afterAll(async () => {
  await harness?.stop();
}, 60_000);

/** Every request users sent after `from` reached a colour that answered 2xx. */
function allAnsweredAfter(run: Awaited<ReturnType<DeliveryHarness["release"]>>, from: number): boolean {
  const after = run.load.requests.filter((r) => r.sentAt >= from);
  return after.length > 0 && after.every((r) => r.status === 200);
}

describe("canary releases through HAProxy, judged by Prometheus", () => {
  it("a healthy canary runs its migration, passes the smoke test and reaches 100 %", async () => {
    const svc = harness.services.get("healthy")!;
    const run = await harness.release("healthy", {
      edit: (s) => {
        s.settings = pgSettings();
        s.migration = migration("ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text");
        s.smokeTest = { baseUrl: `http://${svc.green.target}`, requests: [{ path: "/healthz" }, { path: "/" }] };
      },
    });
    expect(run.result.outcome, run.log.join("\n")).toBe("promoted");
    expect(run.result.trafficSteps.map((t) => [t.weight, t.ok])).toEqual([[10, true], [50, true], [100, true]]);
    // Postgres has the column the migration added, before any traffic moved.
    expect(sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'")).toBe("note");
    const firstWeighted = run.stack.updates.findIndex((u) => u.weights["healthy-green"] > 0);
    const migrated = run.stack.updates.findIndex((u) => u.jobs.length > 0);
    expect(migrated).toBeGreaterThanOrEqual(0);
    expect(migrated).toBeLessThan(firstWeighted);
    // HAProxy itself reports every request going to green, and green is the active colour in config.
    expect(await run.proxy.reportedWeights()).toEqual({ "healthy-blue": 0, "healthy-green": 100 });
    expect(run.stack.values.services[0].activeColor).toBe("green");
    expect(run.stack.values.services[0].promotion).toBeUndefined();
    // Users got an answer to every request, and green served its share of them.
    expect(run.load.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(svc.green.stats().served).toBeGreaterThan(100);
  }, 120_000);

  it("a colour that fails from 50 % is rolled back at that step, within its share of failed requests", async () => {
    const run = await harness.release("fails-at-50", {
      onWeight: (weight, svc) => svc.green.setFault({ errorRatio: weight >= 50 ? 0.5 : 0 }),
    });
    expect(run.result.outcome, run.log.join("\n")).toBe("rolled-back");
    expect(run.result.failedAt).toBe("step 2/3 (50 %)");
    expect(run.result.reason).toMatch(/FAILED error ratio/);
    expect(await run.proxy.reportedWeights()).toEqual({ "fails-at-50-blue": 100, "fails-at-50-green": 0 });
    expect(run.stack.values.services[0].activeColor).toBe("blue");
    // The abort was one update: the last one, with all weight on blue.
    const last = run.stack.updates[run.stack.updates.length - 1];
    expect(last.weights).toEqual({ "fails-at-50-blue": 100, "fails-at-50-green": 0 });
    // No more failed requests than the step's share of the traffic while it lasted.
    const f = rollbackFigures(run)!;
    expect(f.failed).toBeGreaterThan(0);
    expect(f.failed).toBeLessThanOrEqual(Math.ceil((f.total * f.weight) / 100));
    // After the rollback every request is answered by blue.
    expect(allAnsweredAfter(run, last.at + 200)).toBe(true);
  }, 120_000);

  it("a slow colour fails the latency check at the first step", async () => {
    const run = await harness.release("slow", { onWeight: (_w, svc) => svc.green.setFault({ latencySeconds: 0.8 }) });
    expect(run.result.outcome, run.log.join("\n")).toBe("rolled-back");
    expect(run.result.failedAt).toBe("step 1/3 (10 %)");
    expect(run.result.reason).toMatch(/FAILED latency p99 [0-9.]+s > 0.5s/);
    expect(await run.proxy.reportedWeights()).toEqual({ "slow-blue": 100, "slow-green": 0 });
  }, 120_000);

  it("probes and scrapes alone are no traffic: a colour no user reached is not promoted", async () => {
    // No user load at all; each colour still answers kubelet probes (0.4/s) and Prometheus'
    // scrapes (1/s), about 14 requests in the 10 s window: more than the 5 the gate needs here.
    const run = await harness.release("no-users", { requestsPerSecond: 0, edit: (s) => (s.strategy.analysis = { minRequests: 5 }) });
    expect(run.result.outcome, run.log.join("\n")).toBe("rolled-back");
    expect(run.result.failedAt).toBe("step 1/3 (10 %)");
    const traffic = run.result.trafficSteps[0].verdict?.checks.find((c) => c.name === "traffic");
    expect(traffic).toEqual({ name: "traffic", ok: false, detail: "0 requests < 5 needed" });
    // podinfo's plain counter of the same colour did see those probes and scrapes.
    const all = await prometheusQuery(harness.prometheus.url)('sum(increase(http_requests_total{service="no-users",color="green"}[10s]))');
    expect(all).toBeGreaterThanOrEqual(5);
    expect(await run.proxy.reportedWeights()).toEqual({ "no-users-blue": 100, "no-users-green": 0 });
  }, 120_000);

  it("a failing migration stops the release before any traffic moves, and shows Postgres' error", async () => {
    const svc = harness.services.get("bad-migration")!;
    const run = await harness.release("bad-migration", {
      edit: (s) => {
        s.settings = pgSettings();
        s.migration = migration("ALTER TABLE orders ADD COLUMN id integer");
      },
    });
    expect(run.result.outcome, run.log.join("\n")).toBe("aborted");
    expect(run.result.failedAt).toBe("migration");
    expect(run.result.reason).toContain('column "id" of relation "orders" already exists');
    expect(run.stack.updates.every((u) => u.weights["bad-migration-green"] === 0)).toBe(true);
    expect(svc.green.stats().served).toBe(0);
  }, 120_000);

  it("a failing smoke test stops the release before step one", async () => {
    const svc = harness.services.get("bad-smoke")!;
    svc.green.setFault({ errorRatio: 1 });
    const run = await harness.release("bad-smoke", {
      edit: (s) => (s.smokeTest = { baseUrl: `http://${svc.green.target}`, requests: [{ path: "/" }] }),
    });
    expect(run.result.outcome, run.log.join("\n")).toBe("aborted");
    expect(run.result.failedAt).toBe("smoke test");
    expect(run.result.reason).toBe(`the smoke test failed: GET http://${svc.green.target}/ answered 500, expected 200`);
    expect(run.stack.updates.every((u) => u.weights["bad-smoke-green"] === 0)).toBe(true);
    // Only the smoke test's own request reached green; users never did.
    expect(svc.green.stats().served).toBe(1);
    expect(run.load.requests.filter((r) => r.status !== 200)).toEqual([]);
  }, 120_000);
});
