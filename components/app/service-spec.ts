// A service with every default applied: what BlueGreenService, MigrationJob, TrafficRouter and the
// service alert rules and dashboards take. stacks/resolve.ts produces it from stack config.
import type { Color } from "../../lib/colors";

/** How a release moves traffic to the new colour. */
export const STRATEGIES = ["blueGreen", "canary"] as const;
/** One of {@link STRATEGIES}. */
export type Strategy = (typeof STRATEGIES)[number];

/** What sets the traffic weights in the cluster. */
export const ROUTER_KINDS = ["gatewayApi", "ingressNginx"] as const;
/** One of {@link ROUTER_KINDS}. */
export type RouterKind = (typeof ROUTER_KINDS)[number];

/** Resolved `strategy` of a service. */
export interface StrategyConfig {
  readonly type: Strategy;
  readonly steps: readonly number[];
  readonly dwellSeconds: number;
  /** Seconds the previous colour stays at its serving size after the switch (the warm window). */
  readonly scaleDownDelaySeconds: number;
  /** Thresholds of the analysis gate for this service (read by `platform promote`, not deployed). */
  readonly analysis: {
    /** Highest fraction of 5xx responses of the new colour. @default the stack's `delivery.analysis` value */
    readonly maxErrorRatio?: number;
    /** Highest latency at `latencyQuantile`, in seconds. @default the stack's `delivery.analysis` value */
    readonly maxLatencySeconds?: number;
    /** Quantile compared with `maxLatencySeconds`. @default the stack's `delivery.analysis` value */
    readonly latencyQuantile?: number;
    /** Fewest requests in the window for a verdict. @default the stack's `delivery.analysis` value */
    readonly minRequests?: number;
    /** Range of the analysis queries, e.g. "2m". @default the stack's `delivery.analysis` value */
    readonly window?: string;
  };
  /** The router that applies canary weights. @default none: the release is one blueGreen switch of the Services' selectors */
  readonly router?: {
    readonly kind: RouterKind;
    /** The Gateway the HTTPRoute attaches to (gatewayApi routers). @default none: a gatewayApi router without it is refused (TrafficRouter) */
    readonly gateway?: {
      readonly name: string;
      /** @default the service's namespace */
      readonly namespace?: string;
      /** Listener of the Gateway. @default every listener of the Gateway */
      readonly sectionName?: string;
    };
    /** Host names the HTTPRoute matches. @default [ingress.host] when the service has an ingress, else every host of the Gateway */
    readonly hostnames?: readonly string[];
  };
}

/** Resolved `migration` of a service. */
export interface MigrationConfig {
  readonly name: string;
  /** Image of the Job. @default the new colour's image */
  readonly image?: string;
  readonly command: readonly string[];
  readonly timeoutSeconds: number;
}

/** Resolved `smokeTest` of a service. */
export interface SmokeTestConfig {
  /** Base URL of the new colour. @default "https://<ingress.previewHost>" */
  readonly baseUrl?: string;
  readonly requests: readonly { readonly path: string; readonly status: number }[];
  readonly timeoutSeconds: number;
}

/** The delivery part of a service with every default applied. */
export interface DeliveryConfig {
  readonly strategy: StrategyConfig;
  /** A Job run before any traffic moves to a new release. @default none: releases run no migration */
  readonly migration?: MigrationConfig;
  /** Requests to the new colour before the first step. @default none: no smoke test */
  readonly smokeTest?: SmokeTestConfig;
}

/** HPA scaling rules for one direction. */
export interface ScalingRules {
  readonly stabilizationWindowSeconds: number;
  /** Which policy wins when several apply. @default left out: Kubernetes applies "Max" */
  readonly selectPolicy?: "Max" | "Min" | "Disabled";
  readonly policies: readonly { readonly type: "Pods" | "Percent"; readonly value: number; readonly periodSeconds: number }[];
}

/** A probe with every field decided. */
export interface ResolvedProbe {
  readonly path: string;
  readonly port: number;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
}

