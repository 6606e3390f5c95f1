// In-cluster datastores (dev, or staging by choice): pod specs (hardening, secrets by reference only), the init script, network
// policies, and the component's defaults and validation under Pulumi's mocks.
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DATASTORE_IMAGES,
  InClusterDatastores,
  ingressPolicySpec,
  objectStorePodSpec,
  postgresInitScript,
  postgresPodSpec,
  redisPodSpec,
} from "../../../components/datastores";
import { edited, load } from "../../stacks/fixtures";

const RES = { cpu: "100m", memory: "256Mi", memoryLimit: "512Mi" };
const ref = (secretName: string, key: string) => ({ secretName, key });
const pods = {
  postgres: postgresPodSpec({ database: "app", user: "app", port: 5432, password: ref("pg", "password"), backupPassword: ref("pgb", "password"), initConfigMap: "init", dataSize: "2Gi", maxConnections: 50, resources: RES }) as any,
  redis: redisPodSpec({ port: 6379, password: ref("redis", "password"), dataSize: "1Gi", resources: RES }) as any,
  objectStore: objectStorePodSpec({ port: 9000, accessKeyId: ref("os", "id"), secretAccessKey: ref("os", "secret"), claimName: "data", resources: RES }) as any,
};

describe("pod specs", () => {
  it.each(Object.entries(pods))("%s: non-root with the image's uid, read-only root, no escalation, no capabilities, seccomp", (name, pod) => {
    const uid = DATASTORE_IMAGES[name as keyof typeof DATASTORE_IMAGES].uid;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of pod.containers) {
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
      expect(c.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } });
      expect(c.image).toMatch(/:(\d+\.\d+\.\d+-bookworm|\d+\.\d+-bookworm|RELEASE\.[\dT-]+Z)$/);
    }
  });

  it.each(Object.entries(pods))("%s: every credential comes from a secretKeyRef", (_, pod) => {
    for (const e of pod.containers[0].env) {
      if (/PASSWORD|USER$|SECRET/.test(e.name) && e.name !== "POSTGRES_USER") {
        expect(e.value, e.name).toBeUndefined();
        expect(e.valueFrom.secretKeyRef, e.name).toBeDefined();
      }
    }
  });

  it("postgres: data, socket and tmp on emptyDirs sized from config; init scripts read-only", () => {
    expect(pods.postgres.volumes).toEqual([
      { name: "data", emptyDir: { sizeLimit: "2Gi" } },
      { name: "run", emptyDir: { sizeLimit: "16Mi" } },
      { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
      { name: "init", configMap: { name: "init", defaultMode: 0o555 } },
    ]);
    expect(pods.postgres.containers[0].args).toEqual(["-c", "max_connections=50", "-p", "5432"]);
  });

  it("redis: the password reaches the server through a file in memory, never its command line", () => {
    const c = pods.redis.containers[0];
    expect(c.args[0]).toContain('"$REDIS_PASSWORD"');
    expect(c.args[0]).toContain("unset REDIS_PASSWORD; exec redis-server /etc/redis-conf/redis.conf");
    expect(pods.redis.volumes).toContainEqual({ name: "conf", emptyDir: { sizeLimit: "1Mi", medium: "Memory" } });
    expect(c.readinessProbe.exec.command).toEqual(["/bin/sh", "-c", 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p 6379 ping | grep -q PONG']);
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 6379 });
  });

  it("object store: data on the claim, console off, HOME on a writable volume", () => {
    expect(pods.objectStore.volumes[0]).toEqual({ name: "data", persistentVolumeClaim: { claimName: "data" } });
    const env = Object.fromEntries(pods.objectStore.containers[0].env.map((e: any) => [e.name, e]));
    expect(env.MINIO_BROWSER.value).toBe("off");
    expect(env.HOME.value).toBe("/tmp");
    expect(env.MINIO_ROOT_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: "os", key: "secret" });
  });

  it("init script creates the backup user with pg_read_all_data, password from the environment", () => {
    const script = postgresInitScript("backup");
    expect(script).toContain("\\getenv backup_password BACKUP_PASSWORD");
    expect(script).toContain("CREATE ROLE backup LOGIN PASSWORD :'backup_password' IN ROLE pg_read_all_data;");
    expect(() => postgresInitScript("Backup; drop")).toThrow('postgresInitScript: backup user (Backup; drop) must be a lowercase SQL identifier (a-z, 0-9 and _, not starting with a digit), such as "app_backup"');
  });

  it("ingress policy admits the given peers on one port only", () => {
    expect(ingressPolicySpec({ app: "pg" }, 5432, [{ namespace: "apps" }, { namespace: "backup", podLabels: { role: "backup" } }])).toEqual({
      podSelector: { matchLabels: { app: "pg" } },
      policyTypes: ["Ingress"],
      ingress: [{
        from: [
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } } },
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "backup" } }, podSelector: { matchLabels: { role: "backup" } } },
        ],
        ports: [{ protocol: "TCP", port: 5432 }],
      }],
    });
  });
});

