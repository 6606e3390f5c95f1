import { z } from "zod";
import { hostName } from "./network";
import { cpuQuantity, bytesQuantity, dnsLabel, positiveQuantity } from "./common";
import { migrationSchema, smokeTestSchema, strategySchema } from "./delivery";

import { COLORS } from "../../lib/colors";

export { COLORS, type Color } from "../../lib/colors";

/**
 * A container image reference: `registry/repo:tag` or `registry/repo@sha256:<64 hex>`.
 * Whether the tag is acceptable for the environment is checked later (production wants it pinned).
 */
export const imageRef = z
  .string()
  .regex(/^[a-z0-9]+([._\-/:][a-z0-9]+)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, {
    error: 'must be an image reference such as "ghcr.io/org/app:1.4.2" or "repo/app@sha256:<digest>"',
  });

const port = z.int32().min(1, { error: "must be a port number from 1 to 65535" }).max(65535, {
  error: "must be a port number from 1 to 65535",
});

const probe = z.strictObject({
  /** HTTP path probed, starting with "/". */
  path: z.string().startsWith("/", { error: 'must be an HTTP path starting with "/"' }),
  /** Port probed; @default the service port. */
  port: port.optional(),
  /** Seconds between probes. */
  periodSeconds: z.int32().min(1).max(300).optional(),
  /** Consecutive failures before the probe fails. */
  failureThreshold: z.int32().min(1).max(120).optional(),
});

const resources = z.strictObject({
  requests: z.strictObject({ cpu: cpuQuantity, memory: bytesQuantity }),
  limits: z.strictObject({ cpu: cpuQuantity.optional(), memory: bytesQuantity }),
});

const hpaPolicy = z.strictObject({
  type: z.enum(["Pods", "Percent"]),
  value: z.int32().min(1),
  periodSeconds: z.int32().min(1).max(1800),
});

const scalingRules = z.strictObject({
  stabilizationWindowSeconds: z.int32().min(0).max(3600),
  selectPolicy: z.enum(["Max", "Min", "Disabled"]).optional(),
  policies: z.array(hpaPolicy).min(1),
});