/** One service with every default applied (its strategy, migration and smoke test: {@link DeliveryConfig}). */
export interface ServiceConfig extends DeliveryConfig {
  readonly name: string;
  readonly activeColor: Color;
  /** Image reference per colour; the `build.color` has none (its image comes from the build). */
  readonly image: Readonly<Partial<Record<Color, string>>>;
  /** Build the image of `build.color` from source and push it (see ServiceImage). @default none: every colour's image is pulled */
  readonly build?: {
    readonly context: string;
    /** Dockerfile path, relative to the context. @default "Dockerfile" (applied by ServiceImage) */
    readonly dockerfile?: string;
    readonly color: Color;
    readonly tag: string;
  };
  readonly port: number;
  readonly metricsPort: number;
  readonly metricsPath: string;
  readonly replicas: { readonly min: number; readonly max: number };
  readonly idleReplicas: number;
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: {
      /** @default no CPU limit */
      readonly cpu?: string;
      readonly memory: string;
    };
  };
  /**
   * Zone spread of each colour's pods: "DoNotSchedule" refuses to stack a zone, "ScheduleAnyway"
   * only prefers not to (clusters without a zone label, where a hard constraint leaves pods Pending).
   */
  readonly zoneSpread: "DoNotSchedule" | "ScheduleAnyway";
  readonly autoscaling: {
    readonly cpuUtilization: number;
    /** Average memory utilisation (percent of requests) the HPA aims at. @default none: the HPA does not scale on memory */
    readonly memoryUtilization?: number;
    /** A Pods or External metric the HPA also scales on. @default none */
    readonly metric?: { readonly type: "Pods" | "External"; readonly name: string; readonly averageValue: string };
    readonly scaleUp: ScalingRules;
    readonly scaleDown: ScalingRules;
  };
  readonly probes: { readonly startup: ResolvedProbe; readonly readiness: ResolvedProbe; readonly liveness: ResolvedProbe };
  /** Upper bounds (seconds) of the latency histogram's buckets (the `le` values it exports). */
  readonly histogramBuckets: readonly number[];
  readonly slo: {
    readonly availability: number;
    readonly latency: { readonly thresholdSeconds: number; readonly objective: number };
  };
  /** Ingress of the active (and preview) Service. @default none: the service is reachable inside the cluster only */
  readonly ingress?: {
    /** IngressClass; "nginx" adds ingress-nginx's HTTPS redirect and rate limit annotations. @default the cluster's default IngressClass */
    readonly className?: string;
    readonly host: string;
    /** Host of the preview Service. @default none: the preview colour gets no Ingress */
    readonly previewHost?: string;
    /** An existing TLS Secret for the hosts. @default none: cert-manager's `clusterIssuer` issues `<service>-tls`, or plain HTTP without one */
    readonly tlsSecretName?: string;
    /** cert-manager ClusterIssuer that issues the hosts' certificate. @default none */
    readonly clusterIssuer?: string;
    /** Per-client rate limit (ingress-nginx only). @default none: no limit */
    readonly rateLimit?: {
      readonly requestsPerSecond: number;
      /** Requests a client may send at once above the rate. @default 5 * requestsPerSecond */
      readonly burst?: number;
    };
  };
  readonly settings: Readonly<Record<string, string>>;
  readonly secretSettings: Readonly<Record<string, { readonly secretName: string; readonly key: string }>>;
  /** Destinations the pods may open connections to, besides DNS; each names exactly one of `namespace` and `cidr`. */
  readonly egress: readonly {
    /** @default none: the rule names `cidr` */
    readonly namespace?: string;
    /** @default none: the rule names `namespace` */
    readonly cidr?: string;
    readonly ports: readonly number[];
  }[];
  readonly promotion: {
    readonly prescale: boolean;
    readonly prescaleReplicas: number;
    /** End of the warm-rollback window (RFC 3339 UTC), written by `platform promote`. @default none: no window recorded */
    readonly warmUntil?: string;
    readonly canaryWeight: number;
    readonly migrate: boolean;
  };
  readonly shutdown: { readonly preStopSeconds: number; readonly terminationGracePeriodSeconds: number };
  readonly runAsUser: number;
  readonly automountServiceAccountToken: boolean;
}

/** The Prometheus client libraries' default histogram buckets (podinfo uses them), in seconds. */
export const DEFAULT_HISTOGRAM_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
