import { POSTGRES_CA_CONFIGMAP, POSTGRES_CA_DIR, POSTGRES_CA_KEY } from "../datastores/datastore-spec";
import type { Environment } from "../../lib/environment";
import type { NamespacesSpec } from "../foundation/namespaces-spec";
import type { PostgresSpec } from "../datastores/datastore-spec";
import type { AwsSpec, BackupSpec } from "./backup-spec";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ServiceImage, type ImageRegistry } from "../app/service-image";
import { BACKUP_POD_LABELS, OBJECT_STORE_PORT, OBJECT_STORE_SERVICE, objectStoreEndpoint } from "../datastores/in-cluster-datastores";
import { standardLabels } from "../foundation/labels";
import { BACKUP_CRONJOB, POSTGRES_CREDENTIALS_SECRET, RESTORE_DRILL_CRONJOB } from "../monitoring/contract";
import { OBJECT_STORE_CREDENTIALS_SECRET, OBJECT_STORE_KEYS } from "../secrets/platform-secrets";
import {
  IMAGE_DIR,
  backupImageTag,
  backupJobPodSpec,
  backupPrefix,
  contentHash,
  cronJobSpec,
  egressPolicySpec,
  scriptsConfigMapData,
  storeEnv,
  type EnvVar,
  type StoreSettings,
} from "./builders";
import { BackupBucket } from "./storage";

/** Bucket of the dev object store (created by the first backup run). */
export const DEV_BUCKET = "app-platform-backups";

/** What {@link PostgresBackups} reads of the stack config. */
export interface BackupsConfig {
  readonly environment: Environment;
  readonly namespaces: Pick<NamespacesSpec, "apps" | "backup">;
  readonly postgres: PostgresSpec;
  readonly backup: BackupSpec;
  /** The AWS account side (S3 bucket, KMS, IRSA roles). @default none: backups go to the dev object store in the cluster */
  readonly aws?: AwsSpec;
}

/** Arguments of {@link PostgresBackups}. */
export interface PostgresBackupsArgs {
  /** The slices of stack config the backups read: environment, namespaces, postgres, backup and aws. */
  readonly config: BackupsConfig;
  /**
   * Where the backup tools image is pushed when it is built here (ignored when
   * `config.backup.image` names an image). @default undefined: requires `config.backup.image`
   */
  readonly imageRegistry?: ImageRegistry;
  /** Project root that the image's build context is resolved against. @default process.cwd() */
  readonly rootDir?: string;
}

/**
 * Scheduled, verified Postgres backups: the storage (S3 with KMS, lifecycle, Object Lock and IRSA
 * roles in AWS stacks; the in-cluster object store in dev), the committed scripts in a
 * ConfigMap, and two CronJobs in the backup namespace — the backup, and the restore drill that
 * proves the latest backup restores.
 *
 * Freshness: the alerts read kube-state-metrics' `kube_cronjob_status_last_successful_time`
 * for {@link BACKUP_CRONJOB} and {@link RESTORE_DRILL_CRONJOB}, with `kube_cronjob_created` as
 * the fallback for a CronJob that never succeeded. Chosen over a metric the job publishes
 * because it needs no Pushgateway (another stateful service to run and alert on, whose stale
 * series outlive deleted jobs), cannot be forgotten by a script edit, and reflects exactly
 * the signal the scripts control: they exit 0 only after `latest.json` (backup) or a verified
 * restore (drill). A job that never succeeded has no last-success series at all — an
 * `absent()`-style gap that a plain `time() - last_success > X` rule would never fire on —
 * hence the creation-time fallback.
 */
export class PostgresBackups extends pulumi.ComponentResource {
  /** Image the jobs run. */
  readonly image: pulumi.Output<string>;
  /** Bucket name (AWS) or the dev bucket. */
  readonly bucket: pulumi.Output<string>;

