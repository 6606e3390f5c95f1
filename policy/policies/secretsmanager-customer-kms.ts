import * as aws from "@pulumi/aws";
import { validateResourceOfType, type EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

/**
 * Secrets Manager secrets are encrypted with a customer-managed KMS key: the AWS-managed
 * `aws/secretsmanager` key cannot be restricted by key policy nor shared across accounts.
 */
export function secretsmanagerCustomerKms(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "secretsmanager-customer-kms",
    description: "Secrets Manager secrets use a customer-managed KMS key.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Set kmsKeyId to the ARN of a customer-managed aws.kms.Key.",
    validateResource: validateResourceOfType(aws.secretsmanager.Secret, (secret, args, report) => {
      const key = secret.kmsKeyId;
      if (key === undefined || key === "" || key === "alias/aws/secretsmanager") {
        report(`Secrets Manager secret ${secret.name ?? args.name} uses the AWS-managed key: who may decrypt it cannot be limited by a key policy; set kmsKeyId to a customer-managed KMS key.`);
      }
    }),
  };
}
