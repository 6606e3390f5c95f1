// The release orchestration at its seams: a stack whose config edits and `pulumi up`s are
// recorded (nothing pretends to deploy), a Prometheus answering from what the current weights
// would produce, a fake clock. Expected sequences are the contract: backup, migration,
// smoke test, then 10 → 50 → 100 with an analysis each, and one update back on any failure.
import { describe, expect, it } from "vitest";
import { DEFAULT_ANALYSIS, type InstantQuery } from "../../tools/delivery/analysis";
import { release, releaseSlackMessage, releaseSummary, runSmokeTest, SLACK_TEXT_LIMIT, type ReleaseOps, type ReleaseRequest } from "../../tools/delivery/canary";
import type { PromotionDeps, StackOps } from "../../tools/delivery/promotion";
import { slackViolations } from "../../tools/harness/contracts";

class RecordingStack implements StackOps {
  readonly ups: { message?: string; services: any[] }[] = [];
  failUp?: (services: any[]) => string | undefined;
  constructor(public services: any[]) {}
  async getConfig(key: string) {
    if (key !== "services") throw new Error(`no config ${key}`);
    return { value: JSON.stringify(this.services) };
  }
  async setConfig(key: string, value: { value: string }) {
    const v = /^-?\d+$/.test(value.value) ? Number(value.value) : value.value === "true" ? true : value.value === "false" ? false : value.value;
    this.walk(key, (o, k) => (o[k] = v));
  }
  async removeConfig(key: string) {
    this.walk(key, (o, k) => delete o[k]);
  }
  async up(opts?: { message?: string }) {
    const services = structuredClone(this.services);
    this.ups.push({ message: opts?.message, services });
    const failed = this.failUp?.(services);
    if (failed) throw new Error(failed);
    return { summary: { result: "succeeded" } };
  }
  private walk(key: string, fn: (o: any, k: string) => void) {
    const segs = key.match(/[^.[\]]+/g)!;
    let o: any = this.services;
    for (const s of segs.slice(1, -1)) o = o[s] ??= {};
    fn(o, segs[segs.length - 1]);
  }
}

const entry = () => ({ name: "orders-api", activeColor: "blue", image: { blue: "o:2.13.0", green: "o:2.14.0" }, replicas: { min: 2, max: 6 } });

function world(
  opts: {
    errorRatioAt?: (weight: number) => number;
    latencyAt?: (weight: number) => number;
    requests?: number;
    smoke?: Record<string, number>;
    /** Error ratio of green once it is the active colour (the warm window). */
    activeErrorRatio?: number;
    /** kube-state-metrics' spec replicas of blue (the old colour's size). */
    blueReplicas?: number;
  } = {},
) {
  const stack = new RecordingStack([entry()]);
  let clock = 0;
  const log: string[] = [];
  const events: string[] = [];
  const weight = () => stack.services[0].promotion?.canaryWeight ?? 0;
  const query: InstantQuery = async (expr) => {
    if (expr.includes("kube_deployment_spec_replicas")) {
      expect(expr).toContain('deployment="orders-api-blue"');
      return opts.blueReplicas;
    }
    const active = stack.services[0].activeColor === "green";
    // Before the switch the gate reads green as the preview, in the warm window as the active colour.
    expect(expr).toContain(active ? 'role="active",color="green"' : 'role="preview",color="green"');
    if (expr.startsWith("sum(increase(")) return opts.requests ?? 1000;
    if (active) return expr.startsWith("histogram_quantile") ? 0.05 : (opts.activeErrorRatio ?? 0);
    if (expr.startsWith("histogram_quantile")) return opts.latencyAt?.(weight()) ?? 0.05;
    return opts.errorRatioAt?.(weight()) ?? 0;
  };
  const deps: PromotionDeps = { stack, query, now: () => clock, sleep: async (ms) => void (clock += ms), log: (l) => log.push(l) };
  const ops: ReleaseOps = {
    runBackup: async () => (events.push("backup"), "backup job orders-backup-manual succeeded"),
    migrationLogs: async () => 'ERROR:  column "total" of relation "orders" already exists',
    httpStatus: async (url) => (events.push(`GET ${url}`), opts.smoke?.[url] ?? 200),
  };
  stack.failUp = () => (events.push(`up w=${weight()} migrate=${stack.services[0].promotion?.migrate ?? false} active=${stack.services[0].activeColor}`), undefined);
  return { stack, deps, ops, log, events, clock: () => clock };
}

