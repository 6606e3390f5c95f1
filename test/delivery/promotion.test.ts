import { describe, expect, it } from "vitest";
import { DEFAULT_ANALYSIS, type InstantQuery } from "../../tools/delivery/analysis";
import { formatResult, promote, PromotionError, rollback, type PromotionDeps, type PromotionResult, type StackOps } from "../../tools/delivery/promotion";

/**
 * A stand-in for the Automation API's Stack: config held as a value tree, `--path` keys
 * interpreted like the CLI (integers and booleans typed), every `up` recorded with the config
 * it would deploy. It does not pretend to deploy anything.
 */
class FakeStack implements StackOps {
  readonly ups: { message?: string; services: any[] }[] = [];
  readonly calls: string[] = [];
  upResult = "succeeded";
  constructor(public services: any[]) {}

  async getConfig(key: string): Promise<{ value: string }> {
    this.calls.push(`get ${key}`);
    if (key !== "services") throw new Error(`no config ${key}`);
    return { value: JSON.stringify(this.services) };
  }
  async setConfig(key: string, value: { value: string }, path?: boolean): Promise<void> {
    this.calls.push(`set ${key}=${value.value}`);
    expect(path).toBe(true);
    const v = /^-?\d+$/.test(value.value) ? Number(value.value) : value.value === "true" ? true : value.value === "false" ? false : value.value;
    this.walk(key, (o, k) => (o[k] = v));
  }
  async removeConfig(key: string, path?: boolean): Promise<void> {
    this.calls.push(`rm ${key}`);
    expect(path).toBe(true);
    this.walk(key, (o, k) => delete o[k]);
  }
  async up(opts?: { message?: string }): Promise<{ summary: { result: string } }> {
    this.calls.push(`up ${opts?.message}`);
    this.ups.push({ message: opts?.message, services: JSON.parse(JSON.stringify(this.services)) });
    return { summary: { result: this.upResult } };
  }
  private walk(key: string, fn: (o: any, k: string) => void): void {
    const segs = key.match(/[^.[\]]+/g)!;
    expect(segs[0]).toBe("services");
    let o: any = this.services;
    for (const s of segs.slice(1, -1)) o = o[s] ??= {};
    fn(o, segs[segs.length - 1]);
  }
}

interface World {
  /** Measured error ratio by `role/color` (as series labels; follows activeColor). */
  errorRatio: (role: string, color: string) => number;
  available: Record<string, number>;
  specReplicas: Record<string, number | undefined>;
}

function fakeQuery(stack: FakeStack, world: World): InstantQuery {
  return async (expr) => {
    const dep = /deployment="([^"]+)"/.exec(expr)?.[1];
    if (expr.includes("kube_deployment_spec_replicas")) return world.specReplicas[dep!];
    if (expr.includes("kube_deployment_status_replicas_available")) return world.available[dep!];
    const role = /role="(\w+)"/.exec(expr)![1];
    const color = /color="(\w+)"/.exec(expr)![1];
    if (expr.startsWith("sum(increase(")) return 3000;
    if (expr.startsWith("histogram_quantile")) return 0.08;
    return world.errorRatio(role, color);
  };
}

function setup(world: Partial<World> = {}) {
  const stack = new FakeStack([
    { name: "podinfo", activeColor: "blue", image: { blue: "podinfo:6.7.0", green: "podinfo:6.7.1" }, replicas: { min: 2, max: 6 } },
    { name: "orders-api", activeColor: "green", image: { blue: "o:2", green: "o:1" }, replicas: { min: 1, max: 3 }, promotion: { prescale: false } },
  ]);
  const w: World = { errorRatio: () => 0.001, available: { "podinfo-green": 4, "podinfo-blue": 4, "orders-api-blue": 1 }, specReplicas: { "podinfo-blue": 4 }, ...world };
  let clock = 1_000_000;
  const log: string[] = [];
  const deps: PromotionDeps = {
    stack,
    query: fakeQuery(stack, w),
    now: () => clock,
    sleep: async (ms) => void (clock += ms),
    log: (l) => log.push(l),
  };
  const req = {
    service: "podinfo",
    namespace: "apps",
    settings: { ...DEFAULT_ANALYSIS, watchSeconds: 180, watchIntervalSeconds: 60 },
    nonUserPaths: { metricsPath: "/metrics", probes: { liveness: { path: "/healthz" }, readiness: { path: "/readyz" } } },
    scaleDownDelaySeconds: 0,
  };
  return { stack, deps, req, log, world: w, tick: (ms: number) => (clock += ms), now: () => clock };
}