  constructor(name: string, args: PostgresBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:backup:PostgresBackups", name, {}, opts);
    const c = args.config;
    const b = c.backup;
    const env = c.environment;
    const ns = c.namespaces.backup;
    const labels = (role: string) => ({ ...standardLabels({ environment: env, component: "backup", name: role, instance: name }) });
    // Invariants of the arguments only; which environments need AWS, Object Lock or a pinned
    // image are config rules, checked once at load (stacks/config-rules.ts).
    if (c.aws && !c.aws.oidcProviderArn) {
      throw new pulumi.ResourceError(`PostgresBackups ${name}: config.aws.oidcProviderArn (unset) is required when config.aws is set: the backup jobs reach S3 through IAM roles that trust the cluster's OIDC provider (IRSA)`, this);
    }
    if (!b.image && !args.imageRegistry) {
      throw new pulumi.ResourceError(`PostgresBackups ${name}: imageRegistry (unset) is required when config.backup.image is unset: the backup tools image is built and pushed there; pass imageRegistry or set config.backup.image`, this);
    }

    const prefix = backupPrefix(c.postgres.database);
    const serviceAccounts = { backup: { namespace: ns, name: BACKUP_CRONJOB }, drill: { namespace: ns, name: RESTORE_DRILL_CRONJOB } };

    // Image: a pinned reference from config, or built from the committed Dockerfile.
    if (b.image) {
      this.image = pulumi.output(b.image);
    } else {
      const built = new ServiceImage(
        `${name}-image`,
        {
          environment: env,
          service: "backup-tools",
          context: path.relative(args.rootDir ?? process.cwd(), IMAGE_DIR),
          tag: backupImageTag(),
          registry: args.imageRegistry!,
          rootDir: args.rootDir,
        },
        { parent: this },
      );
      this.image = built.ref;
    }

    // Storage.
    let store: pulumi.Output<StoreSettings>;
    let roleArns: Record<"backup" | "drill", pulumi.Output<string>> | undefined;
    if (c.aws) {
      const bucket = new BackupBucket(
        `${name}-storage`,
        {
          environment: env,
          region: c.aws.region,
          prefix,
          retentionDays: b.retentionDays,
          transitionDays: b.transitionDays,
          objectLock: b.objectLock,
          oidcProviderArn: c.aws.oidcProviderArn!,
          serviceAccounts,
          protect: b.protectStorage,
        },
        { parent: this },
      );
      roleArns = bucket.roleArns;
      const region = c.aws.region;
      store = pulumi.all([bucket.bucketName, bucket.kmsKeyArn]).apply(([bucketName, kms]) => ({
        bucket: bucketName, prefix, region, kmsKeyId: kms, createBucket: false,
      }));
      this.bucket = bucket.bucketName;
    } else {
      store = pulumi.output<StoreSettings>({
        bucket: DEV_BUCKET,
        prefix,
        region: "us-east-1",
        endpoint: objectStoreEndpoint(ns),
        credentialsSecret: { name: OBJECT_STORE_CREDENTIALS_SECRET, accessKeyIdKey: OBJECT_STORE_KEYS.accessKeyId, secretAccessKeyKey: OBJECT_STORE_KEYS.secretAccessKey },
        createBucket: true,
      });
      this.bucket = pulumi.output(DEV_BUCKET);
    }

    // The committed scripts, byte for byte; their hash rolls the pod template when they change.
    const scripts = scriptsConfigMapData();
    const scriptsHash = contentHash(Object.values(scripts));
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      { metadata: { name: "backup-scripts", namespace: ns, labels: labels("backup-scripts") }, data: scripts },
      { parent: this },
    );

