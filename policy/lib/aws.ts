import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { known } from "./policy";

/** Pulumi types of S3 buckets (v7's Bucket and the deprecated BucketV2 alias). */
export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

/** Separate bucket configuration resources, by concern (v7 names and their deprecated V2 twins). */
export const BUCKET_CONFIG_TYPES = {
  encryption: ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  lifecycle: ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"],
  objectLock: ["aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"],
  publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
} as const;

/**
 * The configuration resources of `types` that belong to `bucket`. They are linked by
 * dependency (their `bucket` input is the bucket's output, which is unknown during a preview
 * of a new bucket) or, failing that, by the bucket's name.
 */
export function bucketConfigs(args: StackValidationArgs, bucket: PolicyResource, types: readonly string[]): PolicyResource[] {
  const name = known(() => bucket.props.bucket as string | undefined);
  return args.resources.filter((r) => {
    if (!types.includes(r.type)) return false;
    const deps = [...r.dependencies, ...(r.propertyDependencies.bucket ?? [])];
    if (deps.some((d) => d.urn === bucket.urn)) return true;
    const ref = known(() => r.props.bucket as string | undefined);
    return name !== undefined && ref === name;
  });
}

/** The buckets of a stack. */
export function buckets(args: StackValidationArgs): PolicyResource[] {
  return args.resources.filter((r) => BUCKET_TYPES.includes(r.type));
}

/** How violation messages name a bucket. */
export function bucketLabel(bucket: PolicyResource): string {
  const name = known(() => bucket.props.bucket as string | undefined);
  return `S3 bucket ${bucket.name}${name && name !== bucket.name ? ` (${name})` : ""}`;
}

/** One statement of an IAM policy document, normalised to arrays. */
export interface Statement {
  readonly effect: string;
  readonly actions: string[];
  readonly notActions: string[];
  readonly resources: string[];
  readonly principals: unknown;
  readonly condition: Record<string, Record<string, unknown>>;
  readonly sid?: string;
}

const arr = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** Parses an IAM policy document given as JSON text or as an object. */
export function policyStatements(doc: unknown): Statement[] {
  const parsed = typeof doc === "string" ? (JSON.parse(doc) as Record<string, unknown>) : (doc as Record<string, unknown> | undefined);
  const raw = parsed?.Statement ?? parsed?.statement ?? parsed?.statements ?? [];
  return (Array.isArray(raw) ? raw : [raw]).map((s: Record<string, unknown>) => ({
    effect: String(s.Effect ?? s.effect ?? ""),
    actions: arr(s.Action ?? s.action ?? s.actions),
    notActions: arr(s.NotAction ?? s.notActions),
    resources: arr(s.Resource ?? s.resource ?? s.resources),
    principals: s.Principal ?? s.principals,
    condition: (s.Condition ?? s.condition ?? {}) as Record<string, Record<string, unknown>>,
    sid: (s.Sid ?? s.sid) as string | undefined,
  }));
}
