import type { Environment } from "../../lib/environment";
import type { NamespacesSpec } from "../foundation/namespaces-spec";
import type { MonitoringSpec } from "../monitoring/monitoring-spec";
import type { PostgresSpec, RedisSpec } from "../datastores/datastore-spec";
import { createHash } from "node:crypto";
import { POSTGRES_CA_CONFIGMAP, POSTGRES_CA_DIR, POSTGRES_CA_KEY } from "../datastores/datastore-spec";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import {
  METRICS_PORT_NAME,
  MONITORING_LABEL,
  POSTGRES_CREDENTIALS_SECRET,
  REDIS_CREDENTIALS_SECRET,
} from "../monitoring/contract";
import type { MonitoringObject } from "../monitoring/monitors";
import type { NetworkPolicySpec } from "../monitoring/network-policies";
import { BLACKBOX_CONFIG_FILE } from "./blackbox";
import { POSTGRES_QUERIES_FILE } from "./postgres-queries";
import { restrictedContainer, restrictedPod } from "../foundation/security";
import { priorityClassName } from "../foundation/priority";

/** Which exporter. */
export type ExporterKind = "postgres" | "redis" | "blackbox";

/**
 * Exporter images, pinned to released versions (upstream images; the binaries the tests run
 * come from Debian and are older, which is why configs stay in the common subset), and to the
 * version's multi-arch manifest digest where two independent public sources agree on it (a wrong
 * digest is an ImagePullBackOff; see components/monitoring/chart-images.ts for how to check one).
 * These are the defaults; a stack's `images.<kind>Exporter` replaces one.
 */
export const EXPORTER_IMAGES: Readonly<Record<ExporterKind, string>> = {
  // Sources: rezarajan/platformctl (internal postgres provider, "pinned (scripts/pinned-images.txt)");
  // a Terraform module's postgres-exporter sidecar; a deployment script's runtime image defaults.
  postgres: "quay.io/prometheuscommunity/postgres-exporter:v0.17.1@sha256:38606faa38c54787525fb0ff2fd6b41b4cfb75d455c1df294927c5f611699b17",
  // The project also publishes to quay.io; Docker Hub is not an allowed registry here. Not pinned
  // to a digest: no public source for v1.74.0's digest was found, so a stack that runs pinned
  // images sets `images.redisExporter` (`platform pin-images` writes it).
  redis: "quay.io/oliver006/redis_exporter:v1.74.0",
  // Sources: a deployment script's runtime image defaults (quay.io/prometheus/blackbox-exporter:
  // v0.27.0@sha256:a50c...); an observability installer's scripts and tests, and a Compose
  // stack's tests, pinning prom/blackbox-exporter:v0.27.0 to the same digest (one manifest list
  // pushed to both registries).
  blackbox: "quay.io/prometheus/blackbox-exporter:v0.27.0@sha256:a50c4c0eda297baa1678cd4dc4712a67fdea713b832d43ce7fcc5f9bea05094d",
};

/** Port each exporter serves metrics on (the upstream defaults). */
export const EXPORTER_PORTS: Record<ExporterKind, number> = { postgres: 9187, redis: 9121, blackbox: 9115 };

/** Kubernetes object name of each exporter's Deployment and Service. */
export function exporterName(kind: ExporterKind): string {
  return `${kind}-exporter`;
}

/** An environment variable of a container (a value, or a reference to a Secret key). */
export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } } };

/** Everything that differs between exporters; the rest of the pod is the same hardened shape. */
export interface ExporterSpec {
  readonly kind: ExporterKind;
  /** Image the exporter runs (`config.images.exporters[kind]`). */
  readonly image: string;
  readonly args: readonly string[];
  readonly env: readonly EnvVar[];
  /** ConfigMap mounted read-only at /config. */
  readonly configMap?: string;
  /**
   * More volumes mounted read-only: a ConfigMap (e.g. the Postgres CA bundle) or an emptyDir
   * that an init container fills. @default none
   */
  readonly mounts?: readonly { readonly name: string; readonly configMap?: string; readonly emptyDir?: true; readonly mountPath: string }[];
  /**
   * Init container run before the exporter, with the same hardening and resources, e.g. to copy
   * the RDS CA bundle out of the backup tools image. It mounts `volume` writable at `mountPath`.
   * @default none
   */
  readonly init?: { readonly name: string; readonly image: pulumi.Input<string>; readonly command: readonly string[]; readonly volume: string; readonly mountPath: string };
  /** Egress the exporter needs besides DNS. */
  readonly egress: readonly k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
}

