import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { findOnPath, pulumiError, runPromotion } from "../../../tools/commands/promote";
import { CommandError } from "../../../tools/commands/shared";
import { freePort, tempDir } from "../../../tools/harness/processes";
import type { StackOps } from "../../../tools/delivery/promotion";
import { platform, ROOT } from "./cli-support";

describe("promote and rollback start, and stop where the Pulumi CLI or the cluster is needed", () => {
  it("refuses an unknown service from the stack file before looking for the Pulumi CLI", async () => {
    const r = await platform(["promote", "staging", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('service "nope" is not in Pulumi.staging.yaml (known: podinfo, orders-api)');
  });

  it("quotes the Pulumi CLI's own complaint from a real Automation API error", async () => {
    // The Automation API run where `pulumi` cannot be found: its real error text.
    const { LocalWorkspace } = createRequire(path.join(ROOT, "package.json"))("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
    const saved = process.env.PATH;
    process.env.PATH = tempDir("empty-path");
    let message = "";
    try {
      await LocalWorkspace.selectStack({ stackName: "staging", workDir: ROOT });
    } catch (e) {
      message = (e as Error).message;
    } finally {
      process.env.PATH = saved;
    }
    expect(message).toContain("spawn pulumi ENOENT");
    expect(pulumiError(message)).toBe("spawn pulumi ENOENT");
  });

  it("finds programs on a PATH value and not elsewhere", () => {
    expect(findOnPath("node", path.dirname(process.execPath))).toBe(process.execPath);
    expect(findOnPath("node", tempDir("empty-path"))).toBeUndefined();
  });

  it("says how to reach Prometheus in the cluster when it cannot be queried, having changed nothing", async () => {
    const calls: string[] = [];
    const fake: StackOps = {
      getConfig: async () => ({ value: JSON.stringify([{ name: "podinfo", activeColor: "blue", image: { blue: "p:1", green: "p:2" }, replicas: { min: 1 } }]) }),
      setConfig: async (k) => void calls.push(`set ${k}`),
      removeConfig: async (k) => void calls.push(`rm ${k}`),
      up: async () => (calls.push("up"), { summary: { result: "succeeded" } }),
    };
    const closed = `http://127.0.0.1:${await freePort()}`;
    const err = await runPromotion("promote", ["staging", "podinfo", "--prometheus", closed], async () => fake).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err.message.split("\n").at(-1)).toBe(
      "Prometheus runs in the cluster: forward it with `kubectl -n monitoring port-forward svc/prometheus-operated 9090:9090`, or pass --prometheus URL (or set PROMETHEUS_URL).",
    );
    expect(calls).toEqual([]);
  });
});
