// Backups, secrets and dev datastores as every real stack renders them (the real program under
// Pulumi mocks): bucket, encryption, lifecycle, lock, policies, IAM, CronJobs, Secrets.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BACKUP_CRONJOB, POSTGRES_CREDENTIALS_SECRET, REDIS_CREDENTIALS_SECRET, RESTORE_DRILL_CRONJOB } from "../../../components/monitoring/contract";
import { REPO_ROOT, type RenderResult, type RenderedResource } from "../../../tools/render/mock-runtime";
import { renderInChild } from "../../../tools/render/subprocess";

const renders: Record<string, RenderResult> = {};
const VARIANTS: Record<string, { stack: string; overrides?: Record<string, string> }> = {
  dev: { stack: "dev" },
  staging: { stack: "staging" },
  production: { stack: "production" },
  // A staging stack that runs its own Postgres: its generated passwords go to Secrets Manager.
  stagingInCluster: { stack: "staging", overrides: { "app-platform:postgres": JSON.stringify({ mode: "in-cluster", database: "orders", user: "orders" }) } },
  // dev with the Postgres rotation keeper changed, and nothing else.
  devRotated: { stack: "dev", overrides: { "app-platform:postgres": JSON.stringify({ mode: "in-cluster", rotation: "2026-02" }) } },
};

beforeAll(async () => {
  await Promise.all(
    Object.entries(VARIANTS).map(async ([name, v]) => {
      const r = await renderInChild({ stack: v.stack, overrides: v.overrides });
      if (!r.ok) throw new Error(`render of ${name} failed (exit ${r.exitCode}):\n${r.stderr}`);
      renders[name] = r.result;
    }),
  );
}, 180_000);

const ofType = (r: RenderResult, type: string) => r.resources.filter((x) => x.type === type);
const one = (r: RenderResult, type: string): RenderedResource => {
  const list = ofType(r, type);
  expect(list, type).toHaveLength(1);
  return list[0];
};
const k8s = (r: RenderResult, kind: string, name: string, namespace?: string): any =>
  r.resources.find((x) => (x.inputs as any).kind === kind && (x.inputs as any).metadata?.name === name && (namespace === undefined || (x.inputs as any).metadata?.namespace === namespace))?.inputs;
const podSpec = (cronJob: any) => cronJob.spec.jobTemplate.spec.template.spec;
const env = (container: any) => Object.fromEntries((container.env as any[]).map((e) => [e.name, e]));