/** UID/GID the exporters run as ("nobody"): none of them needs a user of its own. */
export const EXPORTER_UID = 65534;

/** Resource requests and limits of an exporter (they are small, single-purpose processes). */
export const EXPORTER_RESOURCES = { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } } as const;

const secretEnv = (name: string, secret: string, key: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/** The namespace of an in-cluster host name such as `postgres.apps.svc.cluster.local`. */
export function hostNamespace(host: string): string | undefined {
  const parts = host.split(".");
  return parts.length >= 3 && parts[2] === "svc" ? parts[1] : undefined;
}

function datastoreEgress(ep: { mode: string; host: string; port: number }): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
  const ns = ep.mode === "in-cluster" ? hostNamespace(ep.host) : undefined;
  const ports = [{ protocol: "TCP", port: ep.port }];
  // An external endpoint's address is a DNS name that may move (RDS fail-over), so only the port is pinned.
  return ns
    ? [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } }], ports }]
    : [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports }];
}

export { POSTGRES_CA_CONFIGMAP, POSTGRES_CA_DIR, POSTGRES_CA_KEY };

/** The bundle the backup tools image bakes (system roots + RDS global bundle; components/backup/image/Dockerfile). */
export const IMAGE_POSTGRES_ROOTS = "/etc/ssl/certs/postgres-roots.pem";
/** Where the exporter mounts the copy of {@link IMAGE_POSTGRES_ROOTS} (an emptyDir). */
export const POSTGRES_ROOTS_DIR = "/etc/postgres-roots";
/** File name of the copy in {@link POSTGRES_ROOTS_DIR}. */
export const POSTGRES_ROOTS_FILE = "postgres-roots.pem";

/** Name of the ConfigMap with postgres_exporter's extra queries (postgres-queries.ts). */
export const POSTGRES_QUERIES_CONFIGMAP = "postgres-exporter-queries";

/** The slice of stack config the exporters are built from. */
export interface ExportersConfig {
  readonly environment: Environment;
  readonly namespaces: Pick<NamespacesSpec, "monitoring">;
  readonly monitoring: Pick<MonitoringSpec, "probes" | "scrapeInterval">;
  readonly postgres: PostgresSpec;
  readonly redis: RedisSpec;
  /** Set on AWS stacks (staging, production), whose Postgres is RDS/Aurora. @default undefined: not AWS */
  readonly aws?: unknown;
  /** The image each exporter runs ({@link EXPORTER_IMAGES} unless the stack's `images` sets one). */
  readonly images: { readonly exporters: Readonly<Record<ExporterKind, string>> };
}

/**
 * postgres_exporter against config.postgres. The user and password come from the credentials
 * Secret by reference; only the address and options are plain. The extra queries
 * (transactions by application_name, replica lag seen from the writer) come from the
 * `configMap`, mounted at /config.
 */
export function postgresExporterSpec(config: ExportersConfig, configMap: string = POSTGRES_QUERIES_CONFIGMAP, caImage?: pulumi.Input<string>): ExporterSpec {
  const pg = config.postgres;
  const verify = pg.sslMode.startsWith("verify");
  // verify-ca/verify-full with a configured CA bundle: lib/pq reads it from sslrootcert.
  const ca = verify && pg.caBundle !== undefined;
  // Else, on AWS (RDS/Aurora, whose roots no public store has), the bundle the backup tools
  // image bakes, copied by an init container running that image into an emptyDir.
  const roots = verify && !ca && config.aws !== undefined && caImage !== undefined;
  const rootCert = ca ? `${POSTGRES_CA_DIR}/${POSTGRES_CA_KEY}` : roots ? `${POSTGRES_ROOTS_DIR}/${POSTGRES_ROOTS_FILE}` : undefined;
  return {
    kind: "postgres",
    image: config.images.exporters.postgres,
    args: [`--web.listen-address=:${EXPORTER_PORTS.postgres}`, `--extend.query-path=/config/${POSTGRES_QUERIES_FILE}`],
    configMap,
    ...(ca ? { mounts: [{ name: "postgres-ca", configMap: POSTGRES_CA_CONFIGMAP, mountPath: POSTGRES_CA_DIR }] } : {}),
    ...(roots
      ? {
          mounts: [{ name: "postgres-roots", emptyDir: true as const, mountPath: POSTGRES_ROOTS_DIR }],
          init: { name: "copy-postgres-roots", image: caImage, command: ["cp", IMAGE_POSTGRES_ROOTS, `${POSTGRES_ROOTS_DIR}/${POSTGRES_ROOTS_FILE}`], volume: "postgres-roots", mountPath: POSTGRES_ROOTS_DIR },
        }
      : {}),
    env: [
      { name: "DATA_SOURCE_URI", value: `${pg.host}:${pg.port}/${pg.database}?sslmode=${pg.sslMode}${rootCert ? `&sslrootcert=${rootCert}` : ""}` },
      secretEnv("DATA_SOURCE_USER", POSTGRES_CREDENTIALS_SECRET, "username"),
      secretEnv("DATA_SOURCE_PASS", POSTGRES_CREDENTIALS_SECRET, "password"),
    ],
    egress: datastoreEgress(pg),
  };
}

