import type { ResourceValidationArgs } from "@pulumi/policy";
import { CHART_TYPE, parseUrn } from "./exemptions";
import { objectName } from "./policy";

/** Type tokens of the RBAC objects. */
export const RBAC_TYPES = {
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
} as const;

/** One rule of a Role or ClusterRole. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** A Role or ClusterRole's inputs. */
export interface RoleProps {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly rules?: readonly PolicyRule[];
}

/**
 * One reviewed exemption of a role from an RBAC policy: the `allowedRoles` entries of its
 * config in `policy/config/<stack>.json`.
 */
export interface RoleExemption {
  /** `ClusterRole/<name>` or `Role/<namespace>/<name>`. */
  readonly role: string;
  /** Name of the helm.v4.Chart resource that must parent the role; omit for roles the program creates. */
  readonly chart?: string;
  /** Why the role needs the grant (required: an exemption without a reason is refused). */
  readonly reason: string;
}

/** JSON schema of an `allowedRoles` list. */
export const ROLE_EXEMPTIONS_SCHEMA: Record<string, unknown> = {
  type: "array",
  items: {
    type: "object",
    properties: {
      role: { type: "string", pattern: "^(ClusterRole/[^/]+|Role/[a-z0-9]([-a-z0-9]*[a-z0-9])?/[^/]+)$" },
      chart: { type: "string", minLength: 1 },
      reason: { type: "string", minLength: 20 },
    },
    required: ["role", "reason"],
    additionalProperties: false,
  },
};

/** `ClusterRole/<name>` or `Role/<namespace>/<name>` of a role. */
export function roleKey(args: Pick<ResourceValidationArgs, "type" | "name">, props: RoleProps): string {
  const name = objectName(props, args.name);
  return args.type === RBAC_TYPES.clusterRole ? `ClusterRole/${name}` : `Role/${props.metadata?.namespace ?? "default"}/${name}`;
}

/** The exemption covering a role, if any (a chart exemption needs the role's parent to be that Chart). */
export function roleExemption(exemptions: readonly RoleExemption[] | undefined, args: Pick<ResourceValidationArgs, "type" | "name" | "opts">, props: RoleProps): RoleExemption | undefined {
  const key = roleKey(args, props);
  const parent = args.opts?.parent ? parseUrn(args.opts.parent) : undefined;
  return (exemptions ?? []).find((e) => e.role === key && (e.chart === undefined || (parent?.type === CHART_TYPE && parent.name === e.chart)));
}

const READ_VERBS = ["get", "list", "watch", "*"];

/** True when a rule lets its holder read Secrets (get, list or watch; wildcards included). */
export function readsSecrets(rule: PolicyRule): boolean {
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  return (groups.includes("") || groups.includes("*")) && (resources.includes("secrets") || resources.includes("*")) && (rule.verbs ?? []).some((v) => READ_VERBS.includes(v));
}

/** The wildcards of a rule: which of apiGroups, resources and verbs hold "*". */
export function ruleWildcards(rule: PolicyRule): string[] {
  return (["apiGroups", "resources", "verbs"] as const).filter((k) => (rule[k] ?? []).includes("*"));
}
