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

/** Which job a role serves; the drill may read everything but write only its results. */
export type BackupRoleKind = "backup" | "drill";

/**
 * Permissions of a job's role, limited to the database's key prefix: list it, read it, write
 * it (the drill: only its `drills/` results and `drill-latest.json`), and use the bucket's KMS
 * key. No delete: expiry is the lifecycle's job, and Object Lock forbids it anyway.
 */
export function backupRolePolicy(kind: BackupRoleKind, bucketArn: string, prefix: string, kmsKeyArn: string): string {
  const p = prefix.replace(/\/+$/, "");
  const writable = kind === "backup" ? [`${bucketArn}/${p}/*`] : [`${bucketArn}/${p}/drills/*`, `${bucketArn}/${p}/drill-latest.json`];
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListPrefix",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: bucketArn,
        Condition: { StringLike: { "s3:prefix": [`${p}/*`, p] } },
      },
      { Sid: "ReadPrefix", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${bucketArn}/${p}/*` },
      { Sid: "WritePrefix", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: writable },
      {
        Sid: "UseBucketKey",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
        Resource: kmsKeyArn,
      },
    ],
  });
}
