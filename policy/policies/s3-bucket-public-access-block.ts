import type { EnforcementLevel } from "@pulumi/policy";
import { BUCKET_CONFIG_TYPES, bucketConfigs, bucketLabel, buckets } from "../lib/aws";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** S3 buckets block every form of public access. */
export function s3BucketPublicAccessBlock(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "s3-bucket-public-access-block",
    description: "S3 buckets have a public access block with all four settings on.",
    severity: "critical",
    enforcementLevel,
    remediationSteps: "Add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true.",
    validateStack: (args, report) => {
      for (const b of buckets(args)) {
        const blocks = bucketConfigs(args, b, BUCKET_CONFIG_TYPES.publicAccessBlock);
        if (blocks.length === 0) {
          report(`${bucketLabel(b)} has no public access block: one ACL or policy mistake would publish its objects; add a BucketPublicAccessBlock with ${FLAGS.join(", ")} true.`, b.urn);
          continue;
        }
        const off = FLAGS.filter((f) => !blocks.some((p) => p.props[f] === true));
        if (off.length > 0) {
          report(`${bucketLabel(b)} has a public access block without ${off.join(", ")}: public ACLs or policies could still expose objects; set ${off.join(", ")} to true.`, b.urn);
        }
      }
    },
  };
}