describe("promote", () => {
  it("pre-scales to the active size, gates, switches, watches through the warm window and scales the old colour down, in that order", async () => {
    const { stack, deps, req, log } = setup();
    const r = await promote(deps, req);
    expect(r.outcome).toBe("promoted");
    expect(r).toMatchObject({ from: "blue", to: "green" });
    expect(stack.calls.filter((c) => !c.startsWith("get"))).toEqual([
      "set services[0].promotion.prescale=true",
      "set services[0].promotion.prescaleReplicas=4",
      "up pre-scale podinfo-green to 4",
      "set services[0].activeColor=green",
      // The fake clock starts at 1,000 s after the epoch; the window is the 180 s watch: 1,180 s = 00:19:40.
      "set services[0].promotion.warmUntil=1970-01-01T00:19:40Z",
      "up podinfo: activeColor green",
      // The hold first; the window's end, this run's claim on it, last.
      "rm services[0].promotion.prescale",
      "rm services[0].promotion.prescaleReplicas",
      "rm services[0].promotion",
      "up podinfo: warm window over, blue to its idle size",
    ]);
    // The stack file is read again at every look of the watch (3), before the scale-down, before
    // removing the hold, to check the claim after it, and before removing the claim.
    const ups = stack.calls.flatMap((c, i) => (c.startsWith("up") ? [i] : []));
    expect(stack.calls.slice(ups[1] + 1, ups[2] + 1)).toEqual([
      "get services",
      "get services",
      "get services",
      "get services",
      "get services",
      "rm services[0].promotion.prescale",
      "rm services[0].promotion.prescaleReplicas",
      "get services",
      "get services",
      "rm services[0].promotion",
      "up podinfo: warm window over, blue to its idle size",
    ]);
    // The stack file ends as it began, except for the switch.
    expect(stack.services[0]).toEqual({ name: "podinfo", activeColor: "green", image: { blue: "podinfo:6.7.0", green: "podinfo:6.7.1" }, replicas: { min: 2, max: 6 } });
    expect(r.steps.map((s) => s.name)).toEqual([
      "measure podinfo-blue",
      "pre-scale podinfo-green to 4 (pulumi up)",
      "wait for 4 ready pods of podinfo-green",
      "analysis of preview green over 5m",
      "switch podinfo activeColor to green (pulumi up)",
      "warm window: watch active green for 180 s, podinfo-blue held at 4",
      "warm window over: scale podinfo-blue down to its idle size (pulumi up)",
    ]);
    // Three analyses while watching, one per 60 s interval, each printed with its timing.
    expect(r.steps.find((s) => s.name.startsWith("warm window:"))?.ms).toBe(180_000);
    expect(log.filter((l) => l.startsWith("  active green: PASS"))).toHaveLength(3);
    expect(log.some((l) => /^✓ switch podinfo activeColor to green \(pulumi up\) \(\d+\.\d s\)$/.test(l))).toBe(true);
    expect(formatResult(r)[0]).toBe("promoted: green is active (was blue)");
  });

  it("aborts before the switch when the preview colour fails the gate, and restores the prescale", async () => {
    const { stack, deps, req } = setup({ errorRatio: (role) => (role === "preview" ? 0.2 : 0.001) });
    const r = await promote(deps, req);
    expect(r.outcome).toBe("aborted");
    expect(r.reason).toMatch(/analysis gate failed before the switch: FAIL: .*FAILED error ratio 0\.2 > 0\.01/);
    expect(stack.calls.some((c) => c.includes("activeColor"))).toBe(false);
    expect(stack.services[0].activeColor).toBe("blue");
    expect(stack.services[0].promotion).toBeUndefined();
    expect(stack.ups.map((u) => u.message)).toEqual(["pre-scale podinfo-green to 4", "restore pre-scale settings"]);
  });

  it("rolls back in ONE update onto the old colour, still held at its size, when the new active colour fails in the warm window", async () => {
    // Healthy as a preview, failing once it takes production traffic.
    const { stack, deps, req } = setup({ errorRatio: (role, color) => (role === "active" && color === "green" ? 0.08 : 0.001) });
    const r = await promote(deps, req);
    expect(r).toMatchObject({ outcome: "rolled-back", rollback: "warm" });
    expect(r.reason).toMatch(/analysis failed after the switch/);
    expect(stack.ups.map((u) => [u.message, u.services[0].activeColor, u.services[0].promotion])).toEqual([
      ["pre-scale podinfo-green to 4", "blue", { prescale: true, prescaleReplicas: 4 }],
      // Through the window the idle colour (blue, the old one) is held at the 4 pods it served with.
      ["podinfo: activeColor green", "green", { prescale: true, prescaleReplicas: 4, warmUntil: "1970-01-01T00:19:40Z" }],
      // Back to blue and the release's settings gone, in the same update: no pre-scale, no wait.
      ["podinfo: analysis failed after the switch, warm rollback to blue", "blue", undefined],
    ]);
    // The first failed analysis, 60 s in, triggered it.
    expect(r.steps.find((s) => s.name.startsWith("warm window:"))?.ms).toBe(60_000);
    expect(formatResult(r)[0]).toMatch(/^rolled back \(warm\): blue is active again; analysis failed after the switch/);
  });

  it("holds the old colour for strategy.scaleDownDelaySeconds when it is longer than the watch, analysing all along", async () => {
    const { stack, deps, req, log } = setup();
    const r = await promote(deps, { ...req, scaleDownDelaySeconds: 1800 });
    expect(r.outcome).toBe("promoted");
    // 1,000 s + 1,800 s = 2,800 s after the epoch = 00:46:40.
    expect(stack.ups.map((u) => u.services[0].promotion)).toEqual([
      { prescale: true, prescaleReplicas: 4 },
      { prescale: true, prescaleReplicas: 4, warmUntil: "1970-01-01T00:46:40Z" },
      undefined,
    ]);
    expect(r.steps.find((s) => s.name.startsWith("warm window:"))).toMatchObject({ name: "warm window: watch active green for 1800 s, podinfo-blue held at 4", ms: 1_800_000 });
    // One analysis per 60 s interval for the whole window.
    expect(log.filter((l) => l.startsWith("  active green: PASS"))).toHaveLength(30);
  });

  it("does not carry a warm window left open by an unfinished release into the next one", async () => {
    const { stack, deps, req } = setup();
    // An earlier release was killed in its window: its hold and window end are still in the file.
    stack.services[0].promotion = { prescale: true, prescaleReplicas: 3, warmUntil: "1970-01-01T00:05:00Z" };
    const r = await promote(deps, req);
    expect(r.outcome).toBe("promoted");
    expect(stack.services[0].promotion).toBeUndefined();
  });

  it("keeps the original prescale settings of a service that had them", async () => {
    const { stack, deps, req } = setup({ specReplicas: {} });
    const r = await promote(deps, { ...req, service: "orders-api" });
    expect(r.outcome).toBe("promoted");
    // No kube-state-metrics figure: the active size falls back to replicas.min.
    expect(stack.calls).toContain("set services[1].promotion.prescaleReplicas=1");
    expect(stack.services[1].promotion).toEqual({ prescale: false });
    expect(stack.services[1].activeColor).toBe("blue");
  });

  it("stops with the reason when the idle colour never becomes ready", async () => {
    const { stack, deps, req } = setup({ available: { "podinfo-green": 1 } });
    await expect(promote(deps, { ...req, settings: { ...req.settings, readyTimeoutSeconds: 30 } })).rejects.toThrow("podinfo-green: 1 of 4 pods available after 30 s");
    expect(stack.calls.some((c) => c.includes("activeColor"))).toBe(false);
  });

  it("switches back and restores when the switching update fails", async () => {
    const { stack, deps, req } = setup();
    const realUp = stack.up.bind(stack);
    stack.up = async (opts) => {
      const r = await realUp(opts);
      return opts?.message === "podinfo: activeColor green" ? { summary: { result: "failed" } } : r;
    };
    await expect(promote(deps, req)).rejects.toThrow('the switch to green failed and blue is active again: pulumi up ended with "failed"');
    expect(stack.ups.map((u) => [u.message, u.services[0].activeColor])).toEqual([
      ["pre-scale podinfo-green to 4", "blue"],
      ["podinfo: activeColor green", "green"],
      ["podinfo: back to blue after a failed switch", "blue"],
      ["restore pre-scale settings", "blue"],
    ]);
  });

  it("stops when pulumi up does not succeed", async () => {
    const { stack, deps, req } = setup();
    stack.upResult = "failed";
    await expect(promote(deps, req)).rejects.toThrow('pulumi up ended with "failed"');
  });

  it("refuses an unknown service before changing anything", async () => {
    const { stack, deps, req } = setup();
    await expect(promote(deps, { ...req, service: "nope" })).rejects.toThrow(PromotionError);
    await expect(promote(deps, { ...req, service: "nope" })).rejects.toThrow('service "nope" is not in this stack\'s `services` (known: podinfo, orders-api)');
    expect(stack.ups).toEqual([]);
  });
});

