// The warm window of a blue-green release, end to end on loopback: `platform promote`'s loop
// drives a driver that sizes each colour as the program renders it (components/app/sizing.ts),
// publishes kube-state-metrics' Deployment series for them, moves the scrape role with the
// active Service, and applies the rendered HTTPRoute to a real HAProxy in front of two
// instrumented colours; a real Prometheus scrapes them every second and the real gate decides.
// Expectations come from outside the code under test: HAProxy's own report of its weights, the
// answers users got, Prometheus' series (podinfo labels `/` as path "root"), and sizes worked out
// by hand from the stack values (replicas.min 3; an idle colour that runs another image than the
// active one keeps one pod).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryHarness, type HarnessReleaseRun } from "../../../tools/harness/delivery-driver";
import { LoadClient } from "../../../tools/harness/load-client";
import { PROGRAMS, requireProgram } from "../../../tools/harness/processes";
import { prometheusQuery } from "../../../tools/delivery/analysis";
import { rollback } from "../../../tools/delivery/promotion";

const SERVICES = ["warm-fails", "warm-ok", "warm-canary"] as const;
let harness: DeliveryHarness;

beforeAll(async () => {
  requireProgram(PROGRAMS.haproxy);
  harness = await DeliveryHarness.start(SERVICES);
}, 120_000);

afterAll(async () => {
  await harness?.stop();
}, 60_000);

/** A blue-green service behind the Gateway, serving size 3, with a warm window of `delay` s. */
const blueGreen = (delay: number) => (s: Record<string, any>) => {
  s.replicas = { min: 3, max: 4 };
  s.strategy = { type: "blueGreen", scaleDownDelaySeconds: delay, router: { kind: "gatewayApi", gateway: { name: "harness" } } };
};

/**
 * The user requests sent in [from, to) that were not answered 200, each with its time relative to
 * the release's updates (for the failure message); a line "none sent" when there were none.
 */
function unanswered(run: HarnessReleaseRun, from: number, to = Infinity): string[] {
  const sent = run.load.requests.filter((r) => r.sentAt >= from && r.sentAt < to);
  if (sent.length === 0) return ["none sent"];
  const updates = run.stack.updates.map((u, i) => `update ${i + 1} ended at +${u.at - run.startedAt} ms`).join(", ");
  return sent.filter((r) => r.status !== 200).map((r) => `sent at +${r.sentAt - run.startedAt} ms: status ${r.status} after ${r.ms} ms (${updates})`);
}