const request = (extra: Partial<ReleaseRequest> = {}): ReleaseRequest => ({
  service: "orders-api",
  namespace: "apps",
  settings: { ...DEFAULT_ANALYSIS, watchIntervalSeconds: 30 },
  nonUserPaths: { metricsPath: "/metrics", probes: { liveness: { path: "/healthz" }, readiness: { path: "/readyz" } } },
  strategy: "canary",
  steps: [10, 50, 100],
  dwellSeconds: 120,
  prescale: false,
  scaleDownDelaySeconds: 0,
  backup: true,
  migration: "schema",
  smokeTest: { baseUrl: "https://orders-preview.example.com", requests: [{ path: "/ready", status: 200 }, { path: "/nope", status: 404 }], timeoutSeconds: 5 },
  ...extra,
});

describe("a canary release", () => {
  it("backs up, migrates, smoke-tests, then walks 10 → 50 → 100 and makes the new colour active", async () => {
    const w = world({ smoke: { "https://orders-preview.example.com/nope": 404 } });
    const r = await release(w.deps, w.ops, request());
    expect(r.outcome).toBe("promoted");
    expect(w.events).toEqual([
      "backup",
      "up w=0 migrate=true active=blue",
      "GET https://orders-preview.example.com/ready",
      "GET https://orders-preview.example.com/nope",
      "up w=10 migrate=true active=blue",
      "up w=50 migrate=true active=blue",
      "up w=100 migrate=true active=blue",
      // One update: the new colour active, the release's settings gone (weight 0 = all to active).
      "up w=0 migrate=false active=green",
    ]);
    expect(w.stack.services[0]).toEqual({ ...entry(), activeColor: "green" });
    expect(r.trafficSteps.map((t) => [t.weight, t.ok])).toEqual([[10, true], [50, true], [100, true]]);
    // Each step dwells its 120 s: 3 x 120 s on the fake clock.
    expect(w.clock()).toBe(360_000);
  });

  it("rolls back at the step whose analysis fails, in one update, and says which and why", async () => {
    const w = world({ errorRatioAt: (weight) => (weight >= 50 ? 0.2 : 0), smoke: { "https://orders-preview.example.com/nope": 404 } });
    const r = await release(w.deps, w.ops, request());
    expect(r.outcome).toBe("rolled-back");
    expect(r.failedAt).toBe("step 2/3 (50 %)");
    expect(r.reason).toContain("FAILED error ratio 0.2 > 0.01");
    expect(w.events.slice(-2)).toEqual(["up w=50 migrate=true active=blue", "up w=0 migrate=false active=blue"]);
    expect(w.stack.services[0]).toEqual(entry());
    // The failure is measured at the first analysis, 30 s into the step, not after its 120 s dwell.
    expect(r.rollbackMs).toBe(30_000);
    expect(releaseSummary(r, "production")).toContain("step 2/3 (50 %) failed; all traffic back on blue (30.0 s from the step's start)");
  });

  it("fails a slow colour on latency", async () => {
    const w = world({ latencyAt: (weight) => (weight > 0 ? 1.2 : 0.05), smoke: { "https://orders-preview.example.com/nope": 404 } });
    const r = await release(w.deps, w.ops, request());
    expect(r.outcome).toBe("rolled-back");
    expect(r.failedAt).toBe("step 1/3 (10 %)");
    expect(r.reason).toContain("FAILED latency p99 1.2s > 0.5s");
  });

  it("does not move traffic when the migration fails, and shows its logs", async () => {
    const w = world();
    w.stack.failUp = (s) => {
      w.events.push(`up w=${s[0].promotion?.canaryWeight ?? 0} migrate=${s[0].promotion?.migrate ?? false}`);
      return s[0].promotion?.migrate ? "kubernetes:batch/v1:Job orders-api-schema-1a2b3c4d: Job failed: BackoffLimitExceeded" : undefined;
    };
    const r = await release(w.deps, w.ops, request());
    expect(r.outcome).toBe("aborted");
    expect(r.failedAt).toBe("migration");
    expect(r.reason).toContain("BackoffLimitExceeded");
    expect(r.reason).toContain('column "total" of relation "orders" already exists');
    expect(w.events).toEqual(["backup", "up w=0 migrate=true", "up w=0 migrate=false"]);
  });

  it("does not move traffic when the smoke test fails", async () => {
    const w = world({ smoke: { "https://orders-preview.example.com/ready": 503, "https://orders-preview.example.com/nope": 404 } });
    const r = await release(w.deps, w.ops, request());
    expect(r.outcome).toBe("aborted");
    expect(r.failedAt).toBe("smoke test");
    expect(r.reason).toBe("the smoke test failed: GET https://orders-preview.example.com/ready answered 503, expected 200");
    expect(w.events.filter((e) => e.startsWith("up w=10"))).toEqual([]);
  });

  it("needs evidence at the end of a step: too little traffic is not a pass", async () => {
    const w = world({ requests: 20, smoke: { "https://orders-preview.example.com/nope": 404 } });
    const r = await release(w.deps, w.ops, request({ backup: false, migration: undefined, smokeTest: undefined }));
    expect(r.outcome).toBe("rolled-back");
    expect(r.failedAt).toBe("step 1/3 (10 %)");
    expect(r.reason).toContain("20 requests < 100 needed");
    // It waited the whole dwell for traffic before giving up.
    expect(r.rollbackMs).toBe(120_000);
  });

  it("skips the backup outside production and runs no migration the service does not have", async () => {
    const w = world();
    const r = await release(w.deps, w.ops, request({ backup: false, migration: undefined, smokeTest: undefined, steps: [100] }));
    expect(r.outcome).toBe("promoted");
    expect(w.events).toEqual(["up w=100 migrate=false active=blue", "up w=0 migrate=false active=green"]);
  });
});