describe("nothing staged", () => {
  it("refuses to promote or roll back between colours that run the same image", async () => {
    const { stack, deps, req } = setup();
    stack.services[0].image.green = stack.services[0].image.blue;
    await expect(promote(deps, req)).rejects.toThrow("nothing to promote: both colours of podinfo run podinfo:6.7.0; stage a release first by setting services[0].image.green");
    await expect(rollback(deps, req)).rejects.toThrow(/^nothing to roll back: /);
    // A build for the idle colour is a staged release even with equal image references.
    stack.services[0].build = { color: "green" };
    await expect(promote(deps, req)).resolves.toMatchObject({ outcome: "promoted" });
    expect(stack.ups.map((u) => u.message)[0]).toBe("pre-scale podinfo-green to 4");
  });
});

describe("rollback", () => {
  it("with no warm window open, is cold: pre-scales the previous colour, awaits it, switches without a gate, and restores", async () => {
    const { stack, deps, req, log } = setup({ errorRatio: () => 0.5 });
    const r = await rollback(deps, req);
    expect(r).toMatchObject({ outcome: "switched-back", rollback: "cold" });
    expect(stack.services[0].activeColor).toBe("green");
    expect(stack.ups.map((u) => u.message)).toEqual(["pre-scale podinfo-green to 4", "podinfo: activeColor green", "restore pre-scale settings"]);
    expect(r.steps.map((s) => s.name)).toContain("wait for 4 ready pods of podinfo-green");
    expect(r.steps.some((s) => s.name.startsWith("analysis"))).toBe(false);
    expect(log).toContain("  cold rollback: no warm window is open, so podinfo-green may run fewer pods than podinfo-blue: it is pre-scaled and awaited Ready before traffic moves");
    expect(formatResult(r)[0]).toBe("rolled back (cold): green is active (was blue)");
  });

  // After `platform promote` switched podinfo from green to blue and was stopped in the window.
  const afterSwitch = (warmUntil: string) => ({
    name: "podinfo", activeColor: "blue", image: { blue: "podinfo:6.7.1", green: "podinfo:6.7.0" }, replicas: { min: 2, max: 6 },
    promotion: { prescale: true, prescaleReplicas: 4, warmUntil },
  });

  it("inside the warm window, is one update onto the old colour still held at its size: no pre-scale, no wait", async () => {
    const { stack, deps, req, log } = setup();
    // The clock reads 1,000 s after the epoch (00:16:40); the window ends at 00:46:40.
    stack.services[0] = afterSwitch("1970-01-01T00:46:40Z");
    const r = await rollback(deps, req);
    expect(r).toMatchObject({ outcome: "switched-back", rollback: "warm", from: "blue", to: "green" });
    expect(stack.ups.map((u) => [u.message, u.services[0].activeColor, u.services[0].promotion])).toEqual([
      ["podinfo: platform rollback in the warm window, warm rollback to green", "green", undefined],
    ]);
    // Read, read again right before writing, write, read once more right before the update.
    expect(stack.calls).toEqual([
      "get services",
      "get services",
      "set services[0].activeColor=green",
      "get services",
      "rm services[0].promotion",
      "get services",
      "up podinfo: platform rollback in the warm window, warm rollback to green",
    ]);
    expect(log).toContain("  warm rollback: podinfo-green is held at 4 pods until 1970-01-01T00:46:40Z");
    expect(formatResult(r)[0]).toBe("rolled back (warm): green is active (was blue)");
  });

  it("after the warm window, is cold again and says so; the expired window is not put back", async () => {
    const { stack, deps, req, log } = setup({ specReplicas: { "podinfo-blue": 5 }, available: { "podinfo-green": 5 } });
    stack.services[0] = afterSwitch("1970-01-01T00:10:00Z");
    const r = await rollback(deps, req);
    expect(r).toMatchObject({ outcome: "switched-back", rollback: "cold" });
    expect(log).toContain("  cold rollback: the warm window ended at 1970-01-01T00:10:00Z, so podinfo-green may run fewer pods than podinfo-blue: it is pre-scaled and awaited Ready before traffic moves");
    expect(stack.ups.map((u) => [u.message, u.services[0].activeColor, u.services[0].promotion])).toEqual([
      // The expired window's claim is taken away first (a promote still running then leaves both colours alone).
      ["pre-scale podinfo-green to 5", "blue", { prescale: true, prescaleReplicas: 5 }],
      ["podinfo: activeColor green", "green", { prescale: true, prescaleReplicas: 5 }],
      ["restore pre-scale settings", "green", undefined],
    ]);
  });
});

