/** Pure builders of the AWS side of backups: lifecycle rules and IAM / bucket policy documents. */

/** The backup retention settings the bucket enforces. */
export interface RetentionInput {
  /** Key prefix the rules apply to (e.g. "postgres/"). */
  readonly prefix: string;
  readonly retentionDays: number;
  readonly transitionDays: number;
  /** Object Lock retention days, when the bucket locks objects. */
  readonly lockDays?: number;
}

/**
 * Lifecycle rules: move to STANDARD_IA after `transitionDays` (only when that is before expiry:
 * IA bills 30 days minimum), expire after `retentionDays`, delete noncurrent versions (overwritten
 * `latest.json`, expired dumps) a week later — or once their lock ends — and clean up
 * incomplete multipart uploads of failed runs after a day.
 */
export function lifecycleRules(r: RetentionInput): Record<string, unknown>[] {
  const noncurrentDays = Math.max(7, (r.lockDays ?? 0) + 1);
  return [
    {
      id: "backups-retention",
      status: "Enabled",
      filter: { prefix: r.prefix },
      ...(r.transitionDays < r.retentionDays ? { transitions: [{ days: r.transitionDays, storageClass: "STANDARD_IA" }] } : {}),
      expiration: { days: r.retentionDays },
      noncurrentVersionExpiration: { noncurrentDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    },
    {
      // A separate rule: S3 refuses expiredObjectDeleteMarker together with days.
      id: "expired-delete-markers",
      status: "Enabled",
      filter: { prefix: r.prefix },
      expiration: { expiredObjectDeleteMarker: true },
    },
  ];
}

/** Bucket policy: refuse every request that does not use TLS. */
export function bucketPolicyDocument(bucketArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
}

/** The issuer host/path of an IAM OIDC provider ARN (the part after `oidc-provider/`). */
export function oidcIssuer(oidcProviderArn: string): string {
  const m = /^arn:aws[\w-]*:iam::\d{12}:oidc-provider\/(.+)$/.exec(oidcProviderArn);
  if (!m) throw new Error(`aws.oidcProviderArn (${oidcProviderArn}) must be an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE`);
  return m[1];
}

/** IRSA trust policy: only the given service account of the given namespace may assume the role. */
export function irsaTrustPolicy(oidcProviderArn: string, namespace: string, serviceAccount: string): string {
  const issuer = oidcIssuer(oidcProviderArn);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  });
}

/** Which job a role serves: the backup writes dumps, the drill reads them and writes its results. */
export type BackupRoleKind = "backup" | "drill";

/** Keys under a database's prefix, by who writes them (see scripts/backup/*.sh). */
export function backupKeys(bucketArn: string, prefix: string): { dumps: string[]; drillResults: string[] } {
  const p = prefix.replace(/\/+$/, "");
  return {
    // backup.sh: <prefix>/<yyyy>/<mm>/<dd>/<stamp>/{dump.pgc.zst,dump.pgc.zst.sha256,manifest.json}
    // and <prefix>/latest.json. "????" is exactly the four-digit year folder: it cannot match
    // "drills/..." or "drill-latest.json" (the fifth character of either is not "/").
    dumps: [`${bucketArn}/${p}/????/*`, `${bucketArn}/${p}/latest.json`],
    // restore-drill.sh: <prefix>/drills/<stamp>.json and <prefix>/drill-latest.json.
    drillResults: [`${bucketArn}/${p}/drills/*`, `${bucketArn}/${p}/drill-latest.json`],
  };
}

/**
 * Permissions of a job's role: exactly the S3 and KMS calls its script makes (a test runs both
 * scripts and checks every request they send against these documents), nothing else.
 *
 * - backup (backup.sh): uploads with `aws s3 cp -` (PutObject, or a multipart upload, which S3
 *   authorizes as s3:PutObject, plus s3:AbortMultipartUpload when it fails) to its dump keys
 *   only; SSE-KMS needs kms:GenerateDataKey, and kms:Decrypt to complete a multipart upload. No
 *   read, list or delete; and an explicit deny on the drill results, so that the backup
 *   credential cannot forge a passed drill.
 * - drill (restore-drill.sh): reads latest.json and lists and downloads one backup (s3:ListBucket
 *   under the prefix, s3:GetObject, kms:Decrypt) and writes only its results
 *   (s3:PutObject, kms:GenerateDataKey for the bucket's default SSE-KMS); it can neither
 *   overwrite a dump nor move latest.json.
 *
 * No role can delete: expiry is the lifecycle's job, and Object Lock forbids it anyway.
 */
export function backupRolePolicy(kind: BackupRoleKind, bucketArn: string, prefix: string, kmsKeyArn: string): string {
  const p = prefix.replace(/\/+$/, "");
  const keys = backupKeys(bucketArn, p);
  const statements: Record<string, unknown>[] =
    kind === "backup"
      ? [
          { Sid: "WriteDumps", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: keys.dumps },
          { Sid: "NeverDrillResults", Effect: "Deny", Action: "s3:PutObject", Resource: keys.drillResults },
          { Sid: "EncryptUploads", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: kmsKeyArn },
        ]
      : [
          {
            Sid: "ListPrefix",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: bucketArn,
            Condition: { StringLike: { "s3:prefix": [`${p}/*`] } },
          },
          { Sid: "ReadPrefix", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucketArn}/${p}/*` },
          { Sid: "WriteResults", Effect: "Allow", Action: "s3:PutObject", Resource: keys.drillResults },
          { Sid: "UseBucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: kmsKeyArn },
        ];
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
