import { POSTGRES_CA_DIR } from "../datastores/datastore-spec";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { cronPeriodSeconds } from "../../lib/cron";
import { restrictedContainer, restrictedPod } from "../foundation/security";
import { scratchVolume } from "../datastores/security";
import { priorityClassName } from "../foundation/priority";

/** Folder of the committed scripts (mounted into the jobs from a ConfigMap). */
export const SCRIPTS_DIR = path.resolve(__dirname, "..", "..", "scripts", "backup");
/** The scripts shipped in the ConfigMap. */
export const SCRIPT_FILES = ["backup.sh", "restore-drill.sh"] as const;
/** Folder of the backup tools image's Dockerfile. */
export const IMAGE_DIR = path.resolve(__dirname, "image");
/** Where the scripts are mounted in the job containers. */
export const SCRIPTS_MOUNT = "/opt/app-platform/backup";
/** UID of the backup tools image (the Postgres image's postgres user). */
export const BACKUP_UID = 999;

/** Contents of the scripts ConfigMap: the committed files, byte for byte. */
export function scriptsConfigMapData(dir: string = SCRIPTS_DIR): Record<string, string> {
  return Object.fromEntries(SCRIPT_FILES.map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
}

/** Short content hash; the image tag (immutable in ECR) and a pod annotation that rolls jobs on change. */
export function contentHash(parts: readonly string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex").slice(0, 12);
}

/**
 * Tag of the backup tools image: the Postgres version of its base image plus a hash of the
 * Dockerfile, e.g. `15.13-af7245f5e741` — a version tag (immutable in ECR, accepted as pinned)
 * that changes exactly when the Dockerfile does.
 */
export function backupImageTag(dir: string = IMAGE_DIR): string {
  const dockerfile = fs.readFileSync(path.join(dir, "Dockerfile"), "utf8");
  const base = /^FROM\s+postgres:(\d+\.\d+)/m.exec(dockerfile);
  if (!base) throw new Error(`${path.join(dir, "Dockerfile")} must start FROM postgres:<major>.<minor>-...: the tag carries that version`);
  return `${base[1]}-${contentHash([dockerfile])}`;
}

/** Key prefix of one database's backups inside the bucket. */
export function backupPrefix(database: string): string {
  return `postgres/${database}`;
}

/**
 * How long after its scheduled time a missed run may still start: an hour, but never more than
 * half the schedule's period, so that a late run cannot collide with the next one.
 */
export function startingDeadlineSeconds(schedule: string): number {
  return Math.min(3600, Math.floor(cronPeriodSeconds(schedule) / 2));
}

/** One environment variable, literal (non-secret) or from a Secret key. */
export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } } };

/** What the job pods need to reach the store. */
export interface StoreSettings {
  readonly bucket: string;
  readonly prefix: string;
  readonly region: string;
  /** S3-compatible endpoint (dev); undefined for AWS S3. */
  readonly endpoint?: string;
  /** Secret with static keys (dev); undefined under IRSA. */
  readonly credentialsSecret?: { readonly name: string; readonly accessKeyIdKey: string; readonly secretAccessKeyKey: string };
  /** KMS key the uploads name (AWS). */
  readonly kmsKeyId?: string;
  /** Create the bucket if missing (dev object store). */
  readonly createBucket: boolean;
}

/** Environment of the store, common to backup and drill. Secrets only by reference. */
export function storeEnv(s: StoreSettings): EnvVar[] {
  const env: EnvVar[] = [
    { name: "BACKUP_BUCKET", value: s.bucket },
    { name: "BACKUP_PREFIX", value: s.prefix },
    { name: "AWS_DEFAULT_REGION", value: s.region },
    { name: "AWS_REGION", value: s.region },
  ];
  if (s.endpoint) env.push({ name: "BACKUP_S3_ENDPOINT", value: s.endpoint });
  if (s.credentialsSecret) {
    const c = s.credentialsSecret;
    env.push({ name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: c.name, key: c.accessKeyIdKey } } });
    env.push({ name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: c.name, key: c.secretAccessKeyKey } } });
  }
  if (s.kmsKeyId) env.push({ name: "BACKUP_KMS_KEY_ID", value: s.kmsKeyId });
  if (s.createBucket) env.push({ name: "BACKUP_CREATE_BUCKET", value: "true" });
  return env;
}

/** Inputs of {@link backupJobPodSpec}. */
export interface JobPodInput {
  /** Which script runs. */
  readonly script: (typeof SCRIPT_FILES)[number];
  readonly image: string;
  readonly serviceAccountName: string;
  readonly scriptsConfigMap: string;
  readonly env: readonly EnvVar[];
  readonly scratchSize: string;
  readonly resources: { readonly cpu: string; readonly memory: string; readonly memoryLimit: string };
  /** ConfigMap with the Postgres CA bundle, mounted at POSTGRES_CA_DIR. @default none: the image's bundle */
  readonly caConfigMap?: string;
}

