// Config of backups and datastores: every validation branch with its exact message, and the
// defaults of the keys this capability added, pinned.
import { describe, expect, it } from "vitest";
import { edited, load, problemsOf } from "../../../test/stacks/fixtures";

describe("backup config validation", () => {
  it("a bad cron expression is named with the field at fault", () => {
    expect(problemsOf(edited("dev", (v) => (v.backup = { schedule: "0 25 * * *" })))).toEqual([
      'app-platform:backup.schedule ("0 25 * * *") has hour "25" outside 0-23: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)',
    ]);
    expect(problemsOf(edited("dev", (v) => (v.backup = { drill: { schedule: "daily" } })))).toEqual([
      'app-platform:backup.drill.schedule ("daily") must have 5 fields (minute hour day-of-month month day-of-week), found 1: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)',
    ]);
  });
  it("compressLevel is a zstd level", () => {
    expect(problemsOf(edited("dev", (v) => (v.backup = { compressLevel: 20 })))).toEqual(["app-platform:backup.compressLevel (20) must be <= 19"]);
    expect(problemsOf(edited("dev", (v) => (v.backup = { compressLevel: 0 })))).toEqual(["app-platform:backup.compressLevel (0) must be >= 1"]);
  });
  it("a rotation keeper must be a short label", () => {
    expect(problemsOf(edited("dev", (v) => (v.postgres = { mode: "in-cluster", rotation: "two words" })))).toEqual([
      'app-platform:postgres.rotation ("two words") must be a short label such as "2026-01" (letters, digits, . _ : -)',
    ]);
  });
  it("verify tables must be table names", () => {
    expect(problemsOf(edited("dev", (v) => (v.backup = { drill: { verifyTables: ["orders; drop"] } })))).toEqual([
      'app-platform:backup.drill.verifyTables[0] ("orders; drop") must be a table name such as "public.orders"',
    ]);
  });
  it("AWS stacks need the OIDC provider for the jobs' IRSA roles", () => {
    expect(problemsOf(edited("staging", (v) => delete v.aws.oidcProviderArn))).toEqual([
      "app-platform:aws.oidcProviderArn (unset) is required in staging: the backup jobs reach S3 through an IAM role for their service account (IRSA); set the cluster's IAM OIDC provider ARN",
    ]);
  });
  it("production drills must verify at least one table", () => {
    expect(problemsOf(edited("production", (v) => (v.backup.drill = { verifyTables: [] })))).toEqual([
      "app-platform:backup.drill.verifyTables ([]) must name at least one table in production: a drill that counts no rows proves only that pg_restore ran; add e.g. [public.orders]",
    ]);
  });
  it("a backup image given in production must name a digest", () => {
    const fix = 'a tag can be moved or re-pushed; or leave backup.image unset to build the image here, which runs by the digest its push reports';
    expect(problemsOf(edited("production", (v) => (v.backup.image = "registry.example.com/backup:latest")))).toEqual([
      `app-platform:backup.image ("registry.example.com/backup:latest") must name a digest in production ("registry.example.com/backup:latest@sha256:<digest>"): ${fix}`,
    ]);
    expect(problemsOf(edited("production", (v) => (v.backup.image = "registry.example.com/backup:15.13-1")))).toEqual([
      `app-platform:backup.image ("registry.example.com/backup:15.13-1") must name a digest in production ("registry.example.com/backup:15.13-1@sha256:<digest>"): ${fix}`,
    ]);
    expect(problemsOf(edited("production", (v) => (v.backup.image = `registry.example.com/backup:15.13-1@sha256:${"e".repeat(64)}`)))).toEqual([]);
    expect(problemsOf(edited("staging", (v) => (v.backup = { ...v.backup, image: "registry.example.com/backup:15.13-1" })))).toEqual([]);
  });
});

describe("defaults", () => {
  it.each([
    ["dev", "5Gi"],
    ["staging", "20Gi"],
    ["production", "50Gi"],
  ] as const)("%s: backup job settings", (env, scratch) => {
    const b = load(edited(env, () => {})).backup;
    expect(b.image).toBeUndefined();
    expect(b.compressLevel).toBe(3);
    expect(b.scratchSize).toBe(scratch);
    expect(b.timeoutMinutes).toBe(120);
    expect(b.resources).toEqual({ cpu: "250m", memory: "256Mi", memoryLimit: "1Gi" });
    expect(b.rotation).toBe("initial");
  });
  it("datastores: rotation keepers and in-cluster volume sizes", () => {
    const c = load(edited("dev", () => {}));
    expect(c.postgres).toMatchObject({ rotation: "initial", storageSize: "2Gi" });
    expect(c.redis).toMatchObject({ rotation: "initial", storageSize: "1Gi" });
  });
  it("given values replace the defaults", () => {
    const c = load(edited("dev", (v) => {
      v.backup = { image: "b:1.0", compressLevel: 9, scratchSize: "1Gi", timeoutMinutes: 30, resources: { cpu: "1", memory: "1Gi", memoryLimit: "2Gi" }, rotation: "r2" };
      v.postgres = { mode: "in-cluster", rotation: "p2", storageSize: "9Gi" };
    }));
    expect(c.backup).toMatchObject({ image: "b:1.0", compressLevel: 9, scratchSize: "1Gi", timeoutMinutes: 30, resources: { cpu: "1", memory: "1Gi", memoryLimit: "2Gi" }, rotation: "r2" });
    expect(c.postgres).toMatchObject({ rotation: "p2", storageSize: "9Gi" });
  });
});
