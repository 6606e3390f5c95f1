import type { EnforcementLevel } from "@pulumi/policy";
import { BUCKET_CONFIG_TYPES, bucketConfigs, bucketLabel, buckets } from "../lib/aws";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

type Rule = { status?: string; enabled?: boolean; expiration?: unknown; transitions?: unknown[]; noncurrentVersionExpiration?: unknown };

/** True for an enabled rule that expires or moves objects (current or noncurrent versions). */
export function retiresObjects(r: Rule): boolean {
  const enabled = r.status === "Enabled" || r.enabled === true;
  return enabled && (r.expiration !== undefined || (r.transitions ?? []).length > 0 || r.noncurrentVersionExpiration !== undefined);
}

/** S3 buckets expire or tier old objects: with versioning on, nothing is ever freed otherwise. */
export function s3BucketLifecycle(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "s3-bucket-lifecycle",
    description: "S3 buckets have an enabled lifecycle rule that expires or transitions objects.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Add an aws.s3.BucketLifecycleConfiguration with an Enabled rule that has expiration, transitions or noncurrentVersionExpiration.",
    validateStack: (args, report) => {
      for (const b of buckets(args)) {
        const rules: Rule[] = [...(b.props.lifecycleRules ?? [])];
        for (const c of bucketConfigs(args, b, BUCKET_CONFIG_TYPES.lifecycle)) rules.push(...(c.props.rules ?? []));
        if (!rules.some(retiresObjects)) {
          report(`${bucketLabel(b)} has no enabled lifecycle rule that expires or transitions objects: storage (and every old version) grows forever; add a BucketLifecycleConfiguration rule with status "Enabled" and an expiration or transition.`, b.urn);
        }
      }
    },
  };
}
