import { z } from "zod";
import { dnsLabel, promDuration } from "./common";
import type { EnvironmentDefaults } from "./defaults";
import "./meta";

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
  type: z.enum(STRATEGIES).meta({
    description: "`blueGreen`: one switch of every request to the new colour; `canary`: weighted steps through `router`, with the analysis gate at every step.",
    examples: ["canary", "blueGreen"],
  }),
  steps: z
    .array(z.int32())
    .optional()
    .meta({
      description: "Percent of traffic on the new colour at each canary step, increasing and ending at 100.",
      allowed: "whole percents, increasing, the last one 100",
      examples: [[5, 25, 50, 100]],
    }),
  dwellSeconds: z.int32().min(0).max(3600).optional().meta({
    description: "Seconds each canary step runs before its analysis: short where nobody waits (dev), longer where real users are.",
    examples: [600],
  }),
  scaleDownDelaySeconds: z.int32().min(0).max(MAX_SCALE_DOWN_DELAY_SECONDS).optional().meta({
    description:
      "Seconds the previous colour stays at its serving size after the switch (Argo Rollouts' `scaleDownDelaySeconds`): `platform promote` keeps analysing the new colour meanwhile (a blue-green window lasts at least the watch, `delivery:analysis` `watchSeconds`), and a failure moves traffic back in one update onto pods that never stopped. Then one `pulumi up` shrinks the old colour to `idleReplicas`; `platform rollback` after the window is cold (pre-scale and readiness before traffic moves). At most 6 hours (GitHub Actions' job limit).",
    examples: [900],
  }),
  analysis: z
    .strictObject({
      maxErrorRatio: z.number().min(0).max(1).optional().meta({ description: "Highest fraction of 5xx responses of the new colour over the window.", defaultText: "the value in `delivery:analysis` (docs/delivery.md)", examples: [0.005] }),
      maxLatencySeconds: z.number().gt(0).optional().meta({ description: "Highest latency at `latencyQuantile`, in seconds.", defaultText: "the value in `delivery:analysis` (docs/delivery.md)", examples: [0.3] }),
      latencyQuantile: z.number().gt(0).lt(1).optional().meta({ description: "Quantile compared with `maxLatencySeconds`.", defaultText: "the value in `delivery:analysis` (docs/delivery.md)", examples: [0.95] }),
      minRequests: z.int32().min(1).optional().meta({ description: "Fewest requests in the window for a verdict; fewer fails the step as inconclusive.", defaultText: "the value in `delivery:analysis` (docs/delivery.md)", examples: [50] }),
      window: promDuration.optional().meta({ description: "Range of the analysis queries.", defaultText: "the value in `delivery:analysis` (docs/delivery.md)", examples: ["2m"] }),
    })
    .optional()
    .meta({ description: "Thresholds of the analysis gate for this service; unset fields come from the `delivery:analysis` config value that `platform promote` reads." }),
  router: z
    .strictObject({
      kind: z.enum(ROUTER_KINDS).meta({
        description: "`gatewayApi`: an HTTPRoute with weighted backendRefs; `ingressNginx`: a canary Ingress with the `canary-weight` annotation.",
        examples: ["gatewayApi", "ingressNginx"],
      }),
      gateway: z
        .strictObject({
          name: dnsLabel(63).meta({ description: "Name of the Gateway.", examples: ["public"] }),
          namespace: dnsLabel(63).optional().meta({ description: "Namespace of the Gateway; it must allow routes from the apps namespace.", defaultText: "the service's namespace", examples: ["gateway"] }),
          sectionName: z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: "must be a listener name (a DNS label)" })
            .optional()
            .meta({ description: "Listener of the Gateway the route attaches to.", defaultText: "none: every listener", examples: ["https"] }),
        })
        .optional()
        .meta({ description: "The Gateway the HTTPRoute attaches to (kind gatewayApi; required there)." }),
      hostnames: z
        .array(hostname)
        .min(1)
        .optional()
        .meta({ description: "Host names the HTTPRoute matches.", defaultText: "`[ingress.host]` when set, else every host of the Gateway", examples: [["shop.example.com"]] }),
    })
    .optional()
    .meta({ description: "The router that applies canary weights; without one only blueGreen is possible.", defaultText: "none: blueGreen only" }),
});

/** Schema of a service's `migration`: a Job run before any traffic moves to a new release. */
export const migrationSchema = z.strictObject({
  name: dnsLabel(12).meta({ description: "What it migrates; the Job is named `<service>-<name>-<release>`.", examples: ["schema"] }),
  image: z.string().min(1).optional().meta({ description: "Image of the Job; production requires a digest (`repo@sha256:...`).", defaultText: "the new colour's image", examples: ["ghcr.io/acme/orders-migrate:1.5.0"] }),
  command: z.array(z.string().min(1)).min(1).meta({ description: "Command and arguments of the Job's container.", examples: [["./migrate", "up"]] }),
  timeoutSeconds: z.int32().min(10).max(86400).optional().meta({
    description: "Seconds before the Job is failed (activeDeadlineSeconds) and the release stops.",
    examples: [1800],
  }),
});

/** Schema of a service's `smokeTest`: requests to the new colour before the first step. */
export const smokeTestSchema = z.strictObject({
  baseUrl: z
    .url({ error: 'must be a URL such as "https://preview.example.com"' })
    .optional()
    .meta({ description: "Base URL of the new colour that the requests go to.", defaultText: "`https://<ingress.previewHost>`", examples: ["https://preview.shop.example.com"] }),
  requests: z
    .array(
      z.strictObject({
        path: z.string().startsWith("/", { error: 'must be an HTTP path starting with "/"' }).meta({ description: "Path requested.", examples: ["/healthz"] }),
        status: z.int32().min(100).max(599).optional().meta({ description: "HTTP status the answer must have.", examples: [204] }),
      }),
    )
    .min(1)
    .meta({ description: "Requests sent in order; the release stops at the first wrong status or timeout." }),
  timeoutSeconds: z.int32().min(1).max(300).optional().meta({ description: "Seconds each request may take.", examples: [5] }),
});

/** Applies the delivery defaults of an environment. Pure. */
export function resolveDelivery(
  s: { strategy?: z.infer<typeof strategySchema>; migration?: z.infer<typeof migrationSchema>; smokeTest?: z.infer<typeof smokeTestSchema> },
  /** The environment's defaults for what the service leaves out (stacks/schema/defaults.ts). */
  d: Pick<EnvironmentDefaults, "canaryDwellSeconds" | "scaleDownDelaySeconds">,
): DeliveryConfig {
  return {
    strategy: {
      type: s.strategy?.type ?? "blueGreen",
      steps: s.strategy?.steps ?? DEFAULT_CANARY_STEPS,
      dwellSeconds: s.strategy?.dwellSeconds ?? d.canaryDwellSeconds,
      scaleDownDelaySeconds: s.strategy?.scaleDownDelaySeconds ?? d.scaleDownDelaySeconds,
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
