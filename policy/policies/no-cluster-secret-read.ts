import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { RBAC_TYPES, readsSecrets, roleExemption, roleKey, ROLE_EXEMPTIONS_SCHEMA, type RoleExemption, type RoleProps } from "../lib/rbac";

/** Config of {@link noClusterSecretRead}. */
export interface NoClusterSecretReadConfig {
  /**
   * Reviewed ClusterRoles that must read Secrets in every namespace (e.g. prometheus-operator,
   * which reconciles the configuration Secrets of every Prometheus and Alertmanager it manages).
   * @default []
   */
  readonly allowedRoles: readonly RoleExemption[];
}

/** No ClusterRole grants get, list or watch on Secrets unless reviewed. */
export function noClusterSecretRead(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<NoClusterSecretReadConfig> = {}): PlatformPolicy {
  return {
    name: "no-cluster-secret-read",
    description: "ClusterRoles grant no get/list/watch on Secrets, except reviewed ones (allowedRoles).",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Grant Secrets in a Role of the namespace that holds them (with resourceNames where possible), or add a reviewed entry to allowedRoles.",
    configSchema: configSchema<NoClusterSecretReadConfig>({ allowedRoles: ROLE_EXEMPTIONS_SCHEMA }, { allowedRoles: [] }, defaults),
    validateResource: (args, report) => {
      if (args.type !== RBAC_TYPES.clusterRole) return args.notApplicable(`Policy only applies to resources of type '${RBAC_TYPES.clusterRole}'`);
      const props = args.props as RoleProps;
      if (roleExemption(args.getConfig<NoClusterSecretReadConfig>().allowedRoles, args, props)) return;
      if ((props.rules ?? []).some(readsSecrets)) {
        report(`${roleKey(args, props)} grants get/list/watch on Secrets in every namespace: whoever is bound to it can read every credential of the cluster; grant the Secrets a workload needs in a Role of their namespace (with resourceNames), or add a reviewed exemption to no-cluster-secret-read.allowedRoles.`);
      }
    },
  };
}
