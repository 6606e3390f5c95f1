// The Pulumi entry point itself (stacks/index.ts), run under mocks as `pulumi up` would run it:
// an invalid config throws a RunError (printed by Pulumi without a stack trace) listing every
// problem, before a single resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../stacks/config";
import { baseValues, edited, load, rawConfig, secretKeysOf, type StackValues } from "./fixtures";
import { mockRepoDigest } from "../../tools/render/mock-runtime";

const registered: string[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(`${args.type}::${args.name}`);
        // @pulumi/docker's Image reports the pushed manifest as repoDigest; the program runs
        // images by that digest and stops when a push reports none.
        const pushed = args.type === "docker:index/image:Image" ? { repoDigest: mockRepoDigest(String(args.inputs.imageName)) } : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...pushed } };
      },
      call: () => ({}),
    },
    "app-platform",
    "unit",
    false,
  );
});

async function runProgram(values: StackValues, plaintext: readonly string[] = []): Promise<unknown> {
  pulumi.runtime.setAllConfig(rawConfig(values), [...secretKeysOf(values, plaintext)]);
  const program = (await import("../../stacks/index")).default as unknown as () => Promise<unknown>;
  return program();
}

function expectedMessage(values: StackValues, plaintext: readonly string[] = []): string {
  try {
    load(values, plaintext);
  } catch (e) {
    if (e instanceof ConfigError) return e.message.replace('stack "test"', 'stack "unit"');
  }
  throw new Error("values are valid");
}

describe("stacks/index.ts with an invalid config", () => {
  const bad: [string, StackValues, string[]][] = [
    ["a schema problem", edited("dev", (v) => (v.clusterPlatform = "minikube")), []],
    ["a plaintext credential", baseValues("staging"), ["postgresPassword"]],
    [
      "several production rule problems",
      edited("production", (v) => {
        v.services[0].image.blue = "ghcr.io/org/web:latest";
        delete v.backup.objectLock;
      }),
      [],
    ],
  ];

  it.each(bad)("throws a RunError listing every problem for %s, and registers nothing", async (_name, values, plaintext) => {
    const before = registered.length;
    let error: unknown;
    try {
      await runProgram(values, plaintext);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as Error).message).toBe(expectedMessage(values, plaintext));
    expect(registered.length - before).toBe(0);
  });
});

describe("stacks/index.ts with a valid config", () => {
  // Last in this file: it registers the whole dev platform in this process.
  it("registers resources (so the count above can tell)", async () => {
    await runProgram(baseValues("dev"));
    for (let last = -1; last !== registered.length; ) {
      last = registered.length;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(registered.length).toBeGreaterThan(5);
    expect(registered).toContain("kubernetes:core/v1:Namespace::platform-ns-apps");
  });
});
