import type { Environment } from "../../lib/environment";
import type { NamespacesSpec } from "../foundation/namespaces-spec";
import type { PostgresSpec, RedisSpec } from "./datastore-spec";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../foundation/labels";
import { POSTGRES_CREDENTIALS_SECRET, REDIS_CREDENTIALS_SECRET } from "../monitoring/contract";
import { BACKUP_DB_USER, OBJECT_STORE_CREDENTIALS_SECRET, OBJECT_STORE_KEYS, POSTGRES_BACKUP_USER_SECRET, POSTGRES_MONITORING_USER_SECRET } from "../secrets/platform-secrets";
import {
  ingressPolicySpec,
  objectStorePodSpec,
  postgresInitScript,
  postgresPodSpec,
  redisPodSpec,
  type DatastoreResources,
} from "./builders";

/** Service name and port of the dev object store in the backup namespace. */
export const OBJECT_STORE_SERVICE = "object-store";
/** See {@link OBJECT_STORE_SERVICE}. */
export const OBJECT_STORE_PORT = 9000;
/** Labels of the backup job pods; the datastores admit them (and only them) from the backup namespace. */
export const BACKUP_POD_LABELS = { "app.kubernetes.io/component": "backup" } as const;

/** The object store's URL as the backup jobs reach it. */
export function objectStoreEndpoint(backupNamespace: string): string {
  return `http://${OBJECT_STORE_SERVICE}.${backupNamespace}.svc.cluster.local:${OBJECT_STORE_PORT}`;
}

/** Arguments of {@link InClusterDatastores}. */
export interface InClusterDatastoresArgs {
  /** Environment, for labels. */
  readonly environment: Environment;
  /** Namespace names by role (already created by the foundation). */
  readonly namespaces: Pick<NamespacesSpec, "apps" | "monitoring" | "backup">;
  /** Resolved Postgres config; an instance is created only in "in-cluster" mode. */
  readonly postgres: PostgresSpec;
  /** Resolved Redis config; an instance is created only in "in-cluster" mode. */
  readonly redis: RedisSpec;
  /** Run the S3-compatible object store for backups. @default false */
  readonly objectStore?: boolean;
  /** Volume size of the object store. @default "10Gi" */
  readonly objectStoreSize?: string;
  /** StorageClass of the object store's claim. @default undefined (the cluster's default) */
  readonly storageClass?: string;
  /** Resources of each datastore container. @default { cpu: "100m", memory: "256Mi", memoryLimit: "512Mi" } */
  readonly resources?: DatastoreResources;
}

/** The type token this component had as `DevDatastores`; its alias keeps the URNs of existing stacks. */
export const DEV_DATASTORES_TYPE = "app-platform:datastores:DevDatastores";

/**
 * Throwaway in-cluster datastores: Postgres and Redis in the apps namespace at the host names
 * the config resolves (`postgres.<apps>.svc.cluster.local`), and the S3-compatible backup store
 * in the backup namespace. Dev's default; a staging stack may choose them (`mode: in-cluster`),
 * production may not. Hardened like every workload, and reachable only from the namespaces that
 * use them (the foundation denies everything else).
 */
export class InClusterDatastores extends pulumi.ComponentResource {
  /** Objects that must exist before clients start (Services), for dependsOn. */
  readonly ready: pulumi.Resource[] = [];

