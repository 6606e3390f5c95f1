import type { EnforcementLevel } from "@pulumi/policy";
import { BUCKET_CONFIG_TYPES, bucketConfigs, bucketLabel, buckets } from "../lib/aws";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

type Sse = { sseAlgorithm?: string; kmsMasterKeyId?: string };

/**
 * S3 buckets encrypt with a customer-managed KMS key: SSE-S3 keys cannot be access-controlled
 * or audited, and a KMS key policy is a second gate in front of backups.
 */
export function s3BucketKmsEncryption(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "s3-bucket-kms-encryption",
    description: "S3 buckets use server-side encryption with a customer-managed KMS key.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms and kmsMasterKeyId set to your key.",
    validateStack: (args, report) => {
      for (const b of buckets(args)) {
        const defaults: Sse[] = [];
        const inline = b.props.serverSideEncryptionConfiguration?.rule?.applyServerSideEncryptionByDefault;
        if (inline) defaults.push(inline);
        for (const c of bucketConfigs(args, b, BUCKET_CONFIG_TYPES.encryption)) {
          for (const r of c.props.rules ?? []) if (r.applyServerSideEncryptionByDefault) defaults.push(r.applyServerSideEncryptionByDefault);
        }
        const ok = defaults.some((d) => (d.sseAlgorithm === "aws:kms" || d.sseAlgorithm === "aws:kms:dsse") && d.kmsMasterKeyId !== undefined && d.kmsMasterKeyId !== "");
        if (!ok) {
          const found = defaults.map((d) => d.sseAlgorithm).join(", ");
          report(
            `${bucketLabel(b)} is ${found ? `encrypted with ${found} but not with a customer-managed KMS key` : "not encrypted with a KMS key"}: objects could be read by anyone granted s3:GetObject, with no key policy or key audit trail; add a BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and kmsMasterKeyId.`,
            b.urn,
          );
        }
      }
    },
  };
}
