import type { ResolvedProbe, ServiceConfig } from "./service-spec";
import type { Environment } from "../../lib/environment";
import type { Color } from "../../lib/colors";
import { METRICS_PORT_NAME } from "../monitoring/contract";
import { restrictedContainer, restrictedPod } from "../foundation/security";
import { priorityClassName } from "../foundation/priority";
import { colorLabels, colorSelector } from "./labels";
import type { ColorPlan } from "./sizing";
import { SETTINGS_CHECKSUM_ANNOTATION, secretEnv, settingsChecksum, settingsConfigMapName } from "./settings";

/** Name of the application container in every pod. */
export const APP_CONTAINER = "app";
/** Name of the container port serving HTTP (the Services' "http" port targets it). */
export const HTTP_PORT_NAME = "http";
/** Size cap of the writable /tmp volume: the root filesystem is read-only. */
export const TMP_SIZE_LIMIT = "64Mi";

function httpProbe(p: ResolvedProbe, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    httpGet: { path: p.path, port: p.port },
    periodSeconds: p.periodSeconds,
    failureThreshold: p.failureThreshold,
    timeoutSeconds: 2,
    ...extra,
  };
}

/**
 * Startup, readiness and liveness probes. Startup holds the other two back until the process
 * has come up, so that liveness can be strict without killing slow starters; readiness takes a
 * pod out of its Service as soon as it fails once (`successThreshold` 1, failure threshold from
 * config) while liveness restarts only on the configured streak.
 */
export function probes(s: Pick<ServiceConfig, "probes">): Record<string, unknown> {
  return {
    startupProbe: httpProbe(s.probes.startup),
    readinessProbe: httpProbe(s.probes.readiness, { successThreshold: 1 }),
    livenessProbe: httpProbe(s.probes.liveness),
  };
}

/**
 * Spread each colour's pods over zones and nodes: the zone constraint is `zone` (the service's
 * `zoneSpread`: hard where clusters span zones, a preference where they may carry no zone label
 * and a hard constraint on a missing key leaves pods Pending); nodes are a preference.
 * `matchLabelKeys: [pod-template-hash]` spreads each rollout's new pods on their own.
 */
export function topologySpread(zone: ServiceConfig["zoneSpread"], service: string, color: Color): Record<string, unknown>[] {
  const selector = { matchLabels: colorSelector(service, color) };
  return [
    {
      topologyKey: "topology.kubernetes.io/zone",
      maxSkew: 1,
      whenUnsatisfiable: zone,
      labelSelector: selector,
      matchLabelKeys: ["pod-template-hash"],
    },
    {
      topologyKey: "kubernetes.io/hostname",
      maxSkew: 1,
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: selector,
      matchLabelKeys: ["pod-template-hash"],
    },
  ];
}

/** What a colour's Deployment is built from. */
export interface DeploymentInput<I> {
  readonly environment: Environment;
  readonly service: ServiceConfig;
  readonly plan: ColorPlan;
  /** Image reference (a string, or a Pulumi output for a built image). */
  readonly image: I;
  /** Kubernetes name of the ServiceAccount. */
  readonly serviceAccountName: string;
}

/**
 * The Deployment spec of one colour. It leaves `replicas` unset whenever an HPA scales the
 * colour: under server-side apply a value here would fight the HPA on every `pulumi up`. Only a
 * colour scaled away (no HPA) states `replicas: 0`.
 */
export function deploymentSpec<I>(input: DeploymentInput<I>): Record<string, unknown> {
  const { service: s, plan, environment } = input;
  const ports: Record<string, unknown>[] = [{ name: HTTP_PORT_NAME, containerPort: s.port, protocol: "TCP" }];
  if (s.metricsPort !== s.port) ports.push({ name: METRICS_PORT_NAME, containerPort: s.metricsPort, protocol: "TCP" });
  const hasSettings = Object.keys(s.settings).length > 0;
  const env = secretEnv(s);
  return {
    ...(plan.minReplicas === 0 ? { replicas: 0 } : {}),
    selector: { matchLabels: colorSelector(s.name, plan.color) },
    revisionHistoryLimit: 5,
    // Surge first, never go below the current size: a rollout must not shrink a serving colour.
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
    minReadySeconds: 5,
    progressDeadlineSeconds: 600,
    template: {
      metadata: {
        labels: colorLabels(environment, s.name, plan.color),
        annotations: { [SETTINGS_CHECKSUM_ANNOTATION]: settingsChecksum(s) },
      },
      spec: {
        serviceAccountName: input.serviceAccountName,
        automountServiceAccountToken: s.automountServiceAccountToken,
        priorityClassName: priorityClassName("apps"),
        enableServiceLinks: false,
        securityContext: restrictedPod(s.runAsUser),
        terminationGracePeriodSeconds: s.shutdown.terminationGracePeriodSeconds,
        topologySpreadConstraints: topologySpread(s.zoneSpread, s.name, plan.color),
        containers: [
          {
            name: APP_CONTAINER,
            image: input.image,
            imagePullPolicy: "IfNotPresent",
            ports,
            ...(hasSettings ? { envFrom: [{ configMapRef: { name: settingsConfigMapName(s.name) } }] } : {}),
            ...(env.length > 0 ? { env } : {}),
            resources: {
              requests: { cpu: s.resources.requests.cpu, memory: s.resources.requests.memory },
              limits: { memory: s.resources.limits.memory, ...(s.resources.limits.cpu ? { cpu: s.resources.limits.cpu } : {}) },
            },
            ...probes(s),
            // The pause keeps the pod serving while endpoint removal propagates to kube-proxy and
            // the ingress controller; the sleep action (Kubernetes >= 1.30) needs no shell in the image.
            // A zero pause is no hook at all (a zero sleep is still gated in Kubernetes 1.33).
            ...(s.shutdown.preStopSeconds > 0 ? { lifecycle: { preStop: { sleep: { seconds: s.shutdown.preStopSeconds } } } } : {}),
            securityContext: restrictedContainer(s.runAsUser),
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
          },
        ],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: TMP_SIZE_LIMIT } }],
      },
    },
  };
}