  constructor(name: string, args: InClusterDatastoresArgs, opts?: pulumi.ComponentResourceOptions) {
    // Renamed from DevDatastores (it was created, empty, in every stack): the alias moves the
    // deployed component and, through it, every child to the new type without replacing them.
    super("app-platform:datastores:InClusterDatastores", name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: DEV_DATASTORES_TYPE }] });
    const env = args.environment;
    const ns = args.namespaces;
    const res = args.resources ?? { cpu: "100m", memory: "256Mi", memoryLimit: "512Mi" };
    for (const [key, ep, svc] of [["postgres", args.postgres, "postgres"], ["redis", args.redis, "redis"]] as const) {
      const expected = `${svc}.${ns.apps}.svc.cluster.local`;
      if (ep.mode === "in-cluster" && ep.host !== expected) {
        throw new pulumi.ResourceError(`${key}.host (${ep.host}) must be ${expected} for the in-cluster instance`, this);
      }
    }
    const labels = (component: string) => standardLabels({ environment: env, component: "datastores", name: component, instance: name });
    const selector = (component: string) => ({ "app.kubernetes.io/name": component, "app.kubernetes.io/instance": name });
    const monitoringPeer = { namespace: ns.monitoring };
    const backupPeer = { namespace: ns.backup, podLabels: BACKUP_POD_LABELS };
    const appsPeer = { namespace: ns.apps };

    const workload = (role: string, namespace: string, port: number, portName: string, podSpec: Record<string, unknown>, peers: Parameters<typeof ingressPolicySpec>[2], extra: pulumi.Resource[] = []) => {
      const deployment = new k8s.apps.v1.Deployment(
        `${name}-${role}`,
        {
          metadata: { name: role, namespace, labels: labels(role) },
          spec: {
            replicas: 1,
            // One instance owns its volume: never two at once.
            strategy: { type: "Recreate" },
            selector: { matchLabels: selector(role) },
            template: { metadata: { labels: { ...labels(role), ...selector(role) } }, spec: podSpec as unknown as k8s.types.input.core.v1.PodSpec },
          },
        },
        { parent: this, dependsOn: extra },
      );
      const service = new k8s.core.v1.Service(
        `${name}-${role}-service`,
        {
          metadata: { name: role, namespace, labels: labels(role) },
          spec: { selector: selector(role), ports: [{ name: portName, port, targetPort: port, protocol: "TCP" }] },
        },
        { parent: this },
      );
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${role}-ingress`,
        { metadata: { name: `${role}-ingress`, namespace, labels: labels(role) }, spec: ingressPolicySpec(selector(role), port, peers) as unknown as k8s.types.input.networking.v1.NetworkPolicySpec },
        { parent: this },
      );
      this.ready.push(service);
      return deployment;
    };

    if (args.postgres.mode === "in-cluster") {
      const init = new k8s.core.v1.ConfigMap(
        `${name}-postgres-init`,
        {
          metadata: { name: "postgres-init", namespace: ns.apps, labels: labels("postgres") },
          data: { "10-platform-users.sh": postgresInitScript(BACKUP_DB_USER, args.postgres.monitoringUser) },
        },
        { parent: this },
      );
      workload("postgres", ns.apps, args.postgres.port, "postgres", postgresPodSpec({
        database: args.postgres.database,
        user: args.postgres.user,
        port: args.postgres.port,
        password: { secretName: POSTGRES_CREDENTIALS_SECRET, key: "password" },
        backupPassword: { secretName: POSTGRES_BACKUP_USER_SECRET, key: "password" },
        monitoringPassword: { secretName: POSTGRES_MONITORING_USER_SECRET, key: "password" },
        initConfigMap: "postgres-init",
        dataSize: args.postgres.storageSize,
        maxConnections: args.postgres.maxConnections,
        resources: res,
      }), [appsPeer, monitoringPeer, backupPeer], [init]);
    }

    if (args.redis.mode === "in-cluster") {
      workload("redis", ns.apps, args.redis.port, "redis", redisPodSpec({
        port: args.redis.port,
        password: { secretName: REDIS_CREDENTIALS_SECRET, key: "password" },
        dataSize: args.redis.storageSize,
        resources: res,
      }), [appsPeer, monitoringPeer]);
    }

    if (args.objectStore ?? false) {
      const claim = new k8s.core.v1.PersistentVolumeClaim(
        `${name}-object-store-data`,
        {
          metadata: { name: "object-store-data", namespace: ns.backup, labels: labels(OBJECT_STORE_SERVICE) },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
            resources: { requests: { storage: args.objectStoreSize ?? "10Gi" } },
          },
        },
        { parent: this },
      );
      workload(OBJECT_STORE_SERVICE, ns.backup, OBJECT_STORE_PORT, "s3", objectStorePodSpec({
        port: OBJECT_STORE_PORT,
        accessKeyId: { secretName: OBJECT_STORE_CREDENTIALS_SECRET, key: OBJECT_STORE_KEYS.accessKeyId },
        secretAccessKey: { secretName: OBJECT_STORE_CREDENTIALS_SECRET, key: OBJECT_STORE_KEYS.secretAccessKey },
        claimName: "object-store-data",
        resources: res,
      }), [backupPeer], [claim]);
    }

    this.registerOutputs({});
  }
}
