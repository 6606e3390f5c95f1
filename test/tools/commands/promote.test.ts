import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { findOnPath, pulumiError } from "../../../tools/commands/promote";
import { tempDir } from "../../../tools/harness/processes";
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
});
