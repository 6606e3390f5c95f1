import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "./service-spec";
import type { Environment } from "../../lib/environment";
import { COLORS, type Color } from "../../lib/colors";
import { APP_LABELS } from "../monitoring/contract";
import { colorSelector, otherColor, roleServiceName, serviceLabels } from "./labels";
import { SERVICE_HTTP_PORT, ingressAnnotations, tlsSecretOf } from "./network";
import { HTTP_PORT_NAME } from "./pod";

/** ingress-nginx annotations of a canary Ingress (kubernetes.github.io/ingress-nginx, "Canary"). */
export const NGINX_CANARY_ANNOTATIONS = {
  canary: "nginx.ingress.kubernetes.io/canary",
  weight: "nginx.ingress.kubernetes.io/canary-weight",
} as const;

/**
 * Percent of traffic per colour. The idle colour gets `promotion.canaryWeight` (written by
 * `platform promote` at each step), the active colour the rest; a blue-green service, or a
 * canary between releases, sends everything to the active colour.
 */
export function colorWeights(s: Pick<ServiceConfig, "activeColor" | "promotion" | "strategy">): Record<Color, number> {
  const idle = otherColor(s.activeColor);
  const w = s.strategy.type === "canary" ? s.promotion.canaryWeight : 0;
  return { [s.activeColor]: 100 - w, [idle]: w } as Record<Color, number>;
}

/** Kubernetes name of the Service that selects one colour's pods: `<service>-<color>`. */
export function colorServiceName(service: string, color: Color): string {
  return `${service}-${color}`;
}

/**
 * Spec of a colour's Service, the backend the router weighs. It selects by name and colour
 * only and never changes with `activeColor`, so that the last step of a canary (all traffic on
 * the new colour) and the switch of `activeColor` after it move nothing. It carries no role
 * label, so the ServiceMonitor (which selects the active and preview Services) does not scrape
 * the pods twice.
 */
export function colorServiceSpec(s: Pick<ServiceConfig, "name" | "port">, color: Color): Record<string, unknown> {
  return {
    type: "ClusterIP",
    selector: colorSelector(s.name, color),
    ports: [{ name: HTTP_PORT_NAME, port: SERVICE_HTTP_PORT, targetPort: s.port, protocol: "TCP" }],
  };
}

/** Labels of a colour's Service. */
export function colorServiceLabels(environment: string, service: string, color: Color): Record<string, string> {
  return { ...serviceLabels(environment, service), [APP_LABELS.color]: color };
}

/**
 * The HTTPRoute (gateway.networking.k8s.io/v1) of a service with a gatewayApi router: one rule
 * for every path of its hosts, with a weighted backendRef per colour Service. Both backendRefs
 * are always present (a weight may be 0), so a step changes only the weights.
 */
export function httpRoute(s: ServiceConfig, namespace: string, labels: Record<string, string> = {}): Record<string, unknown> {
  const router = s.strategy.router;
  if (router?.kind !== "gatewayApi" || !router.gateway) throw new Error(`service ${s.name} has no gatewayApi router`);
  const g = router.gateway;
  const hostnames = router.hostnames ?? (s.ingress ? [s.ingress.host] : undefined);
  const weights = colorWeights(s);
  // A fixed order, so that a step or a switch changes only the weights.
  const order: readonly Color[] = COLORS;
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: s.name, namespace, labels },
    spec: {
      parentRefs: [
        {
          group: "gateway.networking.k8s.io",
          kind: "Gateway",
          name: g.name,
          ...(g.namespace !== undefined ? { namespace: g.namespace } : {}),
          ...(g.sectionName !== undefined ? { sectionName: g.sectionName } : {}),
        },
      ],
      ...(hostnames ? { hostnames: [...hostnames] } : {}),
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: order.map((c) => ({ group: "", kind: "Service", name: colorServiceName(s.name, c), port: SERVICE_HTTP_PORT, weight: weights[c] })),
        },
      ],
    },
  };
}

/**
 * The canary Ingress of a service with an ingressNginx router: the same host as the service's
 * Ingress, `canary: "true"` and `canary-weight` = the idle colour's share, backed by the idle
 * colour's Service. ingress-nginx sends that share of the host's requests here and the rest
 * to the main Ingress (the active Service).
 */
