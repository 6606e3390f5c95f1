import { restrictedContainer, restrictedPod } from "../foundation/security";
import { scratchVolume } from "./security";
import { priorityClassName } from "../foundation/priority";
import { SQL_IDENTIFIER, SQL_IDENTIFIER_RULE } from "../../lib/sql";

/** Pinned images of the dev datastores (official images; UIDs are the images' own users). */
export const DATASTORE_IMAGES = {
  postgres: { image: "postgres:15.13-bookworm", uid: 999 },
  redis: { image: "redis:7.4.2-bookworm", uid: 999 },
  objectStore: { image: "minio/minio:RELEASE.2025-04-22T22-12-26Z", uid: 1000 },
} as const;

/** Environment variable name → Secret key reference (never a literal value). */
export type SecretEnv = Readonly<Record<string, { readonly secretName: string; readonly key: string }>>;

function secretEnv(env: SecretEnv): Record<string, unknown>[] {
  return Object.entries(env).map(([name, ref]) => ({ name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } }));
}

/** Resources of one datastore container. */
export interface DatastoreResources {
  readonly cpu: string;
  readonly memory: string;
  readonly memoryLimit: string;
}

function resources(r: DatastoreResources): Record<string, unknown> {
  // No CPU limit: throttling a database hurts latency more than sharing spare CPU does.
  return { requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memoryLimit } };
}

/**
 * Init script of the dev Postgres (run once by the image's entrypoint on an empty data
 * directory): creates the read-only backup user and, when `monitoringUser` is given, the
 * exporter's user with pg_monitor only, so that no consumer but the services uses the owner's
 * credential. Passwords are read with psql's \getenv from the environment (secretKeyRefs), so
 * they never appear in a command line or a manifest.
 */
export function postgresInitScript(backupUser: string, monitoringUser?: string): string {
  for (const [what, user] of [["backup user", backupUser], ["monitoring user", monitoringUser]] as const) {
    if (user !== undefined && !SQL_IDENTIFIER.test(user)) throw new Error(`postgresInitScript: ${what} (${user}) ${SQL_IDENTIFIER_RULE}`);
  }
  return [
    "#!/bin/bash",
    "# Creates the backup jobs' user: it may read every table (pg_read_all_data) and nothing more.",
    ...(monitoringUser === undefined ? [] : ["# And the exporter's user: statistics and settings (pg_monitor), no table data."]),
    "set -euo pipefail",
    'psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<\'SQL\'',
    "\\getenv backup_password BACKUP_PASSWORD",
    `CREATE ROLE ${backupUser} LOGIN PASSWORD :'backup_password' IN ROLE pg_read_all_data;`,
    ...(monitoringUser === undefined
      ? []
      : ["\\getenv monitoring_password MONITORING_PASSWORD", `CREATE ROLE ${monitoringUser} LOGIN PASSWORD :'monitoring_password' IN ROLE pg_monitor;`]),
    "SQL",
    "",
  ].join("\n");
}

/** Inputs of {@link postgresPodSpec}. */
export interface PostgresPodInput {
  readonly database: string;
  readonly user: string;
  readonly port: number;
  /** Secret + key of the app user's password. */
  readonly password: { readonly secretName: string; readonly key: string };
  /** Secret + key of the backup user's password. */
  readonly backupPassword: { readonly secretName: string; readonly key: string };
  /** Secret + key of the exporter's (pg_monitor) user's password. @default undefined (no such user) */
  readonly monitoringPassword?: { readonly secretName: string; readonly key: string };
  readonly initConfigMap: string;
  readonly dataSize: string;
  readonly maxConnections: number;
  readonly resources: DatastoreResources;
}

/**
 * Pod spec of the throwaway dev Postgres. The data directory is an emptyDir: a restart starts
 * from an empty database (restore from the backups), which also applies a rotated password.
 */