describe.each([
  ["staging", { retention: 45, lock: undefined as undefined | { mode: string; days: number }, oidc: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", db: "orders" }],
  ["production", { retention: 90, lock: { mode: "COMPLIANCE", days: 30 }, oidc: "arn:aws:iam::444455556666:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLEPROD4633E53DE1B71EXAMPLE", db: "orders" }],
])("%s: S3 backups", (stack, want) => {
  const r = () => renders[stack];

  it("bucket: Object Lock only where configured, never force-destroyed, protected in production", () => {
    const bucket = one(r(), "aws:s3/bucket:Bucket");
    expect(bucket.inputs.objectLockEnabled).toBe(want.lock !== undefined);
    expect(bucket.inputs.forceDestroy).toBe(false);
    expect(bucket.options.protect).toBe(stack === "production" ? true : undefined);
    expect(one(r(), "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
  });

  it("SSE-KMS with the backups' own rotating customer key and bucket keys", () => {
    const keys = ofType(r(), "aws:kms/key:Key").filter((k) => String(k.inputs.description).includes("backups"));
    expect(keys).toHaveLength(1);
    expect(keys[0].inputs.enableKeyRotation).toBe(true);
    const sse = one(r(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs as any;
    expect(sse.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: `arn:aws:kms:eu-west-1:123456789012:key/${keys[0].name}` }, bucketKeyEnabled: true },
    ]);
  });

  it("blocks all public access, disables ACLs and denies non-TLS requests", () => {
    expect(one(r(), "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
      blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    expect(one(r(), "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    const policy = JSON.parse(one(r(), "aws:s3/bucketPolicy:BucketPolicy").inputs.policy as string);
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    ]);
  });

  it("lifecycle: transition, expiry after the retention, noncurrent versions and incomplete uploads", () => {
    const rules = (one(r(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs as any).rules;
    expect(rules[0]).toEqual({
      id: "backups-retention",
      status: "Enabled",
      filter: { prefix: `postgres/${want.db}/` },
      transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
      expiration: { days: want.retention },
      noncurrentVersionExpiration: { noncurrentDays: want.lock ? want.lock.days + 1 : 7 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    });
    expect(rules[1].expiration).toEqual({ expiredObjectDeleteMarker: true });
  });

  it("Object Lock configuration exactly where configured", () => {
    const locks = ofType(r(), "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
    if (!want.lock) {
      expect(locks).toHaveLength(0);
      return;
    }
    expect(locks).toHaveLength(1);
    expect(locks[0].inputs).toMatchObject({ objectLockEnabled: "Enabled", rule: { defaultRetention: want.lock } });
  });

  it("IRSA: one role per job, trusted only by its service account, limited to the prefix, no delete", () => {
    const roles = ofType(r(), "aws:iam/role:Role").filter((x) => String(x.inputs.description).includes("via IRSA"));
    expect(roles).toHaveLength(2);
    const issuer = want.oidc.split("oidc-provider/")[1];
    const subs = roles.map((role) => {
      const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
      expect(trust.Statement[0]).toMatchObject({ Effect: "Allow", Principal: { Federated: want.oidc }, Action: "sts:AssumeRoleWithWebIdentity" });
      expect(trust.Statement[0].Condition.StringEquals[`${issuer}:aud`]).toBe("sts.amazonaws.com");
      return trust.Statement[0].Condition.StringEquals[`${issuer}:sub`];
    });
    expect(subs.sort()).toEqual([`system:serviceaccount:backup:${BACKUP_CRONJOB}`, `system:serviceaccount:backup:${RESTORE_DRILL_CRONJOB}`]);
    for (const p of ofType(r(), "aws:iam/rolePolicy:RolePolicy")) {
      const doc = JSON.parse(p.inputs.policy as string);
      const text = JSON.stringify(doc);
      expect(text).not.toMatch(/s3:DeleteObject|s3:\*|"Resource":"\*"/);
      for (const s of doc.Statement.filter((x: any) => String(x.Action).startsWith("s3:") && x.Sid !== "ListPrefix")) {
        for (const res of [s.Resource].flat()) expect(res).toMatch(new RegExp(`/postgres/${want.db}/`));
      }
    }
    for (const [sa, roleKind] of [[BACKUP_CRONJOB, "backup"], [RESTORE_DRILL_CRONJOB, "drill"]]) {
      expect(k8s(r(), "ServiceAccount", sa, "backup").metadata.annotations["eks.amazonaws.com/role-arn"]).toMatch(new RegExp(`backup-storage-${roleKind}-role$`));
    }
  });

  it("jobs use IRSA and the bucket's key: no static AWS keys, no endpoint override", () => {
    const e = env(podSpec(k8s(r(), "CronJob", BACKUP_CRONJOB, "backup")).containers[0]);
    expect(e.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(e.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(e.BACKUP_S3_ENDPOINT).toBeUndefined();
    expect(e.BACKUP_KMS_KEY_ID.value).toMatch(/^arn:aws:kms:/);
    expect(e.PGSSLMODE.value).toBe("verify-full");
    expect(e.PGSSLROOTCERT.value).toBe("/etc/ssl/certs/postgres-roots.pem");
  });

  it("the backup tools image is built and pushed to an ECR repository with a version tag", () => {
    const image = ofType(r(), "docker:index/image:Image").find((x) => String(x.inputs.imageName).includes("backup-tools"));
    expect(image?.inputs.imageName).toMatch(new RegExp(`^123456789012\\.dkr\\.ecr\\.eu-west-1\\.amazonaws\\.com/${stack}/backup-tools:15\\.13-[0-9a-f]{12}$`));
  });

  it("the jobs and the exporter's CA init container run the pushed image by digest, never by its tag", () => {
    // @pulumi/docker's repoDigest is `repository@sha256:<64 hex>` with no tag (its documented form).
    const byDigest = new RegExp(`^123456789012\\.dkr\\.ecr\\.eu-west-1\\.amazonaws\\.com/${stack}/backup-tools@sha256:[0-9a-f]{64}$`);
    const images = [
      ...[BACKUP_CRONJOB, RESTORE_DRILL_CRONJOB].map((name) => podSpec(k8s(r(), "CronJob", name, "backup")).containers[0].image),
      k8s(r(), "Deployment", "postgres-exporter", "monitoring").spec.template.spec.initContainers[0].image,
    ];
    for (const image of images) expect(image).toMatch(byDigest);
    expect(new Set(images).size).toBe(1);
  });
});

describe.each(["dev", "staging", "production"])("%s: CronJobs", (stack) => {
  const r = () => renders[stack];
  const schedules = { dev: ["0 3 * * *", "0 5 * * *"], staging: ["0 2 * * *", "0 6 * * 1"], production: ["0 1 * * *", "0 4 * * *"] }[stack]!;

  it.each([[BACKUP_CRONJOB, 0], [RESTORE_DRILL_CRONJOB, 1]] as const)("%s: schedule, concurrency, deadlines, retries, history", (name, i) => {
    const cj = k8s(r(), "CronJob", name, "backup");
    expect(cj.spec).toMatchObject({
      schedule: schedules[i],
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 3600,
      failedJobsHistoryLimit: 1,
      successfulJobsHistoryLimit: 3,
      jobTemplate: { spec: { backoffLimit: 1, activeDeadlineSeconds: 7200 } },
    });
  });

  it.each([BACKUP_CRONJOB, RESTORE_DRILL_CRONJOB])("%s: restricted pod, resources, script from the ConfigMap", (name) => {
    const spec = podSpec(k8s(r(), "CronJob", name, "backup"));
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: "RuntimeDefault" } });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.restartPolicy).toBe("Never");
    expect(spec.serviceAccountName).toBe(name);
    const c = spec.containers[0];
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
    expect(c.resources).toEqual({ requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } });
    expect(c.command).toEqual(["/bin/bash", `/opt/app-platform/backup/${name === BACKUP_CRONJOB ? "backup.sh" : "restore-drill.sh"}`]);
    expect(spec.volumes).toContainEqual({ name: "scripts", configMap: { name: "backup-scripts", defaultMode: 0o555 } });
    // Credentials only by reference.
    for (const e of c.env) if (/PASSWORD|SECRET|KEY_ID$/.test(e.name) && e.name !== "BACKUP_KMS_KEY_ID") expect(e.valueFrom?.secretKeyRef, e.name).toBeDefined();
  });

  it("backup job reads the database credentials from the contract's Secret", () => {
    const e = env(podSpec(k8s(r(), "CronJob", BACKUP_CRONJOB, "backup")).containers[0]);
    expect(e.PGUSER).toEqual({ name: "PGUSER", valueFrom: { secretKeyRef: { name: POSTGRES_CREDENTIALS_SECRET, key: "username" } } });
    expect(e.PGPASSWORD).toEqual({ name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: POSTGRES_CREDENTIALS_SECRET, key: "password" } } });
    expect(e.BACKUP_VERIFY_TABLES.value).toBe(stack === "dev" ? "public.orders" : "public.orders public.customers");
  });

  it("the scripts ConfigMap holds the committed scripts byte for byte, and no secret", () => {
    const cm = k8s(r(), "ConfigMap", "backup-scripts", "backup");
    for (const f of ["backup.sh", "restore-drill.sh"]) {
      expect(cm.data[f]).toBe(fs.readFileSync(path.join(REPO_ROOT, "scripts", "backup", f), "utf8"));
    }
    const text = JSON.stringify(cm);
    for (const secret of r().secretValues) expect(text).not.toContain(secret);
  });

  it("no secret value anywhere in the render, Secrets carry placeholders only", () => {
    const text = JSON.stringify(r().resources) + JSON.stringify(r().outputs);
    expect(r().secretValues.length).toBeGreaterThan(0);
    for (const secret of r().secretValues) expect(text).not.toContain(secret);
    for (const s of r().resources.filter((x) => (x.inputs as any).kind === "Secret" && [POSTGRES_CREDENTIALS_SECRET, REDIS_CREDENTIALS_SECRET].includes((x.inputs as any).metadata.name))) {
      expect((s.inputs as any).stringData).toBe("[secret]");
    }
  });

  it("credential Secrets exist in every namespace that consumes them", () => {
    for (const ns of ["apps", "monitoring", "backup"]) expect(k8s(r(), "Secret", POSTGRES_CREDENTIALS_SECRET, ns), ns).toBeDefined();
    for (const ns of ["apps", "monitoring"]) expect(k8s(r(), "Secret", REDIS_CREDENTIALS_SECRET, ns), ns).toBeDefined();
  });
});

describe("in-cluster datastores: only where a datastore runs in the cluster", () => {
  const datastores = (r: RenderResult) => r.resources.filter((x) => x.type.startsWith("app-platform:datastores:"));
  it("none in staging and production with external endpoints (it used to be registered there, empty)", () => {
    expect(datastores(renders.staging)).toEqual([]);
    expect(datastores(renders.production)).toEqual([]);
  });
  it("dev and a staging that runs its own Postgres get it, aliased to its old type DevDatastores", () => {
    for (const r of [renders.dev, renders.stagingInCluster]) {
      const [component] = datastores(r);
      expect(datastores(r).map((x) => `${x.type} ${x.name}`)).toEqual(["app-platform:datastores:InClusterDatastores datastores"]);
      expect(component.options.aliases).toEqual([{ spec: expect.objectContaining({ type: "app-platform:datastores:DevDatastores", name: "" }) }]);
      expect(k8s(r, "Deployment", "postgres", "apps")).toBeDefined();
    }
    // staging keeps its backups in S3: no object store, and Redis stays external.
    expect(k8s(renders.stagingInCluster, "Deployment", "object-store")).toBeUndefined();
    expect(k8s(renders.stagingInCluster, "Deployment", "redis")).toBeUndefined();
  });
});

describe("dev: in-cluster object store and generated credentials", () => {
  const r = () => renders.dev;

  it("has no AWS resources", () => {
    expect(r().resources.filter((x) => x.type.startsWith("aws:"))).toEqual([]);
  });

  it("jobs reach the object store by endpoint with generated keys from a Secret", () => {
    const e = env(podSpec(k8s(r(), "CronJob", BACKUP_CRONJOB, "backup")).containers[0]);
    expect(e.BACKUP_S3_ENDPOINT.value).toBe("http://object-store.backup.svc.cluster.local:9000");
    expect(e.BACKUP_CREATE_BUCKET.value).toBe("true");
    expect(e.AWS_SECRET_ACCESS_KEY.valueFrom.secretKeyRef).toEqual({ name: "object-store-credentials", key: "secret-access-key" });
    expect(e.PGHOST.value).toBe("postgres.apps.svc.cluster.local");
  });

  it("every platform password is a RandomPassword kept only by the rotation keeper", () => {
    const passwords = ofType(r(), "random:index/randomPassword:RandomPassword").filter((x) => x.name.startsWith("secrets-"));
    expect(passwords.map((p) => p.name).sort()).toEqual([
      "secrets-object-store-password",
      "secrets-postgres-backup-password",
      // the exporter's own pg_monitor user (b94ef70), not the owner's credential
      "secrets-postgres-monitoring-password",
      "secrets-postgres-password",
      "secrets-redis-password",
    ]);
    for (const p of passwords) {
      expect(p.inputs.keepers).toEqual({ rotation: "initial" });
      expect(p.inputs.special).toBe(false);
      expect(p.inputs.length).toBe(p.name === "secrets-object-store-password" ? 40 : 32);
    }
  });

  it("changing postgres.rotation regenerates the Postgres passwords and nothing else", () => {
    const inputs = (res: RenderResult) =>
      Object.fromEntries(ofType(res, "random:index/randomPassword:RandomPassword").map((p) => [p.name, p.inputs]));
    const before = inputs(renders.dev);
    const after = inputs(renders.devRotated);
    const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
    expect(changed).toEqual(["secrets-postgres-backup-password", "secrets-postgres-monitoring-password", "secrets-postgres-password"]);
    expect(after["secrets-postgres-password"].keepers).toEqual({ rotation: "2026-02" });
  });
});

describe("AWS stacks: generated credentials in Secrets Manager", () => {
  it("in-cluster Postgres in staging: KMS-encrypted secrets with description and recovery window", () => {
    const r = renders.stagingInCluster;
    const kms = ofType(r, "aws:kms/key:Key").find((k) => String(k.inputs.description).includes("Secrets Manager"))!;
    expect(kms.inputs.enableKeyRotation).toBe(true);
    const secrets = ofType(r, "aws:secretsmanager/secret:Secret").filter((s) => String(s.inputs.name).includes("postgres"));
    expect(secrets.map((s) => s.inputs.name).sort()).toEqual(["app-platform/staging/postgres", "app-platform/staging/postgres-backup", "app-platform/staging/postgres-monitoring"]);
    for (const s of secrets) {
      expect(s.inputs.kmsKeyId).toBe(`arn:aws:kms:eu-west-1:123456789012:key/${kms.name}`);
      expect(s.inputs.recoveryWindowInDays).toBe(7);
      expect(String(s.inputs.description)).toMatch(/^app-platform staging: .*Postgres/);
    }
    const versions = ofType(r, "aws:secretsmanager/secretVersion:SecretVersion").filter((v) => v.name.startsWith("secrets-postgres"));
    expect(versions).toHaveLength(3);
    for (const v of versions) expect(v.inputs.secretString).toBe("[secret]");
  });

  it("external endpoints: passwords come from --secret config, nothing is generated for them", () => {
    const r = renders.production;
    expect(ofType(r, "random:index/randomPassword:RandomPassword").filter((x) => x.name.startsWith("secrets-"))).toEqual([]);
    expect(k8s(r, "Secret", POSTGRES_CREDENTIALS_SECRET, "backup").stringData).toBe("[secret]");
  });
});
