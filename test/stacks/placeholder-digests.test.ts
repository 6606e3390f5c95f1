// The placeholder digest (all zeros, which no manifest hashes to) lets the committed example
// stacks render offline; a real preview or update must stop on it before anything is planned,
// because every pod that runs it would sit in ErrImagePull. "Real" is told apart from the offline
// render the only way the program can: the resource monitor is not Pulumi's MockMonitor. Here an
// object that records every call stands in for the engine's monitor, as a real `pulumi preview`
// would connect one.
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { describe, expect, it } from "vitest";
import { readStackConfig } from "../../tools/render/stack-files";
import { REPO_ROOT } from "../../tools/render/paths";

describe("a real preview of a stack that carries placeholder digests", () => {
  it("stops with one line per key and the pin-images command, having registered nothing", async () => {
    const calls: string[] = [];
    const engineMonitor = new Proxy(
      {},
      {
        get: (_t, prop) => (prop === "then" ? undefined : (..._args: unknown[]) => void calls.push(String(prop))),
      },
    );
    const stack = readStackConfig(REPO_ROOT, "production");
    settings.setMockOptions(engineMonitor, stack.project, "production", true);
    pulumi.runtime.setAllConfig(stack.config, stack.secretKeys);
    const mod = (await import("../../stacks/index")) as unknown as { default: () => Promise<unknown> };
    const program = mod.default;
    const error = await program().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(pulumi.RunError);
    const lines = error!.message.split("\n").filter((l) => l.startsWith("  - "));
    // The keys of Pulumi.production.yaml that hold the all-zero digest: orders-api's two colours
    // (a fictional registry) and the four third-party images with no confirmed digest.
    expect(lines.map((l) => /app-platform:(\S+)/.exec(l)![1])).toEqual([
      "services[1].image.blue",
      "services[1].image.green",
      "images.prometheusOperator",
      "images.prometheusConfigReloader",
      "images.grafanaSidecar",
      "images.redisExporter",
    ]);
    for (const l of lines) expect(l).toContain("run `platform pin-images production` where the registry is reachable");
    expect(calls).toEqual([]);
  });
});
