import * as aws from "@pulumi/aws";
import { validateResourceOfType, type EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

/** ECR repositories scan every pushed image for known vulnerabilities. */
export function ecrScanOnPush(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "ecr-scan-on-push",
    description: "ECR repositories scan images on push.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Set imageScanningConfiguration.scanOnPush: true.",
    validateResource: validateResourceOfType(aws.ecr.Repository, (repo, args, report) => {
      if (repo.imageScanningConfiguration?.scanOnPush !== true) {
        report(`ECR repository ${repo.name ?? args.name} does not scan on push: images with known CVEs reach the cluster unnoticed; set imageScanningConfiguration.scanOnPush: true.`);
      }
    }),
  };
}
