import * as aws from "@pulumi/aws";
import { validateResourceOfType, type EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

/** ECR tags cannot be overwritten, which is what makes a version tag a pin. */
export function ecrImmutableTags(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "ecr-immutable-tags",
    description: "ECR repositories have immutable tags.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: 'Set imageTagMutability: "IMMUTABLE".',
    validateResource: validateResourceOfType(aws.ecr.Repository, (repo, args, report) => {
      const m = repo.imageTagMutability ?? "MUTABLE";
      if (m !== "IMMUTABLE" && m !== "IMMUTABLE_WITH_EXCLUSION") {
        report(`ECR repository ${repo.name ?? args.name} has ${m} tags: a push can silently replace what "1.4.2" means in every cluster; set imageTagMutability: "IMMUTABLE".`);
      }
    }),
  };
}
