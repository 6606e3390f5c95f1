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
  readonly analysis: {
    readonly maxErrorRatio?: number;
    readonly maxLatencySeconds?: number;
    readonly latencyQuantile?: number;
    readonly minRequests?: number;
    readonly window?: string;
  };
  readonly router?: {
    readonly kind: RouterKind;
    readonly gateway?: { readonly name: string; readonly namespace?: string; readonly sectionName?: string };
    readonly hostnames?: readonly string[];
  };
}

/** Resolved `migration` of a service. */
export interface MigrationConfig {
  readonly name: string;
  readonly image?: string;
  readonly command: readonly string[];
  readonly timeoutSeconds: number;
}

/** Resolved `smokeTest` of a service. */
export interface SmokeTestConfig {
  readonly baseUrl?: string;
  readonly requests: readonly { readonly path: string; readonly status: number }[];
  readonly timeoutSeconds: number;
}

/** The delivery part of a service with every default applied. */
export interface DeliveryConfig {
  readonly strategy: StrategyConfig;
  readonly migration?: MigrationConfig;
  readonly smokeTest?: SmokeTestConfig;
}

/** HPA scaling rules for one direction. */
export interface ScalingRules {
  readonly stabilizationWindowSeconds: number;
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
  readonly build?: { readonly context: string; readonly dockerfile: string; readonly color: Color; readonly tag: string };
  readonly port: number;
  readonly metricsPort: number;
  readonly metricsPath: string;
  readonly replicas: { readonly min: number; readonly max: number };
  readonly idleReplicas: number;
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu?: string; readonly memory: string };
  };
  readonly autoscaling: {
    readonly cpuUtilization: number;
    readonly memoryUtilization?: number;
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
  readonly ingress?: {
    readonly className?: string;
    readonly host: string;
    readonly previewHost?: string;
    readonly tlsSecretName?: string;
    readonly clusterIssuer?: string;
    readonly rateLimit?: { readonly requestsPerSecond: number; readonly burst?: number };
  };
  readonly settings: Readonly<Record<string, string>>;
  readonly secretSettings: Readonly<Record<string, { readonly secretName: string; readonly key: string }>>;
  readonly egress: readonly { readonly namespace?: string; readonly cidr?: string; readonly ports: readonly number[] }[];
  readonly promotion: { readonly prescale: boolean; readonly prescaleReplicas: number; readonly warmUntil?: string; readonly canaryWeight: number; readonly migrate: boolean };
  readonly shutdown: { readonly preStopSeconds: number; readonly terminationGracePeriodSeconds: number };
  readonly runAsUser: number;
  readonly automountServiceAccountToken: boolean;
}

/** The Prometheus client libraries' default histogram buckets (podinfo uses them), in seconds. */
export const DEFAULT_HISTOGRAM_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