/** redis_exporter against config.redis (TLS when the endpoint uses it). */
export function redisExporterSpec(config: ExportersConfig): ExporterSpec {
  const r = config.redis;
  return {
    kind: "redis",
    image: config.images.exporters.redis,
    args: [`--web.listen-address=:${EXPORTER_PORTS.redis}`],
    env: [
      { name: "REDIS_ADDR", value: `${r.tls ? "rediss" : "redis"}://${r.host}:${r.port}` },
      secretEnv("REDIS_PASSWORD", REDIS_CREDENTIALS_SECRET, "password"),
    ],
    egress: datastoreEgress(r),
  };
}

/** Ports the blackbox exporter may probe: 80, 443 and any explicit port of a probe URL. */
export function probePorts(config: ExportersConfig): number[] {
  const ports = new Set([80, 443]);
  for (const p of config.monitoring.probes) {
    const u = new URL(p.url);
    if (u.port) ports.add(Number(u.port));
  }
  return [...ports].sort((a, b) => a - b);
}

/** blackbox_exporter with the module file from its ConfigMap. */
export function blackboxExporterSpec(config: ExportersConfig, configMap: string): ExporterSpec {
  return {
    kind: "blackbox",
    image: config.images.exporters.blackbox,
    args: [`--config.file=/config/${BLACKBOX_CONFIG_FILE}`, `--web.listen-address=:${EXPORTER_PORTS.blackbox}`],
    env: [],
    configMap,
    egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: probePorts(config).map((port) => ({ protocol: "TCP", port })) }],
  };
}

/** Labels of an exporter's pods and Service. */
export function exporterLabels(kind: ExporterKind, base: Record<string, string>): Record<string, string> {
  return { ...base, "app.kubernetes.io/name": exporterName(kind) };
}

/** Pod-template annotation whose value changes with the credentials an exporter reads. */
export const CREDENTIALS_CHECKSUM_ANNOTATION = "app-platform/credentials-checksum";

/**
 * The checksum of the credentials an exporter reads from environment variables. A process
 * reads its environment once, so after a rotation the pod keeps the old password (and
 * PostgresDown pages) until the pod template changes; this value changes it. The first 16
 * hex digits of a SHA-256 over the values: enough to tell a rotation, not the values.
 */
export function credentialsChecksum(values: readonly string[]): string {
  return createHash("sha256").update(values.map((v) => `${v.length}:${v}`).join("")).digest("hex").slice(0, 16);
}

/**
 * The Deployment spec of an exporter: one replica, hardened pod, probes on the metrics port.
 * `podAnnotations` go on the pod template (e.g. {@link CREDENTIALS_CHECKSUM_ANNOTATION}).
 */