describe("smoke test", () => {
  it("reports every request that answered another status or nothing", async () => {
    const ops: ReleaseOps = {
      runBackup: async () => "",
      migrationLogs: async () => "",
      httpStatus: async (url) => {
        if (url.endsWith("/down")) throw new Error("connect ECONNREFUSED");
        return url.endsWith("/a") ? 200 : 500;
      },
    };
    expect(await runSmokeTest(ops, { baseUrl: "http://x/", requests: [{ path: "/a", status: 200 }, { path: "/b", status: 200 }, { path: "/down", status: 200 }], timeoutSeconds: 1 })).toEqual([
      "GET http://x/b answered 500, expected 200",
      "GET http://x/down failed: connect ECONNREFUSED",
    ]);
  });
});

describe("the warm window after a canary's last step", () => {
  const smoke = { "https://orders-preview.example.com/nope": 404 };

  it("makes the new colour active while the old one keeps its measured size, watches it for the delay, then scales the old one down", async () => {
    const w = world({ smoke, blueReplicas: 5 });
    const r = await release(w.deps, w.ops, request({ scaleDownDelaySeconds: 600 }));
    expect(r.outcome).toBe("promoted");
    expect(w.events.slice(-3)).toEqual(["up w=100 migrate=true active=blue", "up w=0 migrate=false active=green", "up w=0 migrate=false active=green"]);
    // The switch holds blue at the 5 pods kube-state-metrics reported; it ends 600 s after the
    // switch, which the fake clock reads at 3 x 120 s of dwell = 360 s: 960 s = 00:16:00.
    expect(w.stack.ups.slice(-2).map((u) => u.services[0].promotion)).toEqual([{ prescale: true, prescaleReplicas: 5, warmUntil: "1970-01-01T00:16:00Z" }, undefined]);
    expect(w.stack.services[0]).toEqual({ ...entry(), activeColor: "green" });
    expect(w.clock()).toBe(960_000);
    expect(r.steps.map((s) => s.name).slice(-3)).toEqual([
      "make green active, hold orders-api-blue at 5 for 600 s (pulumi up)",
      "warm window: watch active green for 600 s",
      "warm window over: scale orders-api-blue down to its idle size (pulumi up)",
    ]);
  });

  it("rolls back in one update onto the old colour when the new one fails in the window", async () => {
    const w = world({ smoke, activeErrorRatio: 0.2 });
    const r = await release(w.deps, w.ops, request({ scaleDownDelaySeconds: 600 }));
    expect(r).toMatchObject({ outcome: "rolled-back", rollback: "warm", failedAt: "warm window after the switch" });
    expect(r.reason).toContain("FAILED error ratio 0.2 > 0.01");
    // No kube-state-metrics figure: blue is held at replicas.min (2); the rollback is the next update.
    expect(w.stack.ups.slice(-2).map((u) => [u.services[0].activeColor, u.services[0].promotion])).toEqual([
      ["green", { prescale: true, prescaleReplicas: 2, warmUntil: "1970-01-01T00:16:00Z" }],
      ["blue", undefined],
    ]);
    expect(w.stack.services[0]).toEqual(entry());
    // Measured at the first analysis, one 30 s interval into the window.
    expect(w.clock()).toBe(390_000);
  });

  it("leaves both colours alone when a platform rollback ran in the window, and the summaries say so", async () => {
    const { rollback } = await import("../../tools/delivery/promotion");
    const w = world({ smoke, blueReplicas: 5 });
    let rolledBack = false;
    // Another terminal's `platform rollback` while the release sleeps in its window.
    const racing: PromotionDeps = {
      ...w.deps,
      sleep: async (ms) => {
        await w.deps.sleep(ms);
        if (!rolledBack && w.stack.services[0].promotion?.warmUntil) {
          rolledBack = true;
          await rollback({ ...w.deps, log: () => {} }, request());
        }
      },
    };
    const r = await release(racing, w.ops, request({ scaleDownDelaySeconds: 600 }));
    const reason = "activeColor was changed to blue during the warm window (platform rollback?): leaving both colours as they are";
    expect(r).toMatchObject({ outcome: "overridden", reason, failedAt: undefined });
    // The rollback's update (blue, its hold gone) is the last; nothing scaled blue down after it.
    expect(w.stack.ups.slice(-2).map((u) => [u.message, u.services[0].activeColor, u.services[0].promotion])).toEqual([
      ["orders-api: green is active, blue held at 5", "green", { prescale: true, prescaleReplicas: 5, warmUntil: "1970-01-01T00:16:00Z" }],
      ["orders-api: platform rollback in the warm window, warm rollback to blue", "blue", undefined],
    ]);
    expect(releaseSummary(r, "staging").split("\n")[0]).toBe(`⚠️ **orders-api** on \`staging\`: green was made active, then changed by someone else in the warm window; ${reason}`);
    expect(releaseSlackMessage(r, "staging").text.split("\n")[0]).toBe(`:warning: *orders-api* on \`staging\`: green was made active, then changed by someone else in the warm window; ${reason}`);
  });
});