    const tables = b.drill.verifyTables.join(" ");
    const pg = c.postgres;
    const caConfigMap = pg.sslMode.startsWith("verify") && pg.caBundle !== undefined ? POSTGRES_CA_CONFIGMAP : undefined;
    if (caConfigMap) {
      new k8s.core.v1.ConfigMap(`${name}-postgres-ca`, { metadata: { name: caConfigMap, namespace: ns, labels: labels("postgres-ca") }, data: { [POSTGRES_CA_KEY]: pg.caBundle! } }, { parent: this });
    }
    const postgresEnv: EnvVar[] = [
      { name: "PGHOST", value: pg.host },
      { name: "PGPORT", value: String(pg.port) },
      { name: "PGDATABASE", value: pg.database },
      { name: "PGSSLMODE", value: pg.sslMode },
      // The configured CA bundle when there is one; else the image's (public roots + RDS bundle).
      ...(pg.sslMode.startsWith("verify") ? [{ name: "PGSSLROOTCERT", value: caConfigMap ? `${POSTGRES_CA_DIR}/${POSTGRES_CA_KEY}` : "/etc/ssl/certs/postgres-roots.pem" }] : []),
      { name: "PGUSER", valueFrom: { secretKeyRef: { name: POSTGRES_CREDENTIALS_SECRET, key: "username" } } },
      { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: POSTGRES_CREDENTIALS_SECRET, key: "password" } } },
      { name: "BACKUP_VERIFY_TABLES", value: tables },
      { name: "BACKUP_COMPRESS_LEVEL", value: String(b.compressLevel) },
    ];
    const inClusterPg = pg.mode === "in-cluster"
      ? { namespace: c.namespaces.apps, labels: { "app.kubernetes.io/name": "postgres" } }
      : undefined;
    const storePods = c.aws ? undefined : { namespace: ns, labels: { "app.kubernetes.io/name": OBJECT_STORE_SERVICE }, port: OBJECT_STORE_PORT };

    const jobs = [
      { kind: "backup" as const, cronJob: BACKUP_CRONJOB, script: "backup.sh" as const, schedule: b.schedule, env: postgresEnv },
      { kind: "drill" as const, cronJob: RESTORE_DRILL_CRONJOB, script: "restore-drill.sh" as const, schedule: b.drill.schedule, env: [{ name: "DRILL_VERIFY_TABLES", value: tables }] as EnvVar[] },
    ];
    for (const job of jobs) {
      const podLabels = { ...labels(job.cronJob), ...BACKUP_POD_LABELS };
      const sa = new k8s.core.v1.ServiceAccount(
        `${name}-${job.kind}-sa`,
        {
          metadata: {
            name: serviceAccounts[job.kind].name,
            namespace: ns,
            labels: labels(job.cronJob),
            ...(roleArns ? { annotations: { "eks.amazonaws.com/role-arn": roleArns[job.kind] } } : {}),
          },
          automountServiceAccountToken: false,
        },
        { parent: this },
      );
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${job.kind}-egress`,
        {
          metadata: { name: `${job.cronJob}-egress`, namespace: ns, labels: labels(job.cronJob) },
          spec: egressPolicySpec({
            podLabels: { "app.kubernetes.io/name": job.cronJob, "app.kubernetes.io/instance": name },
            postgresPort: job.kind === "backup" ? pg.port : undefined,
            postgresPods: inClusterPg,
            storePods,
          }) as unknown as k8s.types.input.networking.v1.NetworkPolicySpec,
        },
        { parent: this },
      );
      const spec = pulumi.all([store, this.image]).apply(([s, image]) =>
        cronJobSpec({
          schedule: job.schedule,
          timeoutMinutes: b.timeoutMinutes,
          podLabels,
          podAnnotations: { "app-platform/scripts-hash": scriptsHash },
          podSpec: backupJobPodSpec({
            script: job.script,
            image,
            serviceAccountName: serviceAccounts[job.kind].name,
            scriptsConfigMap: "backup-scripts",
            env: [...storeEnv(s), ...job.env],
            scratchSize: b.scratchSize,
            resources: b.resources,
            ...(job.kind === "backup" && caConfigMap ? { caConfigMap } : {}),
          }),
        }),
      );
      new k8s.batch.v1.CronJob(
        `${name}-${job.kind}`,
        { metadata: { name: job.cronJob, namespace: ns, labels: labels(job.cronJob) }, spec: spec as unknown as k8s.types.input.batch.v1.CronJobSpec },
        { parent: this, dependsOn: [configMap, sa] },
      );
    }

    this.registerOutputs({ image: this.image, bucket: this.bucket });
  }
}