describe("a platform rollback racing a running promote's warm window", () => {
  const LEAVE = "leaving both colours as they are";

  it("the promote sees the rollback at its next look at the stack file, changes nothing more and says why", async () => {
    const { stack, deps, req } = setup();
    let second: PromotionResult | undefined;
    // The other terminal: its rollback runs while the promote sleeps between two looks.
    const racing: PromotionDeps = {
      ...deps,
      sleep: async (ms) => {
        await deps.sleep(ms);
        if (!second && stack.services[0].promotion?.warmUntil) second = await rollback({ ...deps, log: () => {} }, req);
      },
    };
    const r = await promote(racing, { ...req, scaleDownDelaySeconds: 1800 });
    expect(second).toMatchObject({ outcome: "switched-back", rollback: "warm", from: "green", to: "blue" });
    expect(r).toMatchObject({ outcome: "overridden", reason: `activeColor was changed to blue during the warm window (platform rollback?): ${LEAVE}` });
    // The rollback's update is the last: blue active, its hold and the window gone.
    expect(stack.ups.map((u) => [u.message, u.services[0].activeColor, u.services[0].promotion])).toEqual([
      ["pre-scale podinfo-green to 4", "blue", { prescale: true, prescaleReplicas: 4 }],
      ["podinfo: activeColor green", "green", { prescale: true, prescaleReplicas: 4, warmUntil: "1970-01-01T00:46:40Z" }],
      ["podinfo: platform rollback in the warm window, warm rollback to blue", "blue", undefined],
    ]);
    // It stopped watching at once: one 60 s interval, not the 1,800 s window.
    expect(r.steps.find((x) => x.name.startsWith("warm window:"))?.ms).toBe(60_000);
    expect(formatResult(r)[0]).toBe(`overridden in the warm window after the switch to green: activeColor was changed to blue during the warm window (platform rollback?): ${LEAVE}`);
  });

  it("an update from another copy of the stack file is seen in the deployed activeColors output", async () => {
    const { stack, deps, req } = setup();
    let deployed = "";
    const ops: StackOps = Object.assign(stack, {
      // The program's output as the last update left it (stacks/platform.ts).
      outputs: async () => ({ activeColors: { value: { podinfo: { active: deployed || stack.ups.at(-1)!.services[0].activeColor, service: "podinfo", preview: "podinfo-preview" } } } }),
    });
    const racing: PromotionDeps = {
      ...deps,
      stack: ops,
      sleep: async (ms) => {
        await deps.sleep(ms);
        // A laptop's `platform rollback` on its own copy: this file still says green, the stack runs blue.
        if (stack.services[0].promotion?.warmUntil) deployed = "blue";
      },
    };
    const r = await promote(racing, { ...req, scaleDownDelaySeconds: 1800 });
    expect(r.outcome).toBe("overridden");
    expect(r.reason).toBe(
      `the stack's last update made blue active, not green (platform rollback from another copy of the stack file?): ${LEAVE}; this copy of the stack file now names blue too, as deployed, without the release's hold (no pulumi up): commit it`,
    );
    expect(stack.ups.map((u) => u.message)).toEqual(["pre-scale podinfo-green to 4", "podinfo: activeColor green"]);
    // This copy now says what runs, so that recording it does not flip traffic back at the next update.
    expect(stack.services[0]).toEqual({ name: "podinfo", activeColor: "blue", image: { blue: "podinfo:6.7.0", green: "podinfo:6.7.1" }, replicas: { min: 2, max: 6 } });
  });

  it("a cold rollback that takes the window over while the promote closes it stops the promote's update", async () => {
    const { stack, deps, req } = setup();
    const remove = stack.removeConfig.bind(stack);
    stack.removeConfig = async (key, path) => {
      await remove(key, path);
      // Right after the promote removed its hold, the other terminal's cold rollback (the window
      // has ended) removes warmUntil, its first write.
      if (key === "services[0].promotion.prescaleReplicas") delete stack.services[0].promotion.warmUntil;
    };
    const r = await promote(deps, req);
    expect(r).toMatchObject({ outcome: "overridden", reason: `promotion.warmUntil was removed during the warm window (platform rollback or another release?): ${LEAVE}` });
    expect(stack.ups.map((u) => u.message)).toEqual(["pre-scale podinfo-green to 4", "podinfo: activeColor green"]);
    expect(r.steps.at(-1)).toMatchObject({ name: "warm window over: scale podinfo-blue down to its idle size (pulumi up)", ok: false });
  });

  it("a rollback that sets activeColor while the promote closes its window stops the promote's update", async () => {
    const { stack, deps, req } = setup();
    const remove = stack.removeConfig.bind(stack);
    stack.removeConfig = async (key, path) => {
      await remove(key, path);
      // Right after the promote removed its hold, the other terminal's rollback sets activeColor.
      if (key === "services[0].promotion.prescaleReplicas") stack.services[0].activeColor = "blue";
    };
    const r = await promote(deps, req);
    expect(r).toMatchObject({ outcome: "overridden", reason: `activeColor was changed to blue during the warm window (platform rollback?): ${LEAVE}` });
    expect(stack.ups.map((u) => u.message)).toEqual(["pre-scale podinfo-green to 4", "podinfo: activeColor green"]);
    expect(r.steps.at(-1)).toMatchObject({ name: "warm window over: scale podinfo-blue down to its idle size (pulumi up)", ok: false });
  });

  // After `platform promote` switched podinfo from green to blue.
  const afterSwitch = (warmUntil: string) => ({
    name: "podinfo", activeColor: "blue", image: { blue: "podinfo:6.7.1", green: "podinfo:6.7.0" }, replicas: { min: 2, max: 6 },
    promotion: { prescale: true, prescaleReplicas: 4, warmUntil },
  });

  it("a rollback with less than 15 s of the window left goes the cold way: the promote may be scaling the old colour down", async () => {
    const { stack, deps, req, log } = setup();
    // 00:16:40 now, the window ends 10 s later.
    stack.services[0] = afterSwitch("1970-01-01T00:16:50Z");
    const r = await rollback(deps, req);
    expect(r).toMatchObject({ outcome: "switched-back", rollback: "cold" });
    expect(log).toContain(
      "  cold rollback: the warm window ends at 1970-01-01T00:16:50Z, in less than 15 s, when the release's last update may shrink podinfo-green, so podinfo-green may run fewer pods than podinfo-blue: it is pre-scaled and awaited Ready before traffic moves",
    );
    // It takes the window over first (the promote checks for it right before its last update), then pre-scales.
    expect(stack.calls.filter((c) => !c.startsWith("get")).slice(0, 3)).toEqual([
      "rm services[0].promotion.warmUntil",
      "set services[0].promotion.prescale=true",
      "set services[0].promotion.prescaleReplicas=4",
    ]);
    expect(stack.ups.map((u) => u.message)).toEqual(["pre-scale podinfo-green to 4", "podinfo: activeColor green", "restore pre-scale settings"]);
  });

  it("a rollback that finds the window closed when it reads the file again right before writing goes the cold way", async () => {
    const { stack, deps, req, log } = setup();
    stack.services[0] = afterSwitch("1970-01-01T00:46:40Z");
    const get = stack.getConfig.bind(stack);
    let reads = 0;
    stack.getConfig = async (key) => {
      // Between the rollback's first read and its second, the promote closed its window.
      if (++reads === 2) delete stack.services[0].promotion.warmUntil;
      return get(key);
    };
    const r = await rollback(deps, req);
    expect(r).toMatchObject({ outcome: "switched-back", rollback: "cold" });
    expect(log).toContain("  the stack file changed since it was read (activeColor blue, promotion.warmUntil none): reading it again, and going the cold way");
    expect(stack.ups.map((u) => [u.message, u.services[0].activeColor])).toEqual([
      ["pre-scale podinfo-green to 4", "blue"],
      ["podinfo: activeColor green", "green"],
      ["restore pre-scale settings", "green"],
    ]);
  });
});