describe("rollback of a canary stopped half-way", () => {
  it("takes the weight away in one update and keeps the active colour", async () => {
    const { rollback } = await import("../../tools/delivery/promotion");
    const w = world();
    w.stack.services[0].promotion = { canaryWeight: 50, migrate: true };
    const r = await rollback(w.deps, { service: "orders-api", namespace: "apps", settings: DEFAULT_ANALYSIS, nonUserPaths: { metricsPath: "/metrics", probes: { liveness: { path: "/healthz" }, readiness: { path: "/readyz" } } }, scaleDownDelaySeconds: 0 });
    expect(r.outcome).toBe("switched-back");
    expect(r.to).toBe("blue");
    expect(w.events).toEqual(["up w=0 migrate=false active=blue"]);
    expect(w.stack.services[0]).toEqual(entry());
  });
});

describe("the Slack message of a release", () => {
  it("is a payload Slack's incoming webhooks accept, naming the failed step", async () => {
    const w = world({ errorRatioAt: (weight) => (weight >= 50 ? 0.2 : 0), smoke: { "https://orders-preview.example.com/nope": 404 } });
    const r = await release(w.deps, w.ops, request());
    const msg = releaseSlackMessage(r, "production");
    expect(slackViolations(msg)).toEqual([]);
    expect(msg.text.split("\n")[0]).toBe(":x: *orders-api* on `production`: step 2/3 (50 %) failed; all traffic back on blue");
  });
  it("is cut to Slack's text limit", () => {
    const msg = releaseSlackMessage({ outcome: "aborted", service: "s", strategy: "canary", from: "blue", to: "green", steps: [], trafficSteps: [], failedAt: "migration", reason: "x".repeat(50_000) }, "staging");
    expect(msg.text.length).toBe(SLACK_TEXT_LIMIT);
    expect(slackViolations(msg)).toEqual([]);
  });
});
