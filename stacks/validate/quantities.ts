// Kubernetes quantities and counts that the schema accepts one by one but that cannot work
// together: a request above its own limit, pods that can never fit in the namespace's
// ResourceQuota, a ConfigMap above the API server's size cap.
import { bytes, cpuMillis } from "../schema/common";
import { problem, type ConfigProblem } from "./problem";

/**
 * Largest total size of a ConfigMap's data (keys plus values, in bytes) that the Kubernetes API
 * server accepts: 1 MiB ("The data stored in a ConfigMap cannot exceed 1 MiB", Kubernetes docs,
 * Concepts > Configuration > ConfigMaps).
 */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

/** The part of the resolved config that quantity rules read. */
export interface QuantityView {
  readonly namespaces: {
    readonly apps: string;
    readonly quota: { readonly cpu: string; readonly memory: string; readonly pods: number };
    readonly containerDefaults: { readonly cpuRequest: string; readonly memoryRequest: string; readonly cpuLimit: string; readonly memoryLimit: string };
  };
  readonly services: readonly {
    readonly replicas: { readonly min: number; readonly max: number };
    readonly idleReplicas: number;
    readonly resources: { readonly requests: { readonly cpu: string; readonly memory: string } };
    readonly settings: Readonly<Record<string, string>>;
  }[];
  readonly backup: { readonly resources: { readonly memory: string; readonly memoryLimit: string } };
}

/** Bytes of a ConfigMap's `data` as the API server counts them: UTF-8 length of every key and value. */
export function configMapDataBytes(data: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [k, v] of Object.entries(data)) total += Buffer.byteLength(k, "utf8") + Buffer.byteLength(v, "utf8");
  return total;
}

/** Formats a byte count in the largest binary unit that keeps it readable ("1.5 MiB"). */
function readableBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2).replace(/\.?0+$/, "")} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(2).replace(/\.?0+$/, "")} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(2).replace(/\.?0+$/, "")} KiB`;
  return `${n} bytes`;
}

/**
 * Quantity rules across fields: requests within limits (container defaults and backup jobs; the
 * services' own are checked with the other service rules), each service's pods within the apps
 * namespace's ResourceQuota, all services' minimum footprint within it, and settings within the
 * ConfigMap size cap.
 */
export function checkQuantities(config: QuantityView): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const ns = config.namespaces;
  const d = ns.containerDefaults;
  if (cpuMillis(d.cpuRequest) > cpuMillis(d.cpuLimit)) {
    out.push(problem(["namespaces", "containerDefaults", "cpuRequest"], d.cpuRequest, `must be <= containerDefaults.cpuLimit (${d.cpuLimit}): Kubernetes refuses a container whose request is above its limit`));
  }
  if (bytes(d.memoryRequest) > bytes(d.memoryLimit)) {
    out.push(problem(["namespaces", "containerDefaults", "memoryRequest"], d.memoryRequest, `must be <= containerDefaults.memoryLimit (${d.memoryLimit}): Kubernetes refuses a container whose request is above its limit`));
  }
  const br = config.backup.resources;
  if (bytes(br.memory) > bytes(br.memoryLimit)) {
    out.push(problem(["backup", "resources", "memory"], br.memory, `must be <= backup.resources.memoryLimit (${br.memoryLimit}): Kubernetes refuses a container whose request is above its limit`));
  }

  const quotaCpu = cpuMillis(ns.quota.cpu);
  const quotaMemory = bytes(ns.quota.memory);
  let cpuAtMinimum = 0;
  let memoryAtMinimum = 0;
  let podsAtMinimum = 0;
  config.services.forEach((s, i) => {
    const at = (...p: (string | number)[]) => ["services", i, ...p];
    const req = s.resources.requests;
    const where = `the ${ns.apps} namespace's ResourceQuota`;
    if (cpuMillis(req.cpu) > quotaCpu) {
      out.push(problem(at("resources", "requests", "cpu"), req.cpu, `is above ${where} (namespaces.quota.cpu ${ns.quota.cpu}), so no pod of the service can ever be created: lower the request or raise the quota`));
    }
    if (bytes(req.memory) > quotaMemory) {
      out.push(problem(at("resources", "requests", "memory"), req.memory, `is above ${where} (namespaces.quota.memory ${ns.quota.memory}), so no pod of the service can ever be created: lower the request or raise the quota`));
    }
    if (s.replicas.max > ns.quota.pods) {
      out.push(problem(at("replicas", "max"), s.replicas.max, `is above ${where} (namespaces.quota.pods ${ns.quota.pods}), so the autoscaler can never reach it: lower replicas.max or raise the quota`));
    }
    const pods = s.replicas.min + s.idleReplicas;
    podsAtMinimum += pods;
    cpuAtMinimum += pods * cpuMillis(req.cpu);
    memoryAtMinimum += pods * bytes(req.memory);
    const settingsBytes = configMapDataBytes(s.settings);
    if (settingsBytes > CONFIGMAP_MAX_BYTES) {
      out.push(problem(at("settings"), `${readableBytes(settingsBytes)} of keys and values`, `is above the 1 MiB (1048576 bytes) that Kubernetes allows in one ConfigMap: move large content to a volume or an object store and pass its location`));
    }
  });
  // Only when every service fits on its own: otherwise that is the problem to fix first.
  if (config.services.length > 1 && out.every((p) => !p.message.includes("ResourceQuota"))) {
    const sum = (what: string, used: string, quota: string, key: string) =>
      problem(["namespaces", "quota", key], quota, `is below what the services need at their minimum size (${used} of ${what} requests for replicas.min plus idleReplicas of every service), so some pods can never be created: raise the quota or lower requests or replicas`);
    if (cpuAtMinimum > quotaCpu) out.push(sum("CPU", `${cpuAtMinimum}m`, ns.quota.cpu, "cpu"));
    if (memoryAtMinimum > quotaMemory) out.push(sum("memory", readableBytes(memoryAtMinimum), ns.quota.memory, "memory"));
    if (podsAtMinimum > ns.quota.pods) out.push(problem(["namespaces", "quota", "pods"], ns.quota.pods, `is below the ${podsAtMinimum} pods the services run at their minimum size (replicas.min plus idleReplicas of every service): raise the quota or lower replicas`));
  }
  return out;
}