interface Registration { type: string; name: string; inputs: any }
const registrations: Registration[] = [];
const errors: Record<string, string> = {};

beforeAll(async () => {
  await pulumi.runtime.setMocks({ newResource: (a) => (registrations.push({ type: a.type, name: a.name, inputs: a.inputs }), { id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, "app-platform", "test");
  const dev = load(edited("dev", () => {}));
  const ns = { apps: "apps", monitoring: "monitoring", backup: "backup" };
  new InClusterDatastores("defaults", { environment: "dev", namespaces: ns, postgres: dev.postgres, redis: dev.redis });
  new InClusterDatastores("full", { environment: "dev", namespaces: ns, postgres: dev.postgres, redis: dev.redis, objectStore: true, objectStoreSize: "20Gi", storageClass: "fast", resources: { cpu: "1", memory: "1Gi", memoryLimit: "2Gi" } });
  new InClusterDatastores("store", { environment: "dev", namespaces: ns, postgres: { ...dev.postgres, mode: "external" }, redis: { ...dev.redis, mode: "external" }, objectStore: true });
  try {
    new InClusterDatastores("bad-host", { environment: "dev", namespaces: ns, postgres: { ...dev.postgres, host: "db.other" }, redis: dev.redis });
  } catch (e) {
    errors.badHost = (e as Error).message;
  }
  const staging = load(edited("staging", () => {}));
  new InClusterDatastores("external", { environment: "staging", namespaces: ns, postgres: staging.postgres, redis: staging.redis });
  await settings.disconnect();
});

const find = (type: string, name: string) => registrations.find((x) => x.type === type && x.name === name)?.inputs;
const named = (prefix: string) => registrations.filter((r) => r.name.startsWith(`${prefix}-`));

describe("InClusterDatastores", () => {
  it("defaults: Postgres and Redis only (objectStore false), default resources", () => {
    expect(named("defaults").map((r) => `${r.type.split(":").pop()} ${r.name}`).sort()).toEqual([
      "ConfigMap defaults-postgres-init",
      "Deployment defaults-postgres",
      "Deployment defaults-redis",
      "NetworkPolicy defaults-postgres-ingress",
      "NetworkPolicy defaults-redis-ingress",
      "Service defaults-postgres-service",
      "Service defaults-redis-service",
    ]);
    expect(find("kubernetes:apps/v1:Deployment", "defaults-postgres").spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } });
    expect(find("kubernetes:apps/v1:Deployment", "defaults-postgres").spec.strategy).toEqual({ type: "Recreate" });
  });
  it("Services are named so that config.postgres.host and config.redis.host resolve", () => {
    expect(find("kubernetes:core/v1:Service", "defaults-postgres-service").metadata).toMatchObject({ name: "postgres", namespace: "apps" });
    expect(find("kubernetes:core/v1:Service", "defaults-redis-service").metadata).toMatchObject({ name: "redis", namespace: "apps" });
  });
  it("Postgres admits apps, monitoring (exporter) and the backup pods; Redis apps and monitoring", () => {
    const from = (n: string) => find("kubernetes:networking.k8s.io/v1:NetworkPolicy", n).spec.ingress[0].from.map((p: any) => p.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]);
    expect(from("defaults-postgres-ingress")).toEqual(["apps", "monitoring", "backup"]);
    expect(from("defaults-redis-ingress")).toEqual(["apps", "monitoring"]);
  });
  it("objectStore: a claim of objectStoreSize (default 10Gi) in the given storage class, admitting backup pods only", () => {
    expect(find("kubernetes:core/v1:PersistentVolumeClaim", "full-object-store-data").spec).toEqual({ accessModes: ["ReadWriteOnce"], storageClassName: "fast", resources: { requests: { storage: "20Gi" } } });
    expect(find("kubernetes:networking.k8s.io/v1:NetworkPolicy", "full-object-store-ingress").spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "backup" } }, podSelector: { matchLabels: { "app.kubernetes.io/component": "backup" } } },
    ]);
    expect(find("kubernetes:apps/v1:Deployment", "full-redis").spec.template.spec.containers[0].resources.limits).toEqual({ memory: "2Gi" });
    expect(find("kubernetes:core/v1:PersistentVolumeClaim", "store-object-store-data").spec).toEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } });
    expect(find("kubernetes:core/v1:Service", "store-object-store-service").metadata).toMatchObject({ name: "object-store", namespace: "backup" });
  });
  it("external endpoints get no in-cluster instance", () => {
    expect(named("external")).toEqual([]);
  });
  it("an in-cluster host other than the Service's name is refused", () => {
    expect(errors.badHost).toBe("postgres.host (db.other) must be postgres.apps.svc.cluster.local for the in-cluster instance");
  });
});
