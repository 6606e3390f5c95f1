import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, objectName, type PlatformPolicy } from "../lib/policy";
import { RBAC_TYPES } from "../lib/rbac";

interface BindingProps {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly roleRef?: { readonly kind?: string; readonly name?: string };
  readonly subjects?: readonly { readonly kind?: string; readonly name?: string; readonly namespace?: string }[];
}

/** No RoleBinding or ClusterRoleBinding grants the cluster-admin ClusterRole. */
export function noClusterAdminBinding(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "no-cluster-admin-binding",
    description: "No RoleBinding or ClusterRoleBinding refers to the cluster-admin ClusterRole.",
    severity: "critical",
    enforcementLevel,
    remediationSteps: "Bind a Role or ClusterRole that lists what the subject needs instead of cluster-admin.",
    validateResource: (args, report) => {
      if (args.type !== RBAC_TYPES.roleBinding && args.type !== RBAC_TYPES.clusterRoleBinding) return args.notApplicable("Policy only applies to RoleBindings and ClusterRoleBindings");
      const p = args.props as BindingProps;
      if (p.roleRef?.kind === "ClusterRole" && p.roleRef.name === "cluster-admin") {
        const kind = args.type === RBAC_TYPES.clusterRoleBinding ? "ClusterRoleBinding" : "RoleBinding";
        const where = kind === "RoleBinding" ? `${p.metadata?.namespace ?? "default"}/` : "";
        const who = (p.subjects ?? []).map((s) => `${s.kind}/${s.namespace ? `${s.namespace}/` : ""}${s.name}`).join(", ") || "its subjects";
        report(`${kind} ${where}${objectName(p, args.name)} gives ${who} cluster-admin: full control of every object of the cluster${kind === "RoleBinding" ? " within the namespace" : ""}, Secrets and RBAC included; bind a role that lists what the subject needs.`);
      }
    },
  };
}
