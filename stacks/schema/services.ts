import { z } from "zod";
import { hostName } from "./network";
import { cpuQuantity, bytesQuantity, dnsLabel, positiveQuantity } from "./common";
import { migrationSchema, smokeTestSchema, strategySchema } from "./delivery";

import { COLORS } from "../../lib/colors";
import "./meta";

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

/** A probe; `what` says what failing it does. */
const probe = (what: string) =>
  z.strictObject({
    path: z.string().startsWith("/", { error: 'must be an HTTP path starting with "/"' }).meta({
      description: `HTTP path requested on the container; any status from 200 to 399 passes. ${what}`,
      examples: ["/healthz"],
    }),
    port: port.optional().meta({ description: "Container port the probe requests.", defaultText: "the service's `port`", examples: [8081] }),
    periodSeconds: z.int32().min(1).max(300).optional().meta({ description: "Seconds between two probes.", examples: [10] }),
    failureThreshold: z.int32().min(1).max(120).optional().meta({
      description: "Consecutive failed probes before the probe counts as failed; periodSeconds × failureThreshold is how long a failure may last.",
      examples: [3],
    }),
  });

const resources = z.strictObject({
  requests: z
    .strictObject({
      cpu: cpuQuantity.meta({ description: "CPU reserved for each container: the scheduler places pods by it, and the HPA's cpuUtilization is a percentage of it.", examples: ["250m"] }),
      memory: bytesQuantity.meta({ description: "Memory reserved for each container; the scheduler places pods by it.", examples: ["256Mi"] }),
    })
    .meta({ description: "What each container is guaranteed." }),
  limits: z
    .strictObject({
      cpu: cpuQuantity.optional().meta({
        description: "CPU limit. Left unset on purpose by default: a CPU limit throttles a busy service even when the node has idle CPU.",
        defaultText: "none: no CPU limit (no throttling)",
        examples: ["1"],
      }),
      memory: bytesQuantity.meta({ description: "Memory limit; a container above it is killed (OOMKilled) and restarted.", examples: ["512Mi"] }),
    })
    .meta({ description: "The most each container may use." }),
});

const hpaPolicy = z.strictObject({
  type: z.enum(["Pods", "Percent"]).meta({ description: "`Pods`: change by at most `value` pods per period; `Percent`: by at most `value` percent of the current replicas.", examples: ["Percent"] }),
  value: z.int32().min(1).meta({ description: "Pods or percent per period, as `type` says.", examples: [100] }),
  periodSeconds: z.int32().min(1).max(1800).meta({ description: "Length of the period the policy's limit applies to, in seconds.", examples: [60] }),
});

/** HPA behaviour in one direction; `dir` is "up" or "down". */
const scalingRules = (dir: string) =>
  z.strictObject({
    stabilizationWindowSeconds: z.int32().min(0).max(3600).meta({
      description: `Seconds of past recommendations the HPA considers before scaling ${dir}: it picks the ${dir === "up" ? "lowest" : "highest"} of them, so short spikes do not move the replicas.`,
      examples: [300],
    }),
    selectPolicy: z
      .enum(["Max", "Min", "Disabled"])
      .optional()
      .meta({ description: `Which policy wins when several apply: \`Max\` the largest change, \`Min\` the smallest, \`Disabled\` never scale ${dir}.`, defaultText: "`Max` (the Kubernetes default)", examples: ["Min"] }),
    policies: z
      .array(hpaPolicy)
      .min(1)
      .meta({ description: `How fast the HPA may scale ${dir}: each policy limits the change per period.` }),
  });

