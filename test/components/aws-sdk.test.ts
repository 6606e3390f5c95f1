// Stacks without AWS (dev, DESIGN.md) do not load the AWS SDK: its index alone loads every
// AWS service module. A stack with AWS loads it when its components create AWS resources.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../tools/render/paths";

function awsModulesAfterRender(stack: string): Promise<{ aws: number; awsResources: number }> {
  const code = `
    require("./tools/render/mock-runtime").renderProgram({ stack: ${JSON.stringify(stack)} }).then((r) => {
      const aws = Object.keys(require.cache).filter((k) => k.includes("/node_modules/@pulumi/aws/")).length;
      console.log(JSON.stringify({ aws, awsResources: r.resources.filter((x) => x.type.startsWith("aws:")).length }));
      process.exit(0);
    });`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--require", path.join(REPO_ROOT, "tools", "render", "ts-require.js"), "-e", code], { cwd: REPO_ROOT }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr)) : resolve(JSON.parse(stdout.trim().split("\n").pop()!)),
    );
  });
}

describe("the AWS SDK is loaded on first use", () => {
  it("dev renders without loading @pulumi/aws; production loads it for its AWS resources", async () => {
    const [dev, production] = await Promise.all([awsModulesAfterRender("dev"), awsModulesAfterRender("production")]);
    expect(dev).toEqual({ aws: 0, awsResources: 0 });
    expect(production.awsResources).toBeGreaterThan(0);
    expect(production.aws).toBeGreaterThan(0);
  }, 120_000);
});
