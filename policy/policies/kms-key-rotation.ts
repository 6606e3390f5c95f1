import * as aws from "@pulumi/aws";
import { validateResourceOfType, type EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

/** Customer-managed KMS keys rotate their key material yearly (or sooner). */
export function kmsKeyRotation(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "kms-key-rotation",
    description: "KMS keys have automatic key rotation enabled.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Set enableKeyRotation: true.",
    validateResource: validateResourceOfType(aws.kms.Key, (key, args, report) => {
      // Asymmetric and HMAC keys cannot rotate automatically; the policy only applies to symmetric ones.
      const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
      if (spec !== "SYMMETRIC_DEFAULT") return;
      if (key.enableKeyRotation !== true) {
        report(`KMS key ${args.name} does not rotate: one leaked key version decrypts everything it ever protected; set enableKeyRotation: true.`);
      }
    }),
  };
}
