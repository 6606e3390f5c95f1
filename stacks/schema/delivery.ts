import { z } from "zod";
import { dnsLabel, promDuration, type Environment } from "./common";
import { ENVIRONMENT_DEFAULTS } from "./defaults";

import { ROUTER_KINDS, STRATEGIES, type DeliveryConfig } from "../../components/app/service-spec";

export { ROUTER_KINDS, STRATEGIES, type DeliveryConfig, type MigrationConfig, type RouterKind, type SmokeTestConfig, type Strategy, type StrategyConfig } from "../../components/app/service-spec";

/** Canary steps used when a canary strategy names none: percent of traffic on the new colour. */
export const DEFAULT_CANARY_STEPS: readonly number[] = [10, 50, 100];

const hostname = z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { error: 'must be a host name such as "shop.example.com"' });

/**
 * Longest warm window: `platform promote` waits it out in one process, and a GitHub Actions job
 * is cancelled after 6 hours (its documented `timeout-minutes` maximum, 360).
 */
export const MAX_SCALE_DOWN_DELAY_SECONDS = 21600;

/** Schema of a service's `strategy`. */
export const strategySchema = z.strictObject({
  /** `blueGreen`: one switch of every request; `canary`: weighted steps through a router. */
  type: z.enum(STRATEGIES),
  /**
   * Percent of traffic on the new colour at each canary step, increasing and ending at 100.
   * @default [10, 50, 100]
   */
  steps: z.array(z.int32()).optional(),
  /** Seconds each canary step runs before its analysis. @default 30 (dev), 120 (staging), 300 (production) */
  dwellSeconds: z.int32().min(0).max(3600).optional(),
  /**
   * Seconds the previous colour stays at its serving size after the switch (Argo Rollouts'
   * `scaleDownDelaySeconds`): `platform promote` keeps analysing the new colour meanwhile, and a
   * failure moves traffic back in one update onto pods that never stopped. Then one `pulumi up`
   * shrinks the old colour to `idleReplicas`. At most 6 hours (GitHub Actions' job limit).
   * @default 0 (dev), 600 (staging), 1800 (production)
   */
  scaleDownDelaySeconds: z.int32().min(0).max(MAX_SCALE_DOWN_DELAY_SECONDS).optional(),
  /** Thresholds of the analysis gate for this service; unset fields come from `delivery:analysis`. */
  analysis: z
    .strictObject({
      /** Highest fraction of 5xx responses of the new colour. */
      maxErrorRatio: z.number().min(0).max(1).optional(),
      /** Highest latency at `latencyQuantile`, in seconds. */
      maxLatencySeconds: z.number().gt(0).optional(),
      /** Quantile compared with `maxLatencySeconds`, e.g. 0.99. */
      latencyQuantile: z.number().gt(0).lt(1).optional(),
      /** Fewest requests in the window for a verdict. */
      minRequests: z.int32().min(1).optional(),
      /** Range of the analysis queries, e.g. "2m". */
      window: promDuration.optional(),
    })
    .optional(),
  /** The router that applies canary weights; without one only blueGreen is possible. */
  router: z
    .strictObject({
      /** `gatewayApi`: an HTTPRoute with weighted backendRefs; `ingressNginx`: a canary Ingress with `canary-weight`. */
      kind: z.enum(ROUTER_KINDS),
      /** The Gateway the HTTPRoute attaches to (gatewayApi). */
      gateway: z
        .strictObject({
          name: dnsLabel(63),
          /** @default the service's namespace */
          namespace: dnsLabel(63).optional(),
          /** Listener of the Gateway, e.g. "https". @default every listener */
          sectionName: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: "must be a listener name (a DNS label)" }).optional(),
        })
        .optional(),
      /** Host names the HTTPRoute matches. @default [ingress.host] when set, else every host of the Gateway */
      hostnames: z.array(hostname).min(1).optional(),
    })
    .optional(),
});

/** Schema of a service's `migration`: a Job run before any traffic moves to a new release. */
export const migrationSchema = z.strictObject({
  /** What it migrates, e.g. "schema"; the Job is `<service>-<name>-<release>`. */
  name: dnsLabel(12),
  /** Image of the Job. @default the new colour's image */
  image: z.string().min(1).optional(),
  /** Command and arguments, e.g. ["./migrate", "up"]. */
  command: z.array(z.string().min(1)).min(1),
  /** Seconds before the Job is failed (activeDeadlineSeconds) and the release stops. @default 600 */
  timeoutSeconds: z.int32().min(10).max(86400).optional(),
});

/** Schema of a service's `smokeTest`: requests to the new colour before the first step. */
export const smokeTestSchema = z.strictObject({
  /** Base URL of the new colour. @default "https://<ingress.previewHost>" */
  baseUrl: z.url({ error: 'must be a URL such as "https://preview.example.com"' }).optional(),
  /** Requests and the status each must answer with. */
  requests: z
    .array(
      z.strictObject({
        path: z.string().startsWith("/", { error: 'must be an HTTP path starting with "/"' }),
        /** @default 200 */
        status: z.int32().min(100).max(599).optional(),
      }),
    )
    .min(1),
  /** Seconds each request may take. @default 10 */
  timeoutSeconds: z.int32().min(1).max(300).optional(),
});

/** Default seconds per canary step: short where nobody waits, longer where real users are. */
export function defaultDwellSeconds(env: Environment): number {
  return env === "production" ? 300 : env === "staging" ? 120 : 30;
}

/** Applies the delivery defaults of an environment. Pure. */
export function resolveDelivery(
  s: { strategy?: z.infer<typeof strategySchema>; migration?: z.infer<typeof migrationSchema>; smokeTest?: z.infer<typeof smokeTestSchema> },
  env: Environment,
): DeliveryConfig {
  return {
    strategy: {
      type: s.strategy?.type ?? "blueGreen",
      steps: s.strategy?.steps ?? DEFAULT_CANARY_STEPS,
      dwellSeconds: s.strategy?.dwellSeconds ?? defaultDwellSeconds(env),
      scaleDownDelaySeconds: s.strategy?.scaleDownDelaySeconds ?? ENVIRONMENT_DEFAULTS[env].scaleDownDelaySeconds,
      analysis: s.strategy?.analysis ?? {},
      router: s.strategy?.router,
    },
    migration: s.migration && { ...s.migration, timeoutSeconds: s.migration.timeoutSeconds ?? 600 },
    smokeTest: s.smokeTest && {
      baseUrl: s.smokeTest.baseUrl,
      requests: s.smokeTest.requests.map((r) => ({ path: r.path, status: r.status ?? 200 })),
      timeoutSeconds: s.smokeTest.timeoutSeconds ?? 10,
    },
  };
}