export function canaryIngress(s: ServiceConfig, namespace: string, labels: Record<string, string> = {}): Record<string, unknown> {
  if (s.strategy.router?.kind !== "ingressNginx" || !s.ingress) throw new Error(`service ${s.name} has no ingressNginx router`);
  const idle = otherColor(s.activeColor);
  const host = s.ingress.host;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: `${s.name}-canary`,
      namespace,
      labels,
      // The main Ingress's issuer annotation is not repeated: one owner per certificate Secret.
      annotations: { ...ingressAnnotations(s, "active", { issuer: false }), [NGINX_CANARY_ANNOTATIONS.canary]: "true", [NGINX_CANARY_ANNOTATIONS.weight]: String(colorWeights(s)[idle]) },
    },
    spec: {
      ...(s.ingress.className ? { ingressClassName: s.ingress.className } : {}),
      ...(tlsSecretOf(s, "active") ? { tls: [{ hosts: [host], secretName: tlsSecretOf(s, "active") }] } : {}),
      rules: [
        {
          host,
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: colorServiceName(s.name, idle), port: { name: HTTP_PORT_NAME } } } }] },
        },
      ],
    },
  };
}

/** Arguments of {@link TrafficRouter}. */
export interface TrafficRouterArgs {
  /** Environment; labels every object. */
  readonly environment: Environment;
  /** The service, every default applied; must have `strategy.router`. */
  readonly service: ServiceConfig;
  /** Namespace of the service (its Deployments and Services). */
  readonly namespace: string;
  /**
   * What each colour's Service waits for (its Deployment): a Service sends traffic only to a
   * colour that is rolled out and Ready. @default none
   */
  readonly colorDependsOn?: Readonly<Partial<Record<Color, readonly pulumi.Input<pulumi.Resource>[]>>>;
  /**
   * What the weights wait for besides the Services of the colours they give traffic to: the
   * Deployment of a new colour that gets a weight, and the release's migration Job. Pulumi
   * applies the HTTPRoute or canary Ingress only after these succeeded, and not at all when one
   * failed. Never a colour with no weight that waits for {@link TrafficRouter.route} (a cycle).
   * @default none
   */
  readonly trafficDependsOn?: readonly pulumi.Input<pulumi.Resource>[];
}

/**
 * Weighted traffic between the two colours of a service: a Service per colour, and either a
 * Gateway API HTTPRoute with weighted backendRefs or an ingress-nginx canary Ingress. The
 * weights come from config (`promotion.canaryWeight`, set by `platform promote` at each step),
 * so every step is one `pulumi up`. Make it depend on the new colour's Deployment and the
 * release's migration Job: traffic moves only after both are done.
 */
export class TrafficRouter extends pulumi.ComponentResource {
  /** Traffic share per colour this update applies. */
  readonly weights: Record<Color, number>;
  /** The object that carries the weights: the HTTPRoute, or the canary Ingress. */
  readonly route: pulumi.CustomResource;

  constructor(name: string, args: TrafficRouterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:app:TrafficRouter", name, {}, opts);
    const s = args.service;
    const router = s.strategy.router;
    if (!router) throw new pulumi.ResourceError(`TrafficRouter ${name}: service.strategy.router (unset) is required`, this);
    this.weights = colorWeights(s);
    const colorServices = COLORS.map(
      (color) =>
        new k8s.core.v1.Service(
          `${name}-service-${color}`,
          {
            metadata: { name: colorServiceName(s.name, color), namespace: args.namespace, labels: colorServiceLabels(args.environment, s.name, color) },
            spec: colorServiceSpec(s, color) as unknown as k8s.types.input.core.v1.ServiceSpec,
          },
          { parent: this, dependsOn: [...(args.colorDependsOn?.[color] ?? [])] },
        ),
    );
    // The route waits for the Services it sends traffic to; a colour with no weight may wait
    // for the route instead (BlueGreenService's idleDependsOn).
    const after = [...colorServices.filter((_, i) => this.weights[COLORS[i]] > 0), ...(args.trafficDependsOn ?? [])];
    const labels = serviceLabels(args.environment, s.name);
    if (router.kind === "gatewayApi") {
      const route = httpRoute(s, args.namespace, labels);
      this.route = new k8s.apiextensions.CustomResource(
        `${name}-httproute`,
        { apiVersion: route.apiVersion as string, kind: route.kind as string, metadata: route.metadata as k8s.types.input.meta.v1.ObjectMeta, spec: route.spec },
        { parent: this, dependsOn: after },
      );
    } else {
      const ing = canaryIngress(s, args.namespace, labels);
      this.route = new k8s.networking.v1.Ingress(
        `${name}-canary-ingress`,
        { metadata: ing.metadata as k8s.types.input.meta.v1.ObjectMeta, spec: ing.spec as k8s.types.input.networking.v1.IngressSpec },
        { parent: this, dependsOn: after },
      );
    }
    this.registerOutputs({ weights: this.weights, activeService: roleServiceName(s.name, "active") });
  }
}
