import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";

type NetworkPolicySpec = {
  podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  policyTypes?: string[];
  ingress?: unknown[];
  egress?: { ports?: { port?: number | string; protocol?: string }[] }[];
};

/**
 * True for a default-deny policy: it selects every pod, covers Ingress and Egress, allows no
 * ingress, and allows at most DNS (port 53) egress.
 */
export function isDefaultDeny(spec: NetworkPolicySpec | undefined): boolean {
  if (!spec) return false;
  const sel = spec.podSelector ?? {};
  const selectsAll = Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
  const types = spec.policyTypes ?? [];
  const dnsOnly = (spec.egress ?? []).every((e) => (e.ports ?? []).length > 0 && (e.ports ?? []).every((p) => Number(p.port) === 53));
  return selectsAll && types.includes("Ingress") && types.includes("Egress") && (spec.ingress ?? []).length === 0 && dnsOnly;
}

/**
 * Every namespace the stack creates has a default-deny NetworkPolicy, so that each flow must be
 * allowed explicitly by the workload that needs it.
 */
export function namespaceDefaultDeny(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "namespace-default-deny",
    description: "Every namespace has a default-deny NetworkPolicy for ingress and egress (DNS allowed).",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Add a NetworkPolicy with podSelector: {}, policyTypes [Ingress, Egress], no ingress rules and only DNS egress.",
    validateStack: (args, report) => {
      const denied = new Set(
        args.resources
          .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && isDefaultDeny(r.props.spec))
          .map((r) => r.props.metadata?.namespace ?? "default"),
      );
      for (const ns of args.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace")) {
        const name = ns.props.metadata?.name ?? ns.name;
        if (!denied.has(name)) {
          report(`Namespace ${name} has no default-deny NetworkPolicy: every pod in it accepts traffic from anywhere and can reach anything; add a NetworkPolicy with podSelector: {}, policyTypes [Ingress, Egress], no ingress rules and only DNS egress.`, ns.urn);
        }
      }
    },
  };
}
