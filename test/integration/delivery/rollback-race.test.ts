// A hand `platform rollback` while `platform promote` is still in its warm window, end to end on
// loopback (the harness of warm-window.test.ts: the driver sizes each colour as the program
// renders it, a real HAProxy applies the rendered HTTPRoute in front of two instrumented colours,
// a real Prometheus scrapes them and the real gate decides). The rollback is a second actor on
// the same stack: from another terminal on the same stack file, or from another copy of the
// stack file (a laptop while a CI runner promotes) on the same deployed stack. Expectations come
// from outside the code under test: HAProxy's own report of its weights, the answers users got
// and the requests each colour served, and sizes worked out by hand from the stack values
// (replicas.min 3; an idle colour that runs another image than the active one keeps one pod).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryHarness, type DataPlaneStack, type HarnessReleaseRun } from "../../../tools/harness/delivery-driver";
import { LoadClient } from "../../../tools/harness/load-client";
import { PROGRAMS, requireProgram, sleep } from "../../../tools/harness/processes";
import { rollback, type PromotionResult } from "../../../tools/delivery/promotion";

const SERVICES = ["race-file", "race-copy"] as const;
let harness: DeliveryHarness;

beforeAll(async () => {
  requireProgram(PROGRAMS.haproxy);
  harness = await DeliveryHarness.start(SERVICES);
}, 120_000);

afterAll(async () => {
  await harness?.stop();
}, 60_000);

/** A blue-green service behind the Gateway, serving size 3, with a 40 s warm window. */
function blueGreen(s: Record<string, any>): void {
  s.replicas = { min: 3, max: 4 };
  s.strategy = { type: "blueGreen", scaleDownDelaySeconds: 40, router: { kind: "gatewayApi", gateway: { name: "harness" } } };
}

interface RaceRun {
  readonly run: HarnessReleaseRun;
  readonly rollback: PromotionResult;
  readonly rollbackLog: string[];
  /** The stack file the rollback edited. */
  readonly rollbackStack: DataPlaneStack;
}

/**
 * Promotes green; as soon as the switch update has opened the warm window, a second actor runs
 * `platform rollback` on the stack (`copy`: on its own copy of the stack file).
 */
async function promoteAndRollBack(name: string, copy: boolean): Promise<RaceRun> {
  let second: Promise<PromotionResult> | undefined;
  let rollbackStack: DataPlaneStack | undefined;
  const rollbackLog: string[] = [];
  const run = await harness.release(name, {
    edit: blueGreen,
    settings: { watchSeconds: 2 },
    previewRequestsPerSecond: 20,
    onUpdate: (u, _svc, ctx) => {
      if (second || u.services[0].activeColor !== "green" || u.services[0].promotion?.warmUntil === undefined) return;
      rollbackStack = copy ? ctx.stack.checkout() : ctx.stack;
      const deps = { stack: rollbackStack, query: ctx.deps.query, now: () => Date.now(), sleep, log: (l: string) => rollbackLog.push(l) };
      second = rollback(deps, ctx.request);
    },
  });
  expect(second, run.log.join("\n")).toBeDefined();
  return { run, rollback: await second!, rollbackLog, rollbackStack: rollbackStack! };
}

/** Sends users through the proxy until both colours' counters have moved on by `n` answered requests in all; resolves to what each colour served meanwhile. */
async function freshTraffic(run: HarnessReleaseRun, n: number): Promise<{ blue: number; green: number; failed: number; total: number }> {
  const before = { blue: run.svc.blue.stats().served, green: run.svc.green.stats().served };
  const users = new LoadClient(run.proxy.url, 100);
  users.start();
  const deadline = Date.now() + 30_000;
  while (users.requests.length < n && Date.now() < deadline) await sleep(100);
  await users.stop();
  return {
    blue: run.svc.blue.stats().served - before.blue,
    green: run.svc.green.stats().served - before.green,
    failed: users.requests.filter((q) => q.status !== 200).length,
    total: users.requests.length,
  };
}

