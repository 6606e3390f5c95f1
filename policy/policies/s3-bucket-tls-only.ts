import type { EnforcementLevel } from "@pulumi/policy";
import { BUCKET_CONFIG_TYPES, bucketConfigs, bucketLabel, buckets, policyStatements } from "../lib/aws";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

/** True when a statement denies every request made without TLS. */
export function deniesInsecureTransport(s: ReturnType<typeof policyStatements>[number]): boolean {
  if (s.effect !== "Deny") return false;
  const bool = s.condition.Bool ?? s.condition.bool;
  const v = bool?.["aws:SecureTransport"];
  return (v === false || v === "false" || (Array.isArray(v) && v.map(String).includes("false"))) && (s.actions.includes("s3:*") || s.actions.includes("*"));
}

/** S3 buckets refuse plain-HTTP requests, so credentials and backups never cross a network in clear text. */
export function s3BucketTlsOnly(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "s3-bucket-tls-only",
    description: "S3 bucket policies deny requests that do not use TLS.",
    severity: "high",
    enforcementLevel,
    remediationSteps: 'Add a BucketPolicy statement: Effect Deny, Action "s3:*", Principal "*", Condition Bool aws:SecureTransport "false".',
    validateStack: (args, report) => {
      for (const b of buckets(args)) {
        const docs = [b.props.policy, ...bucketConfigs(args, b, BUCKET_CONFIG_TYPES.policy).map((p) => p.props.policy)].filter((d) => d !== undefined && d !== "");
        if (!docs.some((d) => policyStatements(d).some(deniesInsecureTransport))) {
          report(`${bucketLabel(b)} accepts requests without TLS: data and signed requests could cross the network in clear text; add a BucketPolicy statement that denies "s3:*" when aws:SecureTransport is "false".`, b.urn);
        }
      }
    },
  };
}
