import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { policyStage } from "../../tools/check/policy";
import { checkStackPolicies } from "../../tools/policy";
import type { CheckContext } from "../../tools/check/stage";
import { tempDir } from "../../tools/harness/processes";
import { REPO_ROOT, type RenderResult } from "../../tools/render/mock-runtime";
import { compliantStack, find } from "./fixtures";

/**
 * Two faults, three violations in production: a `latest` image breaks no-latest-image and, having
 * no digest, image-digest (disabled in dev); a KMS key without rotation breaks kms-key-rotation.
 */
function broken() {
  const rs = compliantStack();
  find(rs, "web-blue", "kubernetes:apps/v1:Deployment").spec.template.spec.containers[0].image = "ghcr.io/org/web:latest";
  find(rs, "backups-key").enableKeyRotation = false;
  return rs;
}

/** Runs `platform policy` in a child process on a resources.json holding `resources`. */
function platformPolicy(stack: string, resources: unknown[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(tempDir("policy"), "resources.json");
  fs.writeFileSync(file, JSON.stringify({ stack, project: "app-platform", resources, outputs: {} }));
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, "tools", "bin", "platform.js"), "policy", stack, "--resources", file], { cwd: REPO_ROOT }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("platform policy <stack>", () => {
  it("prints each violation with its level, policy and URN, and exits 1 on a mandatory one", async () => {
    const r = await platformPolicy("production", broken());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("[mandatory] no-latest-image (high)\n    urn:pulumi:test::app-platform::kubernetes:apps/v1:Deployment::web-blue\n    container \"app\" runs \"ghcr.io/org/web:latest\"");
    expect(r.stdout).toContain("[mandatory] kms-key-rotation (medium)\n    urn:pulumi:test::app-platform::aws:kms/key:Key::backups-key\n");
    expect(r.stdout).toContain("[mandatory] image-digest (high)\n    urn:pulumi:test::app-platform::kubernetes:apps/v1:Deployment::web-blue\n");
    expect(r.stdout).toContain("policy violations: mandatory 3, advisory 0");
  });

  it("exits 0 when the violations are only advisory (dev)", async () => {
    const r = await platformPolicy("dev", broken());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("policy violations: mandatory 0, advisory 2");
  });

  it("refuses a stack without a policy config, naming the file to create", async () => {
    const r = await platformPolicy("qa", compliantStack());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no policy config for stack "qa": create policy/config/qa.json');
  });
});

describe("checkStackPolicies", () => {
  it("takes a RenderResult as well as its records", async () => {
    const resources = broken();
    const fromResult = await checkStackPolicies("production", { stack: "production", project: "app-platform", resources, outputs: {}, secretValues: [] });
    const fromRecords = await checkStackPolicies("production", resources);
    expect(fromResult.violations).toEqual(fromRecords.violations);
    expect(fromResult.violations).toHaveLength(3);
  });
});

describe("the policy stage of platform check", () => {
  const ctx = (stack: string, resources: RenderResult["resources"]): CheckContext =>
    ({ stack, outDir: "", files: [], result: { stack, project: "app-platform", resources, outputs: {}, secretValues: [] }, config: {} }) as unknown as CheckContext;

  it("passes a compliant render with the contract line", async () => {
    const res = await policyStage.run(ctx("production", compliantStack()));
    expect(res.ok).toBe(true);
    expect(res.reportLines).toEqual(["policy violations: mandatory 0, advisory 0"]);
    expect(res.problems).toEqual([]);
  });

  it("fails on a mandatory violation and lists it", async () => {
    const res = await policyStage.run(ctx("production", broken()));
    expect(res.ok).toBe(false);
    expect(res.reportLines).toEqual(["policy violations: mandatory 3, advisory 0"]);
    expect(res.problems[0]).toMatch(/^\[mandatory\] no-latest-image \(high\) — urn:pulumi:test::app-platform::kubernetes:apps\/v1:Deployment::web-blue — container "app" runs/);
  });
});
