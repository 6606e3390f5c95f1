// Config rules live once, in stacks/: a stack file that breaks one is refused at load by
// `platform render` with the stacks/ message (field, value, rule and fix), exit 2, before any
// component runs. These rules used to be checked (or only checked) inside components, where a
// bad value surfaced as a component error instead: the CA of an AWS exporter and an SLO
// objective whose burn-rate page can never fire (render exited 1 with a component message),
// and the Object Lock, owner-credential and IRSA rules that components re-checked with their
// own wording. Expected messages are written by hand; the SLO figures are worked out below.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stackFolder } from "../../tools/render/subprocess";
import { edited, stackYaml, type StackValues } from "./fixtures";

const REPO = path.resolve(__dirname, "../..");
const P = "app-platform:";
const folders: string[] = [];
afterAll(() => folders.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** `node tools/bin/platform.js render <stack> --root <dir> --out <dir>/out`, as a user types it. */
function render(stack: string, values: StackValues): Promise<{ code: number; stdout: string; stderr: string; out: string }> {
  const dir = stackFolder(stack, stackYaml(values));
  folders.push(dir);
  const out = path.join(dir, "out");
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["tools/bin/platform.js", "render", stack, "--root", dir, "--out", out],
      { cwd: REPO, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr, out }),
    );
  });
}

function expectRefusal(r: { code: number; stderr: string; out: string }, stack: string, messages: readonly string[]): void {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines[0]).toBe(`invalid configuration for stack "${stack}" (${messages.length} problem${messages.length === 1 ? "" : "s"}):`);
  expect(lines.slice(1)).toEqual(messages.map((m) => `  - ${m}`));
  expect(r.code).toBe(2);
  // Nothing rendered.
  expect(fs.existsSync(path.join(r.out, "resources.json"))).toBe(false);
}

describe("rules that only components knew are refused at load", () => {
  it("an AWS exporter without a CA source, and SLO objectives whose 14.4x page cannot fire", async () => {
    // Burn-rate page: error ratio > 14.4 x (1 - objective) (SRE workbook, 2 % of a 30-day budget
    // in 1 h). An error ratio is at most 1, so the page needs 14.4 x (1 - objective) < 1, i.e.
    // objective > 1 - 1/14.4 = 0.930555... By hand: 0.92 -> 14.4 x 0.08 = 1.152 (never fires);
    // 0.93 -> 14.4 x 0.07 = 1.008 (never fires); 0.9306 -> 14.4 x 0.0694 = 0.99936 (can fire).
    const values = edited("staging", (v) => {
      v.backup = { ...v.backup, enabled: false };
      v.services[0].slo = { availability: 0.92, latency: { thresholdSeconds: 0.5, objective: 0.9306 } };
      v.services.push({ ...structuredClone(v.services[0]), name: "api", slo: { availability: 0.999, latency: { thresholdSeconds: 0.5, objective: 0.93 } } });
    });
    const r = await render("hostile-slo-ca", values);
    expectRefusal(r, "hostile-slo-ca", [
      `${P}services[0].slo.availability (0.92) must be above 0.93056 (1 - 1/14.4): the 14.4x burn-rate page fires above an error ratio of 14.4 x the budget 0.08 = 1.152, which no error ratio can exceed, so it could never fire; raise the objective, e.g. to 0.99`,
      `${P}services[1].slo.latency.objective (0.93) must be above 0.93056 (1 - 1/14.4): the 14.4x burn-rate page fires above an error ratio of 14.4 x the budget 0.07 = 1.008, which no error ratio can exceed, so it could never fire; raise the objective, e.g. to 0.99`,
      `${P}postgres.caBundle (unset) is required with sslMode "verify-full" when backups are disabled and backup.image is unset: the exporter verifies the server against Amazon's RDS roots, which no public trust store holds and only the backup tools image carries; set postgres.caBundle to the PEM bundle (for RDS https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem), or enable backups`,
    ]);
  }, 120_000);

  it("at the boundary (availability 0.9306) and with backups enabled (their image carries the RDS roots) the stack renders", async () => {
    const values = edited("staging", (v) => {
      v.services[0].slo = { availability: 0.9306, latency: { thresholdSeconds: 0.5, objective: 0.99 } };
    });
    const r = await render("slo-boundary", values);
    expect(r.stderr).not.toContain("caBundle");
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(r.out, "resources.json"))).toBe(true);
  }, 120_000);
});

describe("rules that components re-checked with their own wording are refused once, with the stacks/ message", () => {
  it("Object Lock longer than the retention, the owner's role reused for backups, no OIDC provider for IRSA", async () => {
    const values = edited("staging", (v) => {
      v.backup = { ...v.backup, retentionDays: 60, transitionDays: 30, objectLock: { mode: "GOVERNANCE", days: 90 } };
      v.postgres = { ...v.postgres, user: "orders", backupUser: "orders" };
      delete v.aws.oidcProviderArn;
    });
    const r = await render("hostile-dup", values);
    expectRefusal(r, "hostile-dup", [
      `${P}postgres.backupUser ("orders") must differ from postgres.user ("orders"): the owner's credential is not shared; give the pg_read_all_data role its own name`,
      `${P}backup.objectLock.days (90) must be <= backup.retentionDays (60): locked objects cannot expire`,
      `${P}aws.oidcProviderArn (unset) is required in staging: the backup jobs reach S3 through an IAM role for their service account (IRSA); set the cluster's IAM OIDC provider ARN`,
    ]);
  }, 120_000);

  it("a service that BlueGreenService and ServiceImage could not build is refused at load, not by their invariants", async () => {
    // The components keep these as invariants of their arguments (a Deployment needs an image,
    // an HPA needs min <= max, a pushed tag is immutable); the user sees the config rules.
    const values = edited("staging", (v) => {
      v.services[0].replicas = { min: 5, max: 3 };
      v.services[0].image = {};
      v.services[0].build = { context: "app", color: "blue", tag: "latest" };
    });
    const r = await render("hostile-service", values);
    expectRefusal(r, "hostile-service", [
      `${P}services[0].replicas.min (5) must be <= replicas.max (3)`,
      `${P}services[0].build.tag ("latest") must not be "latest": registry tags are immutable, so each build needs its own tag (a version or a commit id)`,
      `${P}services[0].image.green (unset) is required: set an image reference for the green colour, or build it with build.color "green"`,
    ]);
    expect(r.stderr).not.toContain("BlueGreenService");
    expect(r.stderr).not.toContain("ServiceImage");
  }, 120_000);
});