export function postgresPodSpec(i: PostgresPodInput): Record<string, unknown> {
  const { image, uid } = DATASTORE_IMAGES.postgres;
  return {
    automountServiceAccountToken: false,
    priorityClassName: priorityClassName("platform"),
    securityContext: restrictedPod(uid),
    containers: [
      {
        name: "postgres",
        image,
        args: ["-c", `max_connections=${i.maxConnections}`, "-p", String(i.port)],
        ports: [{ name: "postgres", containerPort: i.port }],
        env: [
          { name: "POSTGRES_DB", value: i.database },
          { name: "POSTGRES_USER", value: i.user },
          { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
          { name: "PGPORT", value: String(i.port) },
          ...secretEnv({ POSTGRES_PASSWORD: i.password, BACKUP_PASSWORD: i.backupPassword, ...(i.monitoringPassword ? { MONITORING_PASSWORD: i.monitoringPassword } : {}) }),
        ],
        readinessProbe: { exec: { command: ["pg_isready", "-U", i.user, "-d", i.database, "-h", "127.0.0.1", "-p", String(i.port)] }, periodSeconds: 5 },
        livenessProbe: { tcpSocket: { port: i.port }, periodSeconds: 10, failureThreshold: 6 },
        resources: resources(i.resources),
        securityContext: restrictedContainer(),
        volumeMounts: [
          { name: "data", mountPath: "/var/lib/postgresql/data" },
          { name: "run", mountPath: "/var/run/postgresql" },
          { name: "tmp", mountPath: "/tmp" },
          { name: "init", mountPath: "/docker-entrypoint-initdb.d", readOnly: true },
        ],
      },
    ],
    volumes: [
      scratchVolume("data", i.dataSize),
      scratchVolume("run", "16Mi"),
      scratchVolume("tmp", "256Mi"),
      { name: "init", configMap: { name: i.initConfigMap, defaultMode: 0o555 } },
    ],
  };
}

/** Inputs of {@link redisPodSpec}. */
export interface RedisPodInput {
  readonly port: number;
  readonly password: { readonly secretName: string; readonly key: string };
  readonly dataSize: string;
  readonly resources: DatastoreResources;
}

/**
 * Pod spec of the dev Redis. The password reaches redis-server through a config file written to
 * an in-memory volume at start, not through its command line (visible in `ps`).
 */
export function redisPodSpec(i: RedisPodInput): Record<string, unknown> {
  const { image, uid } = DATASTORE_IMAGES.redis;
  return {
    automountServiceAccountToken: false,
    priorityClassName: priorityClassName("platform"),
    securityContext: restrictedPod(uid),
    containers: [
      {
        name: "redis",
        image,
        command: ["/bin/sh", "-c"],
        args: [
          'umask 077; printf "requirepass %s\\nport %s\\ndir /data\\nappendonly no\\nprotected-mode no\\n" "$REDIS_PASSWORD" "$REDIS_PORT" > /etc/redis-conf/redis.conf; unset REDIS_PASSWORD; exec redis-server /etc/redis-conf/redis.conf',
        ],
        ports: [{ name: "redis", containerPort: i.port }],
        env: [{ name: "REDIS_PORT", value: String(i.port) }, ...secretEnv({ REDIS_PASSWORD: i.password })],
        // Ready only when it answers an authenticated PING (REDISCLI_AUTH keeps the password
        // off redis-cli's command line); alive while it accepts connections.
        readinessProbe: {
          exec: { command: ["/bin/sh", "-c", `REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p ${i.port} ping | grep -q PONG`] },
          periodSeconds: 5,
        },
        livenessProbe: { tcpSocket: { port: i.port }, periodSeconds: 10, failureThreshold: 6 },
        resources: resources(i.resources),
        securityContext: restrictedContainer(),
        volumeMounts: [
          { name: "data", mountPath: "/data" },
          { name: "conf", mountPath: "/etc/redis-conf" },
        ],
      },
    ],
    volumes: [scratchVolume("data", i.dataSize), scratchVolume("conf", "1Mi", "Memory")],
  };
}

/** Inputs of {@link objectStorePodSpec}. */
export interface ObjectStorePodInput {
  readonly port: number;
  readonly accessKeyId: { readonly secretName: string; readonly key: string };
  readonly secretAccessKey: { readonly secretName: string; readonly key: string };
  /** PersistentVolumeClaim holding the objects: backups outlive the pod. */
  readonly claimName: string;
  readonly resources: DatastoreResources;
}

/** Pod spec of the dev S3-compatible store (MinIO, single drive, console off). */
export function objectStorePodSpec(i: ObjectStorePodInput): Record<string, unknown> {
  const { image, uid } = DATASTORE_IMAGES.objectStore;
  return {
    automountServiceAccountToken: false,
    priorityClassName: priorityClassName("platform"),
    securityContext: restrictedPod(uid),
    containers: [
      {
        name: "object-store",
        image,
        args: ["server", "/data", "--address", `:${i.port}`, "--certs-dir", "/tmp/certs"],
        ports: [{ name: "s3", containerPort: i.port }],
        env: [
          { name: "HOME", value: "/tmp" },
          { name: "MINIO_BROWSER", value: "off" },
          ...secretEnv({ MINIO_ROOT_USER: i.accessKeyId, MINIO_ROOT_PASSWORD: i.secretAccessKey }),
        ],
        readinessProbe: { httpGet: { path: "/minio/health/ready", port: i.port }, periodSeconds: 5 },
        livenessProbe: { httpGet: { path: "/minio/health/live", port: i.port }, periodSeconds: 10, failureThreshold: 6 },
        resources: resources(i.resources),
        securityContext: restrictedContainer(),
        volumeMounts: [
          { name: "data", mountPath: "/data" },
          { name: "tmp", mountPath: "/tmp" },
        ],
      },
    ],
    volumes: [{ name: "data", persistentVolumeClaim: { claimName: i.claimName } }, scratchVolume("tmp", "64Mi")],
  };
}

/** A peer allowed by a NetworkPolicy: pods of a namespace, optionally only those with labels. */
export interface Peer {
  readonly namespace: string;
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** NetworkPolicy spec admitting TCP `port` of the selected pods from the given peers only. */
export function ingressPolicySpec(podLabels: Readonly<Record<string, string>>, port: number, peers: readonly Peer[]): Record<string, unknown> {
  return {
    podSelector: { matchLabels: { ...podLabels } },
    policyTypes: ["Ingress"],
    ingress: [
      {
        from: peers.map((p) => ({
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } },
          ...(p.podLabels ? { podSelector: { matchLabels: { ...p.podLabels } } } : {}),
        })),
        ports: [{ protocol: "TCP", port }],
      },
    ],
  };
}
