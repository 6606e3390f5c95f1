// deploy.yml promotes a stack's releases one after another in one job, and `platform promote`
// now waits out each release's warm window before its last update. A job that GitHub cancels
// mid-window never commits the switched `activeColor` back to main, so the next push would flip
// traffic back by hand. This checks, on the real stack files and workflow, that each deploy job's
// `timeout-minutes` covers the time its releases spend waiting (canary dwells, migrations, the
// warm window) when every service releases in one push.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { REPO_ROOT } from "../../tools/render/mock-runtime";
import { releaseRequest } from "../../tools/commands/promote";
import { validateStack } from "../../tools/commands/shared";

const deploy = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, ".github", "workflows", "deploy.yml"), "utf8"));

/** Seconds a release of `service` at least waits, by the stack file's settings. */
function waits(stack: string, service: string): number {
  const { req } = releaseRequest(stack, service, {});
  const steps = req.strategy === "canary" ? req.steps.length * req.dwellSeconds : 0;
  // A blue-green window lasts at least the watch (tools/delivery/promotion.ts warmWindowSeconds).
  const window = req.strategy === "blueGreen" ? Math.max(req.scaleDownDelaySeconds, req.settings.watchSeconds) : req.scaleDownDelaySeconds;
  const migration = validateStack(stack).services.find((s) => s.name === service)?.migration?.timeoutSeconds ?? 0;
  return steps + window + migration;
}

describe("deploy.yml's job time-outs", () => {
  it.each(["staging", "production"])("the %s job outlasts every release of the stack, warm windows included", (stack) => {
    const job = deploy.jobs[stack];
    expect(job, `deploy.yml has a ${stack} job`).toBeDefined();
    const services = validateStack(stack).services.map((s) => s.name);
    const total = services.reduce((n, s) => n + waits(stack, s), 0);
    expect(
      job["timeout-minutes"] * 60,
      `${stack}: releases wait ${total} s (${services.map((s) => `${s} ${waits(stack, s)} s`).join(", ")}); raise the job's timeout-minutes or shorten strategy.scaleDownDelaySeconds`,
    ).toBeGreaterThan(total);
  });
});