export function exporterDeploymentSpec(e: ExporterSpec, labels: Record<string, string>, podAnnotations?: Record<string, pulumi.Input<string>>): k8s.types.input.apps.v1.DeploymentSpec {
  const selector = { "app.kubernetes.io/name": exporterName(e.kind) };
  const port = EXPORTER_PORTS[e.kind];
  const timing = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
  return {
    replicas: 1,
    selector: { matchLabels: selector },
    template: {
      metadata: { labels, ...(podAnnotations ? { annotations: podAnnotations } : {}) },
      spec: {
        automountServiceAccountToken: false,
        priorityClassName: priorityClassName("platform"),
        securityContext: restrictedPod(EXPORTER_UID),
        ...(e.init
          ? {
              initContainers: [
                {
                  name: e.init.name,
                  image: e.init.image,
                  command: [...e.init.command],
                  resources: EXPORTER_RESOURCES,
                  securityContext: restrictedContainer(EXPORTER_UID),
                  volumeMounts: [{ name: e.init.volume, mountPath: e.init.mountPath }],
                },
              ],
            }
          : {}),
        containers: [
          {
            name: "exporter",
            image: e.image,
            args: [...e.args],
            env: e.env.map((v) => ({ ...v })),
            ports: [{ name: METRICS_PORT_NAME, containerPort: port, protocol: "TCP" }],
            resources: EXPORTER_RESOURCES,
            securityContext: restrictedContainer(EXPORTER_UID),
            // Neither check touches the datastore: a down database must show as pg_up == 0, not as
            // a restarting (liveness) or unlisted (readiness) exporter. Readiness only needs the
            // port to accept connections; liveness needs the HTTP server to answer.
            readinessProbe: { tcpSocket: { port: METRICS_PORT_NAME }, ...timing },
            livenessProbe: { httpGet: { path: "/", port: METRICS_PORT_NAME }, ...timing },
            ...(e.configMap || e.mounts
              ? { volumeMounts: [...(e.configMap ? [{ name: "config", mountPath: "/config", readOnly: true }] : []), ...(e.mounts ?? []).map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: true }))] }
              : {}),
          },
        ],
        ...(e.configMap || e.mounts
          ? { volumes: [...(e.configMap ? [{ name: "config", configMap: { name: e.configMap } }] : []), ...(e.mounts ?? []).map((m) => (m.configMap !== undefined ? { name: m.name, configMap: { name: m.configMap } } : { name: m.name, emptyDir: {} }))] }
          : {}),
      },
    },
  };
}

/** The Service of an exporter, exposing the `metrics` port. */
export function exporterServiceSpec(kind: ExporterKind): k8s.types.input.core.v1.ServiceSpec {
  return {
    selector: { "app.kubernetes.io/name": exporterName(kind) },
    ports: [{ name: METRICS_PORT_NAME, port: EXPORTER_PORTS[kind], targetPort: METRICS_PORT_NAME, protocol: "TCP" }],
  };
}

/** The egress NetworkPolicy of an exporter (ingress from Prometheus is allowed namespace-wide). */
export function exporterNetworkPolicy(e: ExporterSpec): NetworkPolicySpec {
  return {
    name: `allow-${exporterName(e.kind)}-egress`,
    spec: {
      podSelector: { matchLabels: { "app.kubernetes.io/name": exporterName(e.kind) } },
      policyTypes: ["Egress"],
      egress: [...e.egress],
    },
  };
}

/** The ServiceMonitor of an exporter's own Service. */
export function exporterServiceMonitor(kind: ExporterKind, namespace: string, labels: Record<string, string>, interval: string): MonitoringObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: exporterName(kind), namespace, labels: { ...labels, ...MONITORING_LABEL } },
    spec: {
      namespaceSelector: { matchNames: [namespace] },
      selector: { matchLabels: { "app.kubernetes.io/name": exporterName(kind) } },
      endpoints: [{ port: METRICS_PORT_NAME, path: "/metrics", interval }],
    },
  };
}

/**
 * One Probe per `config.monitoring.probes` entry, run by the blackbox exporter's Service.
 * The `probe` label names the endpoint in alerts and dashboards.
 */
export function probeObjects(config: ExportersConfig, labels: Record<string, string>): MonitoringObject[] {
  const ns = config.namespaces.monitoring;
  return config.monitoring.probes.map((p) => ({
    apiVersion: "monitoring.coreos.com/v1",
    kind: "Probe",
    metadata: { name: `probe-${p.name}`, namespace: ns, labels: { ...labels, ...MONITORING_LABEL } },
    spec: {
      jobName: "blackbox",
      interval: config.monitoring.scrapeInterval,
      module: p.module,
      prober: { url: `${exporterName("blackbox")}.${ns}.svc:${EXPORTER_PORTS.blackbox}`, scheme: "http", path: "/probe" },
      targets: { staticConfig: { static: [p.url], labels: { probe: p.name } } },
    },
  }));
}