describe("the warm window after a blue-green switch", () => {
  it("a failure in the window goes back in ONE update onto the old colour, which kept its serving size throughout", async () => {
    let faultAt = 0;
    const run = await harness.release("warm-fails", {
      edit: blueGreen(60),
      settings: { watchSeconds: 2 },
      previewRequestsPerSecond: 20,
      // Green turns bad as soon as it takes the users' traffic.
      onUpdate: (u, svc) => {
        if (u.weights["warm-fails-green"] === 100 && faultAt === 0) {
          faultAt = u.at;
          svc.green.setFault({ errorRatio: 0.5 });
        }
      },
    });
    const r = run.result;
    expect(r.outcome, run.log.join("\n")).toBe("rolled-back");
    expect(r).toMatchObject({ rollback: "warm", failedAt: "warm window after the switch" });
    expect(r.reason).toMatch(/FAILED error ratio/);
    // The gate judged green as the active colour: the switch moved its scrape role.
    expect(run.log.some((l) => l.includes("active green: FAIL"))).toBe(true);

    const [prescale, sw, back, ...more] = run.stack.updates;
    expect(more).toEqual([]);
    // Pre-scale: green raised to blue's 3 (kube-state-metrics' figure), its pods started.
    expect(prescale).toMatchObject({ sizes: { blue: 3, green: 3 }, grew: ["green"], weights: { "warm-fails-blue": 100, "warm-fails-green": 0 } });
    // Switch: all users to green; blue, now idle, still at 3 and the window's end recorded.
    expect(sw).toMatchObject({ sizes: { blue: 3, green: 3 }, weights: { "warm-fails-blue": 0, "warm-fails-green": 100 } });
    expect(sw.services[0].promotion).toMatchObject({ prescale: true, prescaleReplicas: 3 });
    // 60 s from the switch's start: after the pre-scale update ended, before the switch's ended (+1 s: whole seconds).
    const until = Date.parse(sw.services[0].promotion.warmUntil);
    expect(until).toBeGreaterThanOrEqual(prescale.at + 60_000);
    expect(until).toBeLessThanOrEqual(sw.at + 61_000);
    // Rollback: the very next update, within the window, all users back on blue; nothing had to
    // start (no cold start: blue's pods never went away); green keeps one pod (another image).
    expect(back).toMatchObject({ sizes: { blue: 3, green: 1 }, grew: [], weights: { "warm-fails-blue": 100, "warm-fails-green": 0 } });
    // Inside the window the switch recorded.
    expect(back.at).toBeLessThan(Date.parse(sw.services[0].promotion.warmUntil));
    expect(run.stack.updates.every((u) => u.sizes!.blue >= 3)).toBe(true);
    expect(r.steps.some((s) => s.name.startsWith("pre-scale") && s.name.includes("blue"))).toBe(false);
    // HAProxy itself sends everything to blue; the config is back as before the release.
    expect(await run.proxy.reportedWeights()).toEqual({ "warm-fails-blue": 100, "warm-fails-green": 0 });
    expect(run.stack.values.services[0].activeColor).toBe("blue");
    expect(run.stack.values.services[0].promotion).toBeUndefined();
    // Users: answered until the switch (its update moved the route just before it ended), and
    // every request after the rollback update.
    expect(unanswered(run, run.startedAt, sw.at - 1000)).toEqual([]);
    expect(unanswered(run, back.at + 200)).toEqual([]);
    const inWindow = run.load.requests.filter((q) => q.sentAt >= sw.at && q.sentAt < back.at);
    const rollbackStep = r.steps.find((x) => x.name.startsWith("warm rollback"))!;
    console.log(
      `warm rollback: back on blue ${back.at - sw.at} ms after the switch, the rollback update itself ${rollbackStep.ms} ms; ` +
        `${inWindow.filter((q) => q.status !== 200).length} of ${inWindow.length} user requests failed in between`,
    );
  }, 180_000);

  let healthy: HarnessReleaseRun;

  it("a healthy release keeps the old colour at its size through the window, then one update scales it down", async () => {
    healthy = await harness.release("warm-ok", { edit: blueGreen(8), settings: { watchSeconds: 2 }, previewRequestsPerSecond: 20 });
    const r = healthy.result;
    expect(r.outcome, healthy.log.join("\n")).toBe("promoted");
    const [prescale, sw, down, ...more] = healthy.stack.updates;
    expect(more).toEqual([]);
    expect(prescale).toMatchObject({ sizes: { blue: 3, green: 3 }, grew: ["green"] });
    expect(sw).toMatchObject({ sizes: { blue: 3, green: 3 }, weights: { "warm-ok-blue": 0, "warm-ok-green": 100 } });
    // After the 8 s window, and only then, blue shrinks: to one pod, as it runs the old image.
    expect(down).toMatchObject({ sizes: { blue: 1, green: 3 }, weights: { "warm-ok-blue": 0, "warm-ok-green": 100 } });
    // Not before the window has passed (a lower bound: a slow machine only makes it later).
    expect(down.at - sw.at).toBeGreaterThanOrEqual(8_000);
    expect(down.services[0].promotion).toBeUndefined();
    // The window was watched on green's real series as the active colour.
    const active = await prometheusQuery(harness.prometheus.url)(
      'sum(increase(http_request_duration_seconds_count{service="warm-ok",role="active",color="green",path="root"}[30s]))',
    );
    expect(active).toBeGreaterThan(100);
    expect(healthy.log.filter((l) => l.includes("active green: PASS")).length).toBeGreaterThan(0);
    expect(unanswered(healthy, healthy.startedAt)).toEqual([]);
    expect(healthy.stack.values.services[0]).toMatchObject({ activeColor: "green" });
  }, 180_000);

  it("platform rollback after the window is cold: it says so, and the old colour is back at size and Ready before traffic moves", async () => {
    const run = healthy;
    const before = run.stack.updates.length;
    const users = new LoadClient(run.proxy.url, 100);
    const log: string[] = [];
    users.start();
    const started = Date.now();
    let r;
    try {
      r = await rollback({ ...run.deps, log: (l) => log.push(l) }, run.request);
    } finally {
      await users.stop();
    }
    expect(r).toMatchObject({ outcome: "switched-back", rollback: "cold", from: "green", to: "blue" });
    expect(log).toContain(
      "  cold rollback: no warm window is open, so warm-ok-blue may run fewer pods than warm-ok-green: it is pre-scaled and awaited Ready before traffic moves",
    );
    const [grow, sw, restore, ...more] = run.stack.updates.slice(before);
    expect(more).toEqual([]);
    // Blue grows from 1 to green's 3 while green keeps every user ...
    expect(grow).toMatchObject({ sizes: { blue: 3, green: 3 }, grew: ["blue"], weights: { "warm-ok-blue": 0, "warm-ok-green": 100 } });
    // ... and only the next update, after the readiness wait, moves them.
    expect(sw).toMatchObject({ weights: { "warm-ok-blue": 100, "warm-ok-green": 0 } });
    expect(r!.steps.map((s) => s.name)).toContain("wait for 3 ready pods of warm-ok-blue");
    expect(restore.sizes).toEqual({ blue: 3, green: 1 });
    expect(await run.proxy.reportedWeights()).toEqual({ "warm-ok-blue": 100, "warm-ok-green": 0 });
    const sent = users.requests.filter((q) => q.sentAt >= started);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((q) => q.status !== 200)).toEqual([]);
    const ms = (prefix: string) => r!.steps.filter((x) => x.name.startsWith(prefix)).reduce((n, x) => n + x.ms, 0);
    console.log(`cold rollback: ${sw.at - started} ms until traffic moved (pre-scale update ${ms("pre-scale")} ms, readiness wait ${ms("wait for")} ms)`);
  }, 180_000);

  it("a canary made active after its 100 % step keeps the old colour at its size for the window; a failure then is one update back", async () => {
    const run = await harness.release("warm-canary", {
      // The harness's canary (10/50/100 %, 6 s dwell) with serving size 2 and a 30 s window.
      edit: (s) => ((s.replicas = { min: 2, max: 3 }), (s.strategy.scaleDownDelaySeconds = 30)),
      onUpdate: (u, svc) => {
        if (u.services[0].activeColor === "green") svc.green.setFault({ errorRatio: 0.5 });
      },
    });
    const r = run.result;
    expect(r.outcome, run.log.join("\n")).toBe("rolled-back");
    expect(r).toMatchObject({ rollback: "warm", failedAt: "warm window after the switch" });
    expect(r.trafficSteps.map((t) => [t.weight, t.ok])).toEqual([
      [10, true],
      [50, true],
      [100, true],
    ]);
    const updates = run.stack.updates;
    const switched = updates.findIndex((u) => u.services[0].activeColor === "green");
    const [sw, back, ...more] = updates.slice(switched);
    expect(more).toEqual([]);
    // Made active: blue held at the 2 pods kube-state-metrics reported, until the window's end.
    expect(sw.sizes).toEqual({ blue: 2, green: 2 });
    expect(sw.services[0].promotion).toMatchObject({ prescale: true, prescaleReplicas: 2 });
    // One update back: blue active again at its size, nothing started, all weight on blue.
    expect(back).toMatchObject({ sizes: { blue: 2, green: 1 }, grew: [], weights: { "warm-canary-blue": 100, "warm-canary-green": 0 } });
    expect(back.services[0]).toMatchObject({ activeColor: "blue" });
    expect(back.services[0].promotion).toBeUndefined();
    expect(back.at).toBeLessThan(Date.parse(sw.services[0].promotion.warmUntil));
    expect(await run.proxy.reportedWeights()).toEqual({ "warm-canary-blue": 100, "warm-canary-green": 0 });
    expect(unanswered(run, back.at + 200)).toEqual([]);
  }, 180_000);
});