/** Schema of one entry of `app-platform:services`. */
export const serviceSchema = z.strictObject({
  name: dnsLabel(40).meta({
    description: "Name of the service; its objects are named `<name>-blue`, `<name>-green` (Deployments), `<name>` and `<name>-preview` (Services). Unique among the services.",
    examples: ["orders-api", "shop"],
  }),
  activeColor: z.enum(COLORS).meta({
    description: "Colour that receives production traffic. Changing it is a release (`platform promote` does it after migrations and smoke tests); changing it back is a rollback.",
    examples: ["blue", "green"],
  }),
  image: z
    .strictObject({
      blue: imageRef.optional().meta({
        description: "Image the blue colour runs. Staging refuses `latest` and untagged references; production requires a digest (`repo@sha256:...`, written by `platform pin-images production`).",
        defaultText: "none: then `build.color` must be blue",
        examples: ["ghcr.io/acme/orders-api:1.4.2"],
      }),
      green: imageRef.optional().meta({
        description: "Image the green colour runs. Staging refuses `latest` and untagged references; production requires a digest (`repo@sha256:...`, written by `platform pin-images production`).",
        defaultText: "none: then `build.color` must be green",
        examples: ["ghcr.io/acme/orders-api:1.5.0"],
      }),
    })
    .meta({
      description: "Image each colour runs. A colour without an image must be the one `build` builds; a colour with both an image and a build is refused (the two would conflict).",
      examples: [{ blue: "ghcr.io/acme/orders-api:1.4.2", green: "ghcr.io/acme/orders-api:1.5.0" }, { blue: "ghcr.io/stefanprodan/podinfo:6.7.1" }],
    }),
  build: z
    .strictObject({
      context: z.string().min(1).meta({ description: "Build context folder, relative to the project root.", examples: ["services/orders-api"] }),
      dockerfile: z.string().min(1).optional().meta({ description: "Dockerfile path, relative to the context.", defaultText: "`Dockerfile` in the context (the ServiceImage component's default)", examples: ["Dockerfile.prod"] }),
      color: z.enum(COLORS).meta({ description: "Colour that runs the built image; that colour must have no `image`.", examples: ["green"] }),
      tag: z.string().regex(/^[\w][\w.-]{0,127}$/, { error: 'must be an image tag such as "1.4.2" or "git-3f2a9c1"' }).meta({
        description: "Tag the built image is pushed with. ECR tags are immutable, so each build needs a new tag (a version or a commit).",
        examples: ["git-3f2a9c1"],
      }),
    })
    .optional()
    .meta({
      description: "Build one colour's image from a Dockerfile (with @pulumi/docker) and push it to the stack's ECR repository, or to the local registry in dev; the colour runs it by digest.",
      defaultText: "none: both colours run images from `image`",
    }),
  port: port.meta({ description: "Container port serving HTTP; also the metrics port unless `metricsPort` is set.", examples: [8080, 9898] }),
  metricsPort: port.optional().meta({ description: "Container port exposing Prometheus metrics.", defaultText: "the service's `port`", examples: [9797] }),
  metricsPath: z.string().startsWith("/").optional().meta({ description: "Path of the Prometheus metrics endpoint.", examples: ["/metrics"] }),
  replicas: z
    .strictObject({
      min: z.int32().min(1).meta({ description: "Fewest pods of the active colour (the HPA's minReplicas). Production needs at least 2 so that a node loss leaves the service up.", examples: [2, 3] }),
      max: z.int32().min(1).meta({ description: "Most pods of the active colour (the HPA's maxReplicas); at least `min`.", examples: [10, 6] }),
    })
    .meta({ description: "Autoscaling bounds of the active colour." }),
  idleReplicas: z.int32().min(0).optional().meta({
    description: "Minimum pods of the idle colour. 0 scales it away between releases; production keeps it warm at `replicas.min` so that a rollback is instant.",
    defaultText: { production: "`replicas.min`" },
    examples: [0],
  }),
  resources: resources.optional().meta({
    description: "Requests and limits of each container. The defaults are small in dev so that a laptop cluster fits every service.",
  }),
  autoscaling: z
    .strictObject({
      cpuUtilization: z.int32().min(1).max(100).optional().meta({ description: "Target average CPU use, in percent of the CPU request; the HPA adds pods above it.", examples: [60] }),
      memoryUtilization: z.int32().min(1).max(100).optional().meta({
        description: "Target average memory use, in percent of the memory request; scales on memory too when set.",
        defaultText: "none: memory does not drive scaling",
        examples: [80],
      }),
      metric: z
        .strictObject({
          type: z.enum(["Pods", "External"]).meta({ description: "`Pods`: a per-pod metric from the custom metrics API; `External`: a metric of something outside the cluster (e.g. queue length).", examples: ["Pods"] }),
          name: z.string().min(1).meta({ description: "Metric name as the metrics adapter serves it.", examples: ["http_requests_per_second"] }),
          averageValue: positiveQuantity.meta({ description: "Target value per pod, a Kubernetes quantity; the HPA adds pods above it.", examples: ["100"] }),
        })
        .optional()
        .meta({ description: "A further metric the HPA scales on, with an average-value target; needs a metrics adapter (e.g. prometheus-adapter).", defaultText: "none: CPU (and memory) only" }),
      scaleUp: scalingRules("up").optional().meta({ description: "How fast the HPA adds pods: by default at once, up to double or 4 more pods every 30 s, whichever is more." }),
      scaleDown: scalingRules("down").optional().meta({ description: "How fast the HPA removes pods: by default slowly, after a stabilisation window that is longest in production." }),
    })
    .optional()
    .meta({ description: "Horizontal Pod Autoscaler targets and behaviour of the active colour." }),
  probes: z
    .strictObject({
      startup: probe("Until it passes, the other probes wait: a slow first start is not killed by the liveness probe.").optional().meta({
        description: "Startup probe; by default the liveness probe's path, allowing 30 × 2 s for the first start.",
      }),
      readiness: probe("A failing pod is taken out of the Service's endpoints until it passes again.").optional().meta({ description: "Readiness probe: whether the pod gets traffic." }),
      liveness: probe("A failing container is restarted.").optional().meta({ description: "Liveness probe: whether the container is restarted." }),
    })
    .optional()
    .meta({ description: "Kubernetes probes of each container." }),
  histogramBuckets: z.array(z.number().gt(0)).min(1).optional().meta({
    description: "Upper bounds (seconds) of the service's request-latency histogram buckets, as its metrics library declares them; `slo.latency.thresholdSeconds` must be one of them, or the SLO cannot be computed exactly.",
    examples: [[0.1, 0.25, 0.5, 1, 2.5]],
  }),
  slo: z
    .strictObject({
      availability: z.number().gt(0.5).lt(1).meta({
        description: "Fraction of requests that must succeed (not 5xx) over 30 days; drives the multi-window burn-rate alerts and the error budget. Must be above 0.93056 (1 - 1/14.4): at or below it the 14.4x burn-rate page could never fire, and the stack is refused at load.",
        examples: [0.999, 0.995],
      }),
      latency: z
        .strictObject({
          thresholdSeconds: z.number().gt(0).meta({ description: "Latency a request must beat, in seconds; one of `histogramBuckets`.", examples: [0.5, 0.25] }),
          objective: z.number().gt(0.5).lt(1).meta({ description: "Fraction of requests that must be faster than thresholdSeconds over 30 days. Must be above 0.93056 (1 - 1/14.4), as `slo.availability`.", examples: [0.99, 0.95] }),
        })
        .optional()
        .meta({ description: "Latency SLO: `objective` of requests faster than `thresholdSeconds`." }),
    })
    .optional()
    .meta({ description: "Service-level objectives; they drive the burn-rate alerts (page on fast burn, ticket on slow burn) and the SLO dashboard." }),
  ingress: z
    .strictObject({
      className: z.string().min(1).optional().meta({
        description: "IngressClass of the Ingresses. With `nginx`, HTTP is redirected to HTTPS when the host has TLS, and `rateLimit` applies.",
        defaultText: "none: the cluster's default IngressClass",
        examples: ["nginx"],
      }),
      host: hostName({ lowercase: true, wildcard: true }).meta({
        description: "Host name routed to the active colour. Unique among the services.",
        allowed: "a lowercase host name (RFC 1123), optionally starting with `*.`",
        examples: ["shop.example.com"],
      }),
      previewHost: hostName({ lowercase: true, wildcard: true }).optional().meta({
        description: "Host name routed to the idle colour, for testing a release before it takes traffic.",
        defaultText: "none: the idle colour has no Ingress",
        allowed: "a lowercase host name (RFC 1123), optionally starting with `*.`",
        examples: ["preview.shop.example.com"],
      }),
      tlsSecretName: z.string().optional().meta({
        description: "An existing Secret (type kubernetes.io/tls) with the certificate of host and previewHost. Staging and production need this or clusterIssuer.",
        defaultText: "none: certificates come from `clusterIssuer`, else no TLS (dev)",
        examples: ["shop-tls"],
      }),
      clusterIssuer: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "must be a Kubernetes object name" }).optional().meta({
        description: "cert-manager ClusterIssuer that issues the certificates (Secrets `<service>-tls` and `<service>-preview-tls`, through cert-manager's ingress-shim); cert-manager must be installed. Staging and production need this or tlsSecretName.",
        defaultText: "none: certificates come from `tlsSecretName`, else no TLS (dev)",
        examples: ["letsencrypt-prod"],
      }),
      rateLimit: z
        .strictObject({
          requestsPerSecond: z.number().int().min(1).meta({ description: "Requests per second each client IP may send (ingress-nginx `limit-rps`); above it clients get 503.", examples: [20] }),
          burst: z.number().int().min(1).optional().meta({
            description: "Requests a client may send at once above the rate; a whole multiple of requestsPerSecond, because ingress-nginx takes a multiplier (`limit-burst-multiplier`).",
            defaultText: "5 × requestsPerSecond",
            examples: [100],
          }),
        })
        .optional()
        .meta({ description: "Per-client rate limit at ingress-nginx (className `nginx` only).", defaultText: "none: no rate limit" }),
    })
    .optional()
    .meta({ description: "Ingresses for the service's host (active colour) and preview host (idle colour).", defaultText: "none: the service is reachable inside the cluster only" }),
  settings: z
    .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: "must be an environment variable name" }), z.string())
    .optional()
    .meta({
      description: "Plain settings, delivered as environment variables from a ConfigMap; a change rolls the pods (the ConfigMap's checksum is in the pod template). Never credentials: use secretSettings.",
      allowed: "keys are environment variable names (A-Z, 0-9, _); values are strings",
      examples: [{ LOG_LEVEL: "info", FEATURE_CHECKOUT: "on" }],
    }),
  secretSettings: z
    .record(
      z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: "must be an environment variable name" }),
      z.strictObject({
        secretName: z.string().min(1).meta({ description: "Secret in the apps namespace: one the program creates, or one declared in `providedSecrets`.", examples: ["postgres-app"] }),
        key: z.string().min(1).meta({ description: "Key of that Secret.", examples: ["password"] }),
      }),
    )
    .optional()
    .meta({
      description: "Secret settings: environment variable -> an existing Secret and key (never a literal value). A reference to an unknown Secret or key is refused at load, because the pod would never start.",
      defaultText: "none: no secret environment variables",
      examples: [{ DATABASE_PASSWORD: { secretName: "postgres-app", key: "password" } }],
    }),
  egress: z
    .array(
      z.strictObject({
        namespace: z.string().optional().meta({ description: "In-cluster namespace the service may reach; give this or cidr.", defaultText: "none: give cidr", examples: ["payments"] }),
        cidr: z.string().optional().meta({ description: "Address range outside the cluster the service may reach; give this or namespace.", defaultText: "none: give namespace", examples: ["10.20.0.0/16"] }),
        ports: z.array(port).min(1).meta({ description: "TCP ports allowed to that destination.", examples: [[443], [5432, 6379]] }),
      }),
    )
    .optional()
    .meta({
      description: "Where the service may open connections, besides DNS (its NetworkPolicy denies all other egress).",
      defaultText: "none: DNS only",
    }),
  promotion: z
    .strictObject({
      prescale: z.boolean().optional().meta({
        description:
          "Hold the idle colour at `prescaleReplicas`. Written by `platform promote` (raise the new colour to the active colour's size before traffic moves, then keep the old colour at its size through the warm window) and removed at the end of the release; set by hand it keeps the idle colour at that size for good.",
        examples: [true],
      }),
      prescaleReplicas: z.int32().min(1).optional().meta({
        description: "Size of a prescaled idle colour; `platform promote` writes the active colour's measured size.",
        defaultText: "`replicas.min`",
        examples: [4],
      }),
      warmUntil: z.iso.datetime({ error: 'must be an RFC 3339 UTC time such as "2026-11-30T10:30:00Z"' }).optional().meta({
        description:
          "End of the warm window, written by `platform promote` at the switch: until then the old colour is held at `prescaleReplicas` and `platform rollback` moves traffic back in one update; after it the rollback is cold (pre-scale, readiness, switch). The program does not read the clock: it renders the hold while `prescale` is set.",
        defaultText: "none: no release in progress",
        examples: ["2026-11-30T10:30:00Z"],
      }),
      canaryWeight: z.int32().min(0).max(100).optional().meta({
        description: "Percent of traffic on the idle colour through the canary router; written by `platform promote`, not by hand.",
        examples: [10],
      }),
      migrate: z.boolean().optional().meta({
        description: "Render the release's migration Job; written by `platform promote` before any traffic moves, not by hand.",
        examples: [true],
      }),
    })
    .optional()
    .meta({ description: "How releases are staged: the idle colour's size before and after a switch, and the state `platform promote` writes." }),
  strategy: strategySchema.optional().meta({
    description: "How a release moves traffic: blueGreen (one switch) or canary (weighted steps through a router, with an analysis gate at each step).",
    defaultText: "blueGreen",
  }),
  migration: migrationSchema.optional().meta({
    description: "A Job run against the new release before any traffic moves to it (e.g. a schema migration); the release stops if it fails.",
    defaultText: "none: releases run no migration",
  }),
  smokeTest: smokeTestSchema.optional().meta({
    description: "Requests to the new colour, with the statuses they must answer, run by `platform promote` before the first traffic step.",
    defaultText: "none: no smoke test (the analysis gate still runs)",
  }),
  shutdown: z
    .strictObject({
      preStopSeconds: z.int32().min(0).max(300).optional().meta({
        description: "Seconds the preStop hook waits before the container gets SIGTERM, so that endpoints and load balancers stop routing to the pod first. Longer in shared environments, whose cloud load balancers take longer to deregister.",
        examples: [15],
      }),
      terminationGracePeriodSeconds: z.int32().min(1).max(3600).optional().meta({
        description: "Seconds from the start of termination to SIGKILL, including the preStop pause; must exceed preStopSeconds.",
        defaultText: "`preStopSeconds` + 30",
        examples: [60],
      }),
    })
    .optional()
    .meta({ description: "Connection draining when a pod stops (rollout, scale-down, eviction)." }),
  runAsUser: z.int32().min(0).max(2147483647).optional().meta({
    description: "UID (and GID) the container runs as; never 0 (root is refused). Stable, so that volume ownership is.",
    examples: [1000],
  }),
  automountServiceAccountToken: z.boolean().optional().meta({
    description: "Mount the service-account token into the pods; only for a service that calls the Kubernetes API.",
    examples: [true],
  }),
});

/** One service as written in stack config. */
export type ServiceConfigInput = z.infer<typeof serviceSchema>;
