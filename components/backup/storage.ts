import type * as aws from "@pulumi/aws";
import { awsSdk } from "../aws-sdk";
import * as pulumi from "@pulumi/pulumi";
import { backupRolePolicy, bucketPolicyDocument, irsaTrustPolicy, lifecycleRules, type BackupRoleKind } from "./aws-policies";

/** Arguments of {@link BackupBucket}. */
export interface BackupBucketArgs {
  /** Environment; tags and names. */
  readonly environment: string;
  /** AWS region of the bucket and key. */
  readonly region: string;
  /** Key prefix of the backups (e.g. "postgres/app"); lifecycle and IAM are limited to it. */
  readonly prefix: string;
  /** Days before a backup expires. */
  readonly retentionDays: number;
  /** Days before a backup moves to STANDARD_IA. */
  readonly transitionDays: number;
  /** Object Lock default retention; when set the bucket is created with Object Lock. @default undefined (no lock) */
  readonly objectLock?: { readonly mode: "GOVERNANCE" | "COMPLIANCE"; readonly days: number };
  /** IAM OIDC provider of the cluster, trusted by the job roles (IRSA). */
  readonly oidcProviderArn: string;
  /** The job service accounts that get a role, by kind. */
  readonly serviceAccounts: Readonly<Record<BackupRoleKind, { readonly namespace: string; readonly name: string }>>;
  /** Protect the bucket from `pulumi destroy`. @default true */
  readonly protect?: boolean;
}

/**
 * The S3 side of backups in AWS stacks: a bucket with versioning, SSE-KMS under a rotating
 * customer key (bucket keys on), every public access path blocked, ACLs disabled, TLS-only
 * access, lifecycle rules, Object Lock when configured, and one IRSA role per job limited to
 * the backup prefix.
 */
export class BackupBucket extends pulumi.ComponentResource {
  /** Bucket name. */
  readonly bucketName: pulumi.Output<string>;
  /** ARN of the KMS key that encrypts the backups. */
  readonly kmsKeyArn: pulumi.Output<string>;
  /** Role ARN per job kind, for the service account annotation. */
  readonly roleArns: Record<BackupRoleKind, pulumi.Output<string>>;

  constructor(name: string, args: BackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:backup:BackupBucket", name, {}, opts);
    const tags = { "app-platform/environment": args.environment, "app-platform/component": "backup" };
    const region = args.region;
    const protect = args.protect ?? true;
    const sdk = awsSdk();

    const key = new sdk.kms.Key(
      `${name}-kms`,
      { description: `app-platform ${args.environment}: encrypts database backups`, enableKeyRotation: true, deletionWindowInDays: 30, region, tags },
      { parent: this, protect },
    );
    new sdk.kms.Alias(`${name}-kms-alias`, { name: `alias/app-platform-${args.environment}-backups`, targetKeyId: key.keyId, region }, { parent: key });

    const bucket = new sdk.s3.Bucket(
      `${name}-bucket`,
      // Object Lock can only be switched on when the bucket is created.
      { objectLockEnabled: args.objectLock !== undefined, forceDestroy: false, region, tags },
      { parent: this, protect },
    );
    const child = { parent: bucket };
    const versioning = new sdk.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, region, versioningConfiguration: { status: "Enabled" } }, child);
    new sdk.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      { bucket: bucket.id, region, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }] },
      child,
    );
    const publicBlock = new sdk.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket: bucket.id, region, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new sdk.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, region, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    new sdk.s3.BucketPolicy(
      `${name}-policy`,
      { bucket: bucket.id, region, policy: bucket.arn.apply(bucketPolicyDocument) },
      // A policy put before the public access block can be refused as "public"; order them.
      { ...child, dependsOn: [publicBlock] },
    );
    new sdk.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        region,
        rules: lifecycleRules({ prefix: `${args.prefix}/`, retentionDays: args.retentionDays, transitionDays: args.transitionDays, lockDays: args.objectLock?.days }) as unknown as aws.types.input.s3.BucketLifecycleConfigurationRule[],
      },
      // Lifecycle rules on noncurrent versions need versioning first.
      { ...child, dependsOn: [versioning] },
    );
    if (args.objectLock) {
      new sdk.s3.BucketObjectLockConfiguration(
        `${name}-object-lock`,
        { bucket: bucket.id, region, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: args.objectLock.mode, days: args.objectLock.days } } },
        { ...child, dependsOn: [versioning] },
      );
    }

    const roleArns = {} as Record<BackupRoleKind, pulumi.Output<string>>;
    for (const kind of ["backup", "drill"] as const) {
      const sa = args.serviceAccounts[kind];
      const role = new sdk.iam.Role(
        `${name}-${kind}-role`,
        {
          description: `app-platform ${args.environment}: ${kind} job (${sa.namespace}/${sa.name}) via IRSA`,
          assumeRolePolicy: irsaTrustPolicy(args.oidcProviderArn, sa.namespace, sa.name),
          maxSessionDuration: 3600 * 4,
          tags,
        },
        { parent: this },
      );
      new sdk.iam.RolePolicy(
        `${name}-${kind}-policy`,
        { role: role.id, policy: pulumi.all([bucket.arn, key.arn]).apply(([b, k]) => backupRolePolicy(kind, b, args.prefix, k)) },
        { parent: role },
      );
      roleArns[kind] = role.arn;
    }

    this.bucketName = bucket.bucket;
    this.kmsKeyArn = key.arn;
    this.roleArns = roleArns;
    this.registerOutputs({ bucketName: this.bucketName, kmsKeyArn: this.kmsKeyArn, roleArns });
  }
}
