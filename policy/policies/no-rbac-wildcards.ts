import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { RBAC_TYPES, roleExemption, roleKey, ROLE_EXEMPTIONS_SCHEMA, ruleWildcards, type RoleExemption, type RoleProps } from "../lib/rbac";

/** Config of {@link noRbacWildcards}. */
export interface NoRbacWildcardsConfig {
  /** Reviewed roles whose wildcards are the upstream controller's needs. @default [] */
  readonly allowedRoles: readonly RoleExemption[];
}

/** No Role or ClusterRole uses "*" for API groups, resources or verbs unless reviewed. */
export function noRbacWildcards(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<NoRbacWildcardsConfig> = {}): PlatformPolicy {
  return {
    name: "no-rbac-wildcards",
    description: 'Roles and ClusterRoles name their API groups, resources and verbs: no "*" outside the reviewed allowedRoles.',
    severity: "high",
    enforcementLevel,
    remediationSteps: 'List the API groups, resources and verbs the workload uses instead of "*", or add a reviewed entry to allowedRoles.',
    configSchema: configSchema<NoRbacWildcardsConfig>({ allowedRoles: ROLE_EXEMPTIONS_SCHEMA }, { allowedRoles: [] }, defaults),
    validateResource: (args, report) => {
      if (args.type !== RBAC_TYPES.clusterRole && args.type !== RBAC_TYPES.role) return args.notApplicable("Policy only applies to Roles and ClusterRoles");
      const props = args.props as RoleProps;
      if (roleExemption(args.getConfig<NoRbacWildcardsConfig>().allowedRoles, args, props)) return;
      (props.rules ?? []).forEach((rule, i) => {
        const w = ruleWildcards(rule);
        if (w.length > 0) {
          report(`${roleKey(args, props)} rules[${i}] uses "*" for ${w.join(", ")}: a wildcard also grants whatever the API adds later (new resources, subresources, verbs such as escalate and impersonate); list what the workload uses, or add a reviewed exemption to no-rbac-wildcards.allowedRoles.`);
        }
      });
    },
  };
}