/** Schema of one entry of `app-platform:services`. */
export const serviceSchema = z.strictObject({
  /** Service name; objects are named `<name>-blue`, `<name>-green`, `<name>-preview`. */
  name: dnsLabel(40),
  /** Colour that receives production traffic; flipping it is a release, flipping back a rollback. */
  activeColor: z.enum(COLORS),
  /**
   * Image run by each colour. A colour without an image must be the `build.color`; a colour
   * with both is rejected (the two sources would conflict).
   */
  image: z.strictObject({ blue: imageRef.optional(), green: imageRef.optional() }),
  /**
   * Build the image of one colour from a Dockerfile with @pulumi/docker, and push it to the
   * stack's ECR repository (AWS stacks) or the local registry (dev).
   */
  build: z
    .strictObject({
      /** Build context folder, relative to the project root. */
      context: z.string().min(1),
      /** Dockerfile path relative to the context; @default "Dockerfile". */
      dockerfile: z.string().min(1).optional(),
      /** Colour that runs the built image. */
      color: z.enum(COLORS),
      /** Image tag pushed; ECR tags are immutable, so each build needs a new one (a version or commit). */
      tag: z.string().regex(/^[\w][\w.-]{0,127}$/, { error: 'must be an image tag such as "1.4.2" or "git-3f2a9c1"' }),
    })
    .optional(),
  /** Container port serving HTTP (and metrics unless `metricsPort` is set). */
  port,
  /** Port exposing Prometheus metrics; @default `port`. */
  metricsPort: port.optional(),
  /** Path of the Prometheus metrics endpoint. */
  metricsPath: z.string().startsWith("/").optional(),
  /** HPA bounds of the active colour. */
  replicas: z.strictObject({ min: z.int32().min(1), max: z.int32().min(1) }),
  /** HPA minimum of the idle colour (0 scales it away; production keeps it warm). */
  idleReplicas: z.int32().min(0).optional(),
  resources: resources.optional(),
  autoscaling: z
    .strictObject({
      cpuUtilization: z.int32().min(1).max(100).optional(),
      memoryUtilization: z.int32().min(1).max(100).optional(),
      /** A Pods or External metric with an average-value target. */
      metric: z
        .strictObject({
          type: z.enum(["Pods", "External"]),
          name: z.string().min(1),
          averageValue: positiveQuantity,
        })
        .optional(),
      scaleUp: scalingRules.optional(),
      scaleDown: scalingRules.optional(),
    })
    .optional(),
  probes: z
    .strictObject({
      startup: probe.optional(),
      readiness: probe.optional(),
      liveness: probe.optional(),
    })
    .optional(),
  /** Upper bounds (seconds) of the service's request-latency histogram buckets, as its metrics library declares them; the latency SLO threshold must be one of them. @default the Prometheus client defaults (podinfo): 0.005 … 10 */
  histogramBuckets: z.array(z.number().gt(0)).min(1).optional(),
  /** Service-level objectives that drive burn-rate alerts. */
  slo: z
    .strictObject({
      /** Fraction of requests that must succeed over 30 days, e.g. 0.999. */
      availability: z.number().gt(0.5).lt(1),
      /** Latency SLO: `objective` of requests faster than `thresholdSeconds`. */
      latency: z
        .strictObject({
          thresholdSeconds: z.number().gt(0),
          objective: z.number().gt(0.5).lt(1),
        })
        .optional(),
    })
    .optional(),
  ingress: z
    .strictObject({
      className: z.string().min(1).optional(),
      host: hostName({ lowercase: true, wildcard: true }),
      previewHost: hostName({ lowercase: true, wildcard: true }).optional(),
      /** An existing Secret (type kubernetes.io/tls) with the certificate of host and previewHost; or set clusterIssuer. */
      tlsSecretName: z.string().optional(),
      /**
       * cert-manager ClusterIssuer that issues the certificates (Secrets `<service>-tls` and
       * `<service>-preview-tls`, through cert-manager's ingress-shim); cert-manager must be
       * installed. Staging and production need this or tlsSecretName.
       */
      clusterIssuer: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "must be a Kubernetes object name" }).optional(),
      /** Per-client rate limit at ingress-nginx (className "nginx"): requests per second, and the burst allowed above it. */
      rateLimit: z
        .strictObject({
          requestsPerSecond: z.number().int().min(1),
          /** Requests a client may send at once; a whole multiple of requestsPerSecond (ingress-nginx takes a multiplier). @default 5 x requestsPerSecond */
          burst: z.number().int().min(1).optional(),
        })
        .optional(),
    })
    .optional(),
  /** Plain settings, delivered as a ConfigMap. */
  settings: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: "must be an environment variable name" }), z.string()).optional(),
  /** Secret settings: environment variable -> existing Secret and key (never a literal value). */
  secretSettings: z
    .record(
      z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: "must be an environment variable name" }),
      z.strictObject({ secretName: z.string().min(1), key: z.string().min(1) }),
    )
    .optional(),
  /** Declared egress besides DNS: in-cluster namespaces or CIDRs, with ports. */
  egress: z
    .array(
      z.strictObject({
        namespace: z.string().optional(),
        cidr: z.string().optional(),
        ports: z.array(port).min(1),
      }),
    )
    .optional(),
  promotion: z
    .strictObject({
      /**
       * Hold the idle colour at `prescaleReplicas`. Written by `platform promote` (raise the new
       * colour to the active colour's size before traffic moves, then keep the old colour at its
       * size through the warm window) and removed at the end of the release; set by hand it keeps
       * the idle colour at that size for good. @default false
       */
      prescale: z.boolean().optional(),
      /** Size of a prescaled idle colour; @default replicas.min (`platform promote` writes the active colour's measured size). */
      prescaleReplicas: z.int32().min(1).optional(),
      /**
       * End of the warm window, written by `platform promote` at the switch (an RFC 3339 UTC time):
       * until then the old colour is held at `prescaleReplicas` and `platform rollback` moves
       * traffic back in one update; after it the rollback is cold (pre-scale, readiness, switch).
       * The program does not read the clock: it renders the hold while `prescale` is set.
       */
      warmUntil: z.iso.datetime({ error: 'must be an RFC 3339 UTC time such as "2026-11-30T10:30:00Z"' }).optional(),
      /** Percent of traffic on the idle colour through the canary router; written by `platform promote`. @default 0 */
      canaryWeight: z.int32().min(0).max(100).optional(),
      /** Render the release's migration Job; written by `platform promote` before any traffic moves. @default false */
      migrate: z.boolean().optional(),
    })
    .optional(),
  /** How a release moves traffic: blueGreen (one switch) or canary (weighted steps). @default blueGreen */
  strategy: strategySchema.optional(),
  /** A Job run against the new release before any traffic moves to it. */
  migration: migrationSchema.optional(),
  /** Requests to the new colour, with expected statuses, before the first traffic step. */
  smokeTest: smokeTestSchema.optional(),
  /** Connection draining when a pod stops (rollout, scale-down, eviction). */
  shutdown: z
    .strictObject({
      /** Seconds the preStop hook waits, so that endpoints and load balancers stop routing first. */
      preStopSeconds: z.int32().min(0).max(300).optional(),
      /** Seconds between SIGTERM-time and SIGKILL, including the preStop pause. */
      terminationGracePeriodSeconds: z.int32().min(1).max(3600).optional(),
    })
    .optional(),
  /** UID (and GID) the container runs as; never 0. */
  runAsUser: z.int32().min(0).max(2147483647).optional(),
  /** Mount the service-account token (off unless the service calls the Kubernetes API). */
  automountServiceAccountToken: z.boolean().optional(),
});

/** One service as written in stack config. */
export type ServiceConfigInput = z.infer<typeof serviceSchema>;
