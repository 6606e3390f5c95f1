import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";

/**
 * Every host an Ingress routes is served over TLS: listed under spec.tls with a secretName.
 * Without it the controller serves the host in plaintext (or with its default certificate),
 * so credentials and session cookies cross the network readable.
 */
export function ingressTls(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "ingress-tls",
    description: "Ingresses serve every host over TLS (spec.tls with a secretName covering each rule host).",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Set ingress.clusterIssuer (cert-manager) or ingress.tlsSecretName for the service, so that spec.tls covers each host.",
    validateResource: validateResourceOfType(k8s.networking.v1.Ingress, (ing, args, report) => {
      const tls = (ing.spec?.tls ?? []).filter((t) => t.secretName);
      const covered = (host: string) => tls.some((t) => (t.hosts ?? []).some((h) => h === host || (h.startsWith("*.") && host.endsWith(h.slice(1)) && !host.slice(0, -h.length + 1).includes("."))));
      const hosts = (ing.spec?.rules ?? []).map((r) => r.host).filter((h): h is string => typeof h === "string");
      const bare = hosts.filter((h) => !covered(h));
      if (bare.length > 0) {
        report(`Ingress ${objectKey(ing as never, args.name)} serves ${bare.map((h) => `"${h}"`).join(", ")} without TLS: traffic to it is readable and forgeable on the way; add spec.tls with a secretName covering the host (ingress.clusterIssuer or ingress.tlsSecretName).`);
      } else if (hosts.length === 0 && tls.length === 0) {
        report(`Ingress ${objectKey(ing as never, args.name)} has no host and no TLS: it serves every host name in plaintext; give its rules a host and spec.tls.`);
      }
    }),
  };
}
