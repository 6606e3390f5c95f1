import type { EnforcementLevel } from "@pulumi/policy";
import { BUCKET_CONFIG_TYPES, bucketConfigs, bucketLabel, buckets } from "../lib/aws";
import { configSchema, DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

/** Config of {@link s3BucketObjectLock}. */
export interface S3BucketObjectLockConfig {
  /** Shortest default retention accepted, in days. @default 7 */
  readonly minimumDays: number;
}

/**
 * Backup buckets have Object Lock with a default retention, so that not even a stolen admin
 * credential (or ransomware) can delete backups before they age out.
 */
export function s3BucketObjectLock(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<S3BucketObjectLockConfig> = {}): PlatformPolicy {
  return {
    name: "s3-bucket-object-lock",
    description: "S3 buckets have Object Lock enabled with a default retention.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Create the bucket with objectLockEnabled: true and add an aws.s3.BucketObjectLockConfiguration with rule.defaultRetention.",
    configSchema: configSchema<S3BucketObjectLockConfig>({ minimumDays: { type: "integer", minimum: 1 } }, { minimumDays: 7 }, defaults),
    validateStack: (args, report) => {
      const min = args.getConfig<S3BucketObjectLockConfig>().minimumDays ?? 7;
      for (const b of buckets(args)) {
        if (b.props.objectLockEnabled !== true && b.props.objectLockConfiguration?.objectLockEnabled !== "Enabled") {
          report(`${bucketLabel(b)} is created without Object Lock: backups can be deleted or overwritten by anyone with write access, and Object Lock cannot be turned on later without a new bucket; set objectLockEnabled: true.`, b.urn);
          continue;
        }
        const retentions = [b.props.objectLockConfiguration?.rule?.defaultRetention, ...bucketConfigs(args, b, BUCKET_CONFIG_TYPES.objectLock).map((c) => c.props.rule?.defaultRetention)].filter(
          (r): r is { mode?: string; days?: number; years?: number } => r !== undefined,
        );
        const days = Math.max(0, ...retentions.filter((r) => r.mode !== undefined).map((r) => (r.days ?? 0) + (r.years ?? 0) * 365));
        if (days < min) {
          report(
            `${bucketLabel(b)} has Object Lock ${retentions.length === 0 ? "without a default retention" : `with a default retention of ${days} days`}, below the minimum of ${min} days: new objects are not locked long enough; add a BucketObjectLockConfiguration with rule.defaultRetention (mode and at least ${min} days).`,
            b.urn,
          );
        }
      }
    },
  };
}
