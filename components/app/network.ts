import type { ServiceConfig } from "./service-spec";
import { otherColor } from "../../lib/colors";
import { APP_LABELS, METRICS_PORT_NAME } from "../monitoring/contract";
import { colorSelector, roleServiceName, type ServiceRole } from "./labels";
import { HTTP_PORT_NAME } from "./pod";

/** Port the Services expose HTTP on; pods serve on `port` (>= 1024, they run as non-root). */
export const SERVICE_HTTP_PORT = 80;

/**
 * Spec of the active or preview Service: both select by name and colour, so a switch changes
 * exactly one field of each (`selector[color]`). The "metrics" port serves the ServiceMonitor.
 */
export function serviceSpec(s: ServiceConfig, role: ServiceRole): Record<string, unknown> {
  const color = role === "active" ? s.activeColor : otherColor(s.activeColor);
  return {
    type: "ClusterIP",
    selector: colorSelector(s.name, color),
    ports: [
      { name: HTTP_PORT_NAME, port: SERVICE_HTTP_PORT, targetPort: s.port, protocol: "TCP" },
      // metricsPort >= 1024 never collides with port 80; it may be the same container port as http.
      { name: METRICS_PORT_NAME, port: s.metricsPort, targetPort: s.metricsPort, protocol: "TCP" },
    ],
  };
}

/** ingress-nginx annotations (kubernetes.github.io/ingress-nginx, "Annotations"). */
export const NGINX_ANNOTATIONS = {
  sslRedirect: "nginx.ingress.kubernetes.io/ssl-redirect",
  forceSslRedirect: "nginx.ingress.kubernetes.io/force-ssl-redirect",
  limitRps: "nginx.ingress.kubernetes.io/limit-rps",
  limitBurstMultiplier: "nginx.ingress.kubernetes.io/limit-burst-multiplier",
} as const;
/** cert-manager's ingress-shim annotation: issue the Ingress's tls Secrets from this ClusterIssuer. */
export const CERT_MANAGER_CLUSTER_ISSUER = "cert-manager.io/cluster-issuer";

/**
 * The Secret holding the certificate of a role's host: `tlsSecretName` when given (it must
 * cover both hosts), else `<service>-tls` / `<service>-preview-tls` issued by cert-manager;
 * undefined without TLS.
 */
export function tlsSecretOf(s: ServiceConfig, role: ServiceRole): string | undefined {
  if (s.ingress?.tlsSecretName) return s.ingress.tlsSecretName;
  if (s.ingress?.clusterIssuer) return `${roleServiceName(s.name, role)}-tls`;
  return undefined;
}

/**
 * Annotations of a role's Ingress: the cert-manager issuer; with ingress-nginx, HTTP -> HTTPS
 * redirects (308) when the host has TLS and the per-client rate limit (`limit-rps`, and the
 * burst as `limit-burst-multiplier` = burst / rps, ingress-nginx's form).
 */
export function ingressAnnotations(s: ServiceConfig, role: ServiceRole, opts: { readonly issuer?: boolean } = {}): Record<string, string> {
  const i = s.ingress;
  if (!i) return {};
  const out: Record<string, string> = {};
  if (i.clusterIssuer && !i.tlsSecretName && (opts.issuer ?? true)) out[CERT_MANAGER_CLUSTER_ISSUER] = i.clusterIssuer;
  if (i.className === "nginx") {
    if (tlsSecretOf(s, role)) {
      out[NGINX_ANNOTATIONS.sslRedirect] = "true";
      out[NGINX_ANNOTATIONS.forceSslRedirect] = "true";
    }
    if (i.rateLimit) {
      out[NGINX_ANNOTATIONS.limitRps] = String(i.rateLimit.requestsPerSecond);
      out[NGINX_ANNOTATIONS.limitBurstMultiplier] = String((i.rateLimit.burst ?? 5 * i.rateLimit.requestsPerSecond) / i.rateLimit.requestsPerSecond);
    }
  }
  return out;
}

/**
 * Spec of the Ingress of a role, or undefined when the service has no host for it. With TLS
 * (tlsSecretName or clusterIssuer) the host is served from {@link tlsSecretOf}.
 */
export function ingressSpec(s: ServiceConfig, role: ServiceRole): Record<string, unknown> | undefined {
  const host = role === "active" ? s.ingress?.host : s.ingress?.previewHost;
  if (!s.ingress || host === undefined) return undefined;
  const secretName = tlsSecretOf(s, role);
  return {
    ...(s.ingress.className ? { ingressClassName: s.ingress.className } : {}),
    ...(secretName ? { tls: [{ hosts: [host], secretName }] } : {}),
    rules: [
      {
        host,
        http: {
          paths: [
            {
              path: "/",
              pathType: "Prefix",
              backend: { service: { name: roleServiceName(s.name, role), port: { name: HTTP_PORT_NAME } } },
            },
          ],
        },
      },
    ],
  };
}

/** Where a service's traffic may come from. */
export interface NetworkSources {
  /** Namespace of the ingress controller: may reach the HTTP port. */
  readonly ingressControllerNamespace: string;
  /** Namespace of Prometheus: may reach the metrics port. */
  readonly monitoringNamespace: string;
}

const inNamespace = (ns: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });

/**
 * NetworkPolicy of both colours of a service: in from the ingress controller (HTTP port) and
 * from monitoring (metrics port) only; out to the declared dependencies only. DNS is allowed by
 * the namespace's default-deny policy, which this one adds to (policies are additive).
 */
export function networkPolicySpec(s: ServiceConfig, sources: NetworkSources): Record<string, unknown> {
  const tcp = (port: number) => ({ protocol: "TCP", port });
  return {
    podSelector: { matchLabels: { [APP_LABELS.name]: s.name } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      { from: [inNamespace(sources.ingressControllerNamespace)], ports: [tcp(s.port)] },
      { from: [inNamespace(sources.monitoringNamespace)], ports: [tcp(s.metricsPort)] },
    ],
    egress: s.egress.map((e) => ({
      to: [e.cidr !== undefined ? { ipBlock: { cidr: e.cidr } } : inNamespace(e.namespace as string)],
      ports: e.ports.map(tcp),
    })),
  };
}

