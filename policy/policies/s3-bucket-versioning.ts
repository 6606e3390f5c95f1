import type { EnforcementLevel } from "@pulumi/policy";
import { BUCKET_CONFIG_TYPES, bucketConfigs, bucketLabel, buckets } from "../lib/aws";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

/** S3 buckets keep object versions, so that an overwrite or delete of a backup can be undone. */
export function s3BucketVersioning(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "s3-bucket-versioning",
    description: "S3 buckets have versioning enabled.",
    severity: "high",
    enforcementLevel,
    remediationSteps: 'Add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".',
    validateStack: (args, report) => {
      for (const b of buckets(args)) {
        const inline = b.props.versioning?.enabled === true;
        const separate = bucketConfigs(args, b, BUCKET_CONFIG_TYPES.versioning).some((c) => c.props.versioningConfiguration?.status === "Enabled");
        if (!inline && !separate) {
          report(`${bucketLabel(b)} has no versioning: an overwritten or deleted backup is gone for good; add a BucketVersioning with versioningConfiguration.status "Enabled".`, b.urn);
        }
      }
    },
  };
}
