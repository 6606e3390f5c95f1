// Pure builders of the backup component: AWS policy documents, lifecycle rules, the job pod,
// the CronJob spec, the egress policy, the scripts ConfigMap and the image tag.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  backupImageTag,
  backupJobPodSpec,
  backupPrefix,
  backupRolePolicy,
  bucketPolicyDocument,
  cronJobSpec,
  egressPolicySpec,
  irsaTrustPolicy,
  lifecycleRules,
  oidcIssuer,
  scriptsConfigMapData,
  startingDeadlineSeconds,
  storeEnv,
} from "../../../components/backup";
import { REPO_ROOT } from "../../../tools/render/mock-runtime";

const OIDC = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
const BUCKET = "arn:aws:s3:::backups";
const KMS = "arn:aws:kms:eu-west-1:111122223333:key/k";

describe("lifecycleRules", () => {
  it("transitions before expiry, expires at the retention, cleans noncurrent versions and uploads", () => {
    expect(lifecycleRules({ prefix: "postgres/app/", retentionDays: 90, transitionDays: 30 })[0]).toEqual({
      id: "backups-retention",
      status: "Enabled",
      filter: { prefix: "postgres/app/" },
      transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
      expiration: { days: 90 },
      noncurrentVersionExpiration: { noncurrentDays: 7 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    });
  });
  it("omits the transition when backups expire first (IA bills 30 days minimum)", () => {
    expect(lifecycleRules({ prefix: "p/", retentionDays: 30, transitionDays: 30 })[0].transitions).toBeUndefined();
    expect(lifecycleRules({ prefix: "p/", retentionDays: 31, transitionDays: 30 })[0].transitions).toEqual([{ days: 30, storageClass: "STANDARD_IA" }]);
  });
  it("keeps noncurrent versions until their lock has ended", () => {
    expect(lifecycleRules({ prefix: "p/", retentionDays: 90, transitionDays: 30, lockDays: 30 })[0].noncurrentVersionExpiration).toEqual({ noncurrentDays: 31 });
    expect(lifecycleRules({ prefix: "p/", retentionDays: 90, transitionDays: 30, lockDays: 3 })[0].noncurrentVersionExpiration).toEqual({ noncurrentDays: 7 });
  });
  it("removes expired delete markers in a rule of its own", () => {
    expect(lifecycleRules({ prefix: "p/", retentionDays: 9, transitionDays: 30 })[1]).toEqual({
      id: "expired-delete-markers", status: "Enabled", filter: { prefix: "p/" }, expiration: { expiredObjectDeleteMarker: true },
    });
  });
});

describe("policy documents", () => {
  it("bucket policy denies every non-TLS request on the bucket and its objects", () => {
    expect(JSON.parse(bucketPolicyDocument(BUCKET))).toEqual({
      Version: "2012-10-17",
      Statement: [{
        Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
        Resource: [BUCKET, `${BUCKET}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } },
      }],
    });
  });
  it("IRSA trust names the provider, the service account and the STS audience", () => {
    const doc = JSON.parse(irsaTrustPolicy(OIDC, "backup", "postgres-backup"));
    expect(doc.Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { Federated: OIDC },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: {
        "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:backup:postgres-backup",
        "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
      } },
    });
  });
  it("an OIDC provider ARN that is not one is refused with the field, the value and an example", () => {
    expect(() => oidcIssuer("arn:aws:iam::1:role/x")).toThrow(
      "aws.oidcProviderArn (arn:aws:iam::1:role/x) must be an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
    );
  });
  it("the backup role writes its dump keys only (no read, list or delete) and is denied the drill's results", () => {
    const doc = JSON.parse(backupRolePolicy("backup", BUCKET, "postgres/app/", KMS));
    expect(doc.Statement).toEqual([
      { Sid: "WriteDumps", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: [`${BUCKET}/postgres/app/????/*`, `${BUCKET}/postgres/app/latest.json`] },
      { Sid: "NeverDrillResults", Effect: "Deny", Action: "s3:PutObject", Resource: [`${BUCKET}/postgres/app/drills/*`, `${BUCKET}/postgres/app/drill-latest.json`] },
      { Sid: "EncryptUploads", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: KMS },
    ]);
    expect(JSON.stringify(doc)).not.toContain("Delete");
  });
  it("the drill role lists and reads its prefix and writes only its results", () => {
    const doc = JSON.parse(backupRolePolicy("drill", BUCKET, "postgres/app", KMS));
    expect(doc.Statement.find((s: any) => s.Sid === "ListPrefix")).toEqual({ Sid: "ListPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET, Condition: { StringLike: { "s3:prefix": ["postgres/app/*"] } } });
    expect(doc.Statement.find((s: any) => s.Sid === "WriteResults").Resource).toEqual([`${BUCKET}/postgres/app/drills/*`, `${BUCKET}/postgres/app/drill-latest.json`]);
    expect(JSON.stringify(doc)).not.toContain("Delete");
  });
});

describe("job settings", () => {
  it("backupPrefix is per database", () => expect(backupPrefix("orders")).toBe("postgres/orders"));

  it("startingDeadlineSeconds is an hour, or half the period of frequent schedules", () => {
    expect(startingDeadlineSeconds("0 3 * * *")).toBe(3600);
    expect(startingDeadlineSeconds("*/30 * * * *")).toBe(900);
    expect(startingDeadlineSeconds("@hourly")).toBe(1800);
  });

  it("storeEnv: dev endpoint and keys by reference; AWS region and KMS key only", () => {
    const dev = storeEnv({
      bucket: "b", prefix: "postgres/app", region: "us-east-1", endpoint: "http://s:9000", createBucket: true,
      credentialsSecret: { name: "object-store-credentials", accessKeyIdKey: "id", secretAccessKeyKey: "secret" },
    });
    expect(dev).toEqual([
      { name: "BACKUP_BUCKET", value: "b" },
      { name: "BACKUP_PREFIX", value: "postgres/app" },
      { name: "AWS_DEFAULT_REGION", value: "us-east-1" },
      { name: "AWS_REGION", value: "us-east-1" },
      { name: "BACKUP_S3_ENDPOINT", value: "http://s:9000" },
      { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: "object-store-credentials", key: "id" } } },
      { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: "object-store-credentials", key: "secret" } } },
      { name: "BACKUP_CREATE_BUCKET", value: "true" },
    ]);
    const aws = storeEnv({ bucket: "b", prefix: "p", region: "eu-west-1", kmsKeyId: KMS, createBucket: false });
    expect(aws.map((e) => e.name)).toEqual(["BACKUP_BUCKET", "BACKUP_PREFIX", "AWS_DEFAULT_REGION", "AWS_REGION", "BACKUP_KMS_KEY_ID"]);
  });

  const pod = backupJobPodSpec({
    script: "restore-drill.sh", image: "img:1.0", serviceAccountName: "sa", scriptsConfigMap: "cm",
    env: [{ name: "X", value: "1" }], scratchSize: "5Gi", resources: { cpu: "250m", memory: "256Mi", memoryLimit: "1Gi" },
  }) as any;

  it("job pod: restricted, the script from the ConfigMap, scratch and shared memory volumes", () => {
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const c = pod.containers[0];
    expect(c.name).toBe("restore-drill");
    expect(c.command).toEqual(["/bin/bash", "/opt/app-platform/backup/restore-drill.sh"]);
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
    expect(c.env.slice(-3)).toEqual([{ name: "BACKUP_WORKDIR", value: "/scratch" }, { name: "HOME", value: "/scratch" }, { name: "TMPDIR", value: "/scratch" }]);
    expect(pod.volumes).toEqual([
      { name: "scripts", configMap: { name: "cm", defaultMode: 0o555 } },
      { name: "scratch", emptyDir: { sizeLimit: "5Gi" } },
      { name: "shm", emptyDir: { sizeLimit: "256Mi", medium: "Memory" } },
    ]);
  });

  it("CronJob spec: Forbid, deadlines, one retry, history limits, pod template", () => {
    const spec = cronJobSpec({ schedule: "0 3 * * *", timeoutMinutes: 90, podLabels: { a: "b" }, podAnnotations: { h: "1" }, podSpec: pod }) as any;
    expect(spec).toEqual({
      schedule: "0 3 * * *",
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: { a: "b" } },
        spec: { backoffLimit: 1, activeDeadlineSeconds: 5400, template: { metadata: { labels: { a: "b" }, annotations: { h: "1" } }, spec: pod } },
      },
    });
  });

  it("egress: in-cluster peers by namespace and labels; external ones by port; the drill has no database", () => {
    const dev = egressPolicySpec({
      podLabels: { app: "backup" }, postgresPort: 5432,
      postgresPods: { namespace: "apps", labels: { n: "postgres" } },
      storePods: { namespace: "backup", labels: { n: "store" }, port: 9000 },
    }) as any;
    expect(dev.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } }, podSelector: { matchLabels: { n: "postgres" } } }], ports: [{ protocol: "TCP", port: 5432 }] },
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "backup" } }, podSelector: { matchLabels: { n: "store" } } }], ports: [{ protocol: "TCP", port: 9000 }] },
    ]);
    const drill = egressPolicySpec({ podLabels: { app: "drill" } }) as any;
    expect(drill).toEqual({ podSelector: { matchLabels: { app: "drill" } }, policyTypes: ["Egress"], egress: [{ ports: [{ protocol: "TCP", port: 443 }] }] });
    expect((egressPolicySpec({ podLabels: {}, postgresPort: 6432 }) as any).egress[0]).toEqual({ ports: [{ protocol: "TCP", port: 6432 }] });
  });
});

describe("scripts and image", () => {
  it("the ConfigMap data is the committed scripts, byte for byte", () => {
    const data = scriptsConfigMapData();
    expect(Object.keys(data)).toEqual(["backup.sh", "restore-drill.sh"]);
    for (const [f, text] of Object.entries(data)) expect(text).toBe(fs.readFileSync(path.join(REPO_ROOT, "scripts", "backup", f), "utf8"));
  });

  it("the image tag is the base image's Postgres version plus the Dockerfile's hash", () => {
    const tag = backupImageTag();
    expect(tag).toMatch(/^15\.13-[0-9a-f]{12}$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "image-"));
    fs.writeFileSync(path.join(dir, "Dockerfile"), fs.readFileSync(path.join(REPO_ROOT, "components/backup/image/Dockerfile"), "utf8") + "\n# changed\n");
    expect(backupImageTag(dir)).not.toBe(tag);
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM debian:12\n");
    expect(() => backupImageTag(dir)).toThrow(/Dockerfile must start FROM postgres:<major>.<minor>-...: the tag carries that version/);
    fs.rmSync(dir, { recursive: true });
  });
});