/** Pod spec of a backup or drill job: the committed script from the ConfigMap, restricted security. */
export function backupJobPodSpec(i: JobPodInput): Record<string, unknown> {
  return {
    restartPolicy: "Never",
    serviceAccountName: i.serviceAccountName,
    // IRSA's token is a projected volume of its own; the Kubernetes API token is not needed.
    automountServiceAccountToken: false,
    priorityClassName: priorityClassName("platform"),
    securityContext: restrictedPod(BACKUP_UID),
    containers: [
      {
        name: i.script === "backup.sh" ? "backup" : "restore-drill",
        image: i.image,
        imagePullPolicy: "IfNotPresent",
        command: ["/bin/bash", `${SCRIPTS_MOUNT}/${i.script}`],
        env: [
          ...i.env,
          { name: "BACKUP_WORKDIR", value: "/scratch" },
          { name: "HOME", value: "/scratch" },
          { name: "TMPDIR", value: "/scratch" },
        ],
        // No CPU limit: compression should use idle CPU; memory is bounded.
        resources: { requests: { cpu: i.resources.cpu, memory: i.resources.memory }, limits: { memory: i.resources.memoryLimit } },
        securityContext: restrictedContainer(),
        volumeMounts: [
          { name: "scripts", mountPath: SCRIPTS_MOUNT, readOnly: true },
          { name: "scratch", mountPath: "/scratch" },
          // The drill's private Postgres needs shared memory beyond the runtime's 64 MB default.
          { name: "shm", mountPath: "/dev/shm" },
          ...(i.caConfigMap ? [{ name: "postgres-ca", mountPath: POSTGRES_CA_DIR, readOnly: true }] : []),
        ],
      },
    ],
    volumes: [
      { name: "scripts", configMap: { name: i.scriptsConfigMap, defaultMode: 0o555 } },
      scratchVolume("scratch", i.scratchSize),
      scratchVolume("shm", "256Mi", "Memory"),
      ...(i.caConfigMap ? [{ name: "postgres-ca", configMap: { name: i.caConfigMap } }] : []),
    ],
  };
}

/** Inputs of {@link cronJobSpec}. */
export interface CronJobInput {
  readonly schedule: string;
  readonly timeoutMinutes: number;
  /** Pod template labels (the datastores' NetworkPolicies admit them). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Pod annotations (content hashes of scripts and config). */
  readonly podAnnotations: Readonly<Record<string, string>>;
  readonly podSpec: Record<string, unknown>;
}

/**
 * CronJob spec of the backup and the drill. Forbid: two dumps of one database at once only
 * double the load; a deadline for missed starts; a hard run-time limit; one retry; keep the
 * last failed Job (for its logs) and a few successful ones.
 */
export function cronJobSpec(i: CronJobInput): Record<string, unknown> {
  return {
    schedule: i.schedule,
    timeZone: "Etc/UTC",
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: startingDeadlineSeconds(i.schedule),
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
    jobTemplate: {
      metadata: { labels: { ...i.podLabels } },
      spec: {
        backoffLimit: 1,
        activeDeadlineSeconds: i.timeoutMinutes * 60,
        template: { metadata: { labels: { ...i.podLabels }, annotations: { ...i.podAnnotations } }, spec: i.podSpec },
      },
    },
  };
}

/** Where the job pods may connect (on top of the foundation's DNS allowance). */
export interface EgressInput {
  readonly podLabels: Readonly<Record<string, string>>;
  /** Postgres port; undefined for the drill, which restores into its own private server. */
  readonly postgresPort?: number;
  /** The in-cluster Postgres (namespace + pod labels), or undefined for an external endpoint. */
  readonly postgresPods?: { readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  /** The in-cluster object store, or undefined for AWS S3. */
  readonly storePods?: { readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly port: number };
}

/**
 * Egress NetworkPolicy of the job pods. In-cluster peers are selected by namespace and labels.
 * External ones (AWS S3 and STS over 443, an external Postgres) have addresses that a
 * NetworkPolicy cannot name by DNS, so only their ports are fixed there.
 */
export function egressPolicySpec(i: EgressInput): Record<string, unknown> {
  const peer = (p: { namespace: string; labels: Readonly<Record<string, string>> }) => [
    { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } }, podSelector: { matchLabels: { ...p.labels } } },
  ];
  const egress: Record<string, unknown>[] = [];
  if (i.postgresPort !== undefined) {
    egress.push(
      i.postgresPods
        ? { to: peer(i.postgresPods), ports: [{ protocol: "TCP", port: i.postgresPort }] }
        : { ports: [{ protocol: "TCP", port: i.postgresPort }] },
    );
  }
  egress.push(
    i.storePods
      ? { to: peer(i.storePods), ports: [{ protocol: "TCP", port: i.storePods.port }] }
      : { ports: [{ protocol: "TCP", port: 443 }] },
  );
  return { podSelector: { matchLabels: { ...i.podLabels } }, policyTypes: ["Egress"], egress };
}
