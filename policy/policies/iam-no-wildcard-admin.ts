import type { EnforcementLevel } from "@pulumi/policy";
import { policyStatements } from "../lib/aws";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import type { ResourceValidation } from "@pulumi/policy";

/** IAM resources whose inputs carry policy documents, and where. */
const DOCUMENTS: Record<string, (props: Record<string, any>) => { where: string; doc: unknown }[]> = {
  "aws:iam/policy:Policy": (p) => [{ where: "policy", doc: p.policy }],
  "aws:iam/rolePolicy:RolePolicy": (p) => [{ where: "policy", doc: p.policy }],
  "aws:iam/userPolicy:UserPolicy": (p) => [{ where: "policy", doc: p.policy }],
  "aws:iam/groupPolicy:GroupPolicy": (p) => [{ where: "policy", doc: p.policy }],
  "aws:iam/role:Role": (p) => (p.inlinePolicies ?? []).map((ip: { name?: string; policy?: unknown }, i: number) => ({ where: `inlinePolicies[${i}]${ip.name ? ` (${ip.name})` : ""}`, doc: ip.policy })),
};

/** True when an Allow statement grants every action on every resource. */
export function isAdminStatement(s: ReturnType<typeof policyStatements>[number]): boolean {
  return s.effect === "Allow" && s.actions.some((a) => a === "*" || a === "*:*") && s.resources.includes("*");
}

/** No IAM policy grants `*` actions on `*` resources: that is full administrator access. */
export function iamNoWildcardAdmin(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  const validate: ResourceValidation = (args, report) => {
    const extract = DOCUMENTS[args.type];
    if (!extract) return args.notApplicable(`Policy only applies to IAM resources (${Object.keys(DOCUMENTS).join(", ")})`);
    for (const { where, doc } of extract(args.props)) {
      if (doc === undefined || doc === "") continue;
      for (const s of policyStatements(doc)) {
        if (isAdminStatement(s)) {
          report(`${where}${s.sid ? ` statement "${s.sid}"` : ""} allows "*" actions on "*" resources: that is full administrator access for whoever assumes it; list the actions and resource ARNs the workload needs.`);
        }
      }
    }
  };
  return {
    name: "iam-no-wildcard-admin",
    description: 'IAM policies do not allow "*" actions on "*" resources.',
    severity: "critical",
    enforcementLevel,
    remediationSteps: "Replace the statement with the specific actions and resource ARNs needed.",
    validateResource: validate,
  };
}