/** What both scenarios must end with: blue active and serving at its size, nothing after the rollback's update, no user request lost. */
async function expectBlueServing(race: RaceRun): Promise<void> {
  const { run } = race;
  const updates = run.stack.updates;
  const back = updates.findIndex((u) => u.message?.includes("warm rollback to blue"));
  expect(back, updates.map((u) => u.message).join("\n")).toBeGreaterThan(0);
  // HAProxy itself sends everything to blue, which runs its serving size (replicas.min 3);
  // green, idle with another image, keeps one pod.
  expect(await run.proxy.reportedWeights()).toEqual({ [`${run.svc.name}-blue`]: 100, [`${run.svc.name}-green`]: 0 });
  expect(run.stack.plane!.sizes).toEqual({ blue: 3, green: 1 });
  // Every user request from the rollback's update on was answered, through the promote's end.
  const after = run.load.requests.filter((q) => q.sentAt >= updates[back].at + 200);
  expect(after.length).toBeGreaterThan(0);
  expect(after.filter((q) => q.status !== 200)).toEqual([]);
  // And after both commands ended, blue serves every user and green none.
  const fresh = await freshTraffic(run, 300);
  expect(fresh.failed).toBe(0);
  expect(fresh.green).toBe(0);
  expect(fresh.blue).toBeGreaterThanOrEqual(fresh.total);
  // The rollback's update was the stack's last: the promote's final step changed nothing.
  expect(updates.slice(back + 1).map((u) => u.message)).toEqual([]);
  const ended = run.startedAt + run.result.steps.reduce((n, x) => n + x.ms, 0);
  console.log(
    `${run.svc.name}: the promote stopped ~${ended - updates[back].at} ms after the rollback's update (window ${Date.parse(updates.find((u) => u.services[0].promotion?.warmUntil)!.services[0].promotion.warmUntil) - updates[back].at} ms from then); ` +
      `${after.filter((q) => q.status !== 200).length} of ${after.length} user requests failed from the rollback's update to the end, ${fresh.failed} of ${fresh.total} afterwards (blue served ${fresh.blue})`,
  );
}

describe("platform rollback during a running platform promote's warm window", () => {
  it("from another terminal on the same stack file: the promote sees it at once, leaves both colours alone and says why", async () => {
    const race = await promoteAndRollBack("race-file", false);
    expect(race.rollback, race.rollbackLog.join("\n")).toMatchObject({ outcome: "switched-back", rollback: "warm", from: "green", to: "blue" });
    await expectBlueServing(race);
    const r = race.run.result;
    expect(r.outcome, race.run.log.join("\n")).toBe("overridden");
    expect(r.reason).toBe("activeColor was changed to blue during the warm window (platform rollback?): leaving both colours as they are");
    // The promote did not wait out the 40 s window: its watch ended at a look at the stack file,
    // and it never reached the scale-down step (which comes only after the window's end).
    expect(r.steps.at(-1)!.name).toBe("warm window: watch active green for 40 s, race-file-blue held at 3");
    expect(race.run.log.some((l) => l.includes("warm window over"))).toBe(false);
    // The stack file is as the rollback left it.
    expect(race.run.stack.values.services[0].activeColor).toBe("blue");
    expect(race.run.stack.values.services[0].promotion).toBeUndefined();
  }, 180_000);

  it("from another copy of the stack file: the promote sees the deployed activeColor changed, leaves both colours alone and says why", async () => {
    const race = await promoteAndRollBack("race-copy", true);
    expect(race.rollback, race.rollbackLog.join("\n")).toMatchObject({ outcome: "switched-back", rollback: "warm", from: "green", to: "blue" });
    await expectBlueServing(race);
    const r = race.run.result;
    expect(r.outcome, race.run.log.join("\n")).toBe("overridden");
    expect(r.reason).toMatch(/^the stack's last update made blue active, not green \(platform rollback from another copy of the stack file\?\): leaving both colours as they are/);
    expect(r.reason).toMatch(/; this copy of the stack file now names blue too, as deployed, without the release's hold \(no pulumi up\): commit it$/);
    expect(race.rollbackStack.values.services[0].activeColor).toBe("blue");
    // The promote's own copy says the same now (its deploy run records it), with the release's settings gone.
    expect(race.run.stack.values.services[0].activeColor).toBe("blue");
    expect(race.run.stack.values.services[0].promotion).toBeUndefined();
  }, 180_000);
});
