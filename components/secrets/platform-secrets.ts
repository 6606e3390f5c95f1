import type { Environment } from "../../lib/environment";
import type { PostgresSpec, RedisSpec } from "../datastores/datastore-spec";
import type { AwsSpec } from "../backup/backup-spec";
import type * as aws from "@pulumi/aws";
import { awsSdk } from "../aws-sdk";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../foundation/labels";
import { POSTGRES_CREDENTIALS_SECRET, REDIS_CREDENTIALS_SECRET } from "../monitoring/contract";
import { BACKUP_DB_USER, POSTGRES_BACKUP_USER_SECRET, POSTGRES_MONITORING_USER_SECRET } from "./catalog";
import { GeneratedSecret, type SecretsManagerTarget } from "./generated-secret";

export { BACKUP_DB_USER, POSTGRES_BACKUP_USER_SECRET, POSTGRES_MONITORING_USER_SECRET } from "./catalog";

/** Secret (backup namespace) with the dev object store's keys; keys {@link OBJECT_STORE_KEYS}. */
export const OBJECT_STORE_CREDENTIALS_SECRET = "object-store-credentials";
/** Keys of {@link OBJECT_STORE_CREDENTIALS_SECRET}. */
export const OBJECT_STORE_KEYS = { accessKeyId: "access-key-id", secretAccessKey: "secret-access-key" } as const;
/** Access key id (user name) of the dev object store; the secret half is generated. */
export const OBJECT_STORE_ACCESS_KEY_ID = "app-platform-backup";

/** Arguments of {@link PlatformSecrets}. */
export interface PlatformSecretsArgs {
  /** Environment; names Secrets Manager secrets and labels everything. */
  readonly environment: Environment;
  /** Namespace names by role (the foundation's outputs, so that they are created first). */
  readonly namespaces: { readonly apps: pulumi.Input<string>; readonly monitoring: pulumi.Input<string>; readonly backup: pulumi.Input<string> };
  /** The resolved Postgres endpoint; in-cluster mode gets generated passwords. */
  readonly postgres: PostgresSpec;
  /** The resolved Redis endpoint; in-cluster mode gets a generated password. */
  readonly redis: RedisSpec;
  /** Rotation keeper of the dev object store's keys. @default "initial" */
  readonly objectStoreRotation?: string;
  /** Create the dev object store's keys (dev backups). @default false */
  readonly objectStore?: boolean;
  /** AWS settings; when set, generated credentials are also stored in Secrets Manager. @default undefined */
  readonly aws?: AwsSpec;
  /** `postgresPassword` from `--secret` config; required when Postgres is external. @default undefined */
  readonly postgresPassword?: pulumi.Input<string>;
  /** `redisPassword` from `--secret` config; required when Redis is external. @default undefined */
  readonly redisPassword?: pulumi.Input<string>;
  /** Password of `postgres.monitoringUser` (`--secret postgresMonitoringPassword`); required when Postgres is external. @default undefined */
  readonly postgresMonitoringPassword?: pulumi.Input<string>;
  /** Password of `postgres.backupUser` (`--secret postgresBackupPassword`); required when Postgres is external. @default undefined */
  readonly postgresBackupPassword?: pulumi.Input<string>;
}

/** Reads a credential that must come from `pulumi config set --secret` (config validation refuses plaintext). */
export function secretConfig(key: "postgresPassword" | "redisPassword" | "postgresMonitoringPassword" | "postgresBackupPassword"): pulumi.Output<string> | undefined {
  return new pulumi.Config("app-platform").getSecret(key);
}

/**
 * Every credential the platform itself creates or distributes: the Postgres and Redis
 * credential Secrets in each namespace that consumes them (generated in dev, from `--secret`
 * config for external endpoints; an external Postgres gives each consumer its own role: the
 * owner's to the services, a pg_monitor role's to the exporter, a read-only role's to the backups), a separate read-only backup user where we own the database,
 * the dev object store's keys, and in AWS stacks the customer KMS key of Secrets Manager.
 */
export class PlatformSecrets extends pulumi.ComponentResource {
  /** KMS key encrypting Secrets Manager secrets (AWS stacks). */
  readonly kmsKey?: aws.kms.Key;
  /** Generated app-user password of the dev Postgres. */
  readonly postgresPassword?: pulumi.Output<string>;
  /** Generated backup-user password of the dev Postgres. */
  readonly postgresBackupPassword?: pulumi.Output<string>;
  /** Generated password of the dev Redis. */
  readonly redisPassword?: pulumi.Output<string>;
  /** The Kubernetes Secrets this component created, for dependsOn. */
  readonly secrets: pulumi.Resource[] = [];
  private readonly args: PlatformSecretsArgs;

  constructor(name: string, args: PlatformSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:secrets:PlatformSecrets", name, {}, opts);
    this.args = args;
    const env = args.environment;
    const ns = args.namespaces;
    // Invariants only: an external endpoint's Secret can hold only a password it is given. Which
    // roles may share a credential is a config rule, checked once at load (stacks/config-rules.ts).
    const required = [
      ["postgresPassword", args.postgres, args.postgresPassword],
      ["postgresMonitoringPassword", args.postgres, args.postgresMonitoringPassword],
      ["postgresBackupPassword", args.postgres, args.postgresBackupPassword],
      ["redisPassword", args.redis, args.redisPassword],
    ] as const;
    for (const [key, endpoint, value] of required) {
      if (endpoint.mode === "external" && value === undefined) {
        const of = endpoint === args.redis ? "redis" : "postgres";
        throw new pulumi.ResourceError(`PlatformSecrets ${name}: ${key} (unset) is required when ${of}.mode is "external": passwords are generated only for the in-cluster instance`, this);
      }
    }

    if (args.aws) {
      const sdk = awsSdk();
      this.kmsKey = new sdk.kms.Key(
        `${name}-kms`,
        {
          description: `app-platform ${env}: encrypts platform credentials in Secrets Manager`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          tags: { "app-platform/environment": env },
        },
        { parent: this },
      );
      new sdk.kms.Alias(`${name}-kms-alias`, { name: `alias/app-platform-${env}-secrets`, targetKeyId: this.kmsKey.keyId }, { parent: this.kmsKey });
    }

    // Postgres.
    if (args.postgres.mode === "in-cluster") {
      const app = this.generated(`${name}-postgres`, {
        description: `app-platform ${env}: Postgres user "${args.postgres.user}" of the in-cluster database`,
        rotation: args.postgres.rotation,
        secretName: POSTGRES_CREDENTIALS_SECRET,
        namespaces: [ns.apps],
        staticData: { username: args.postgres.user },
      }, "postgres");
      // The exporter's own pg_monitor user (created by the dev Postgres' init script), not the
      // owner's. Its Secret in monitoring was the owner's second copy (k8s-1): the alias makes
      // this an update of that object's data, not a new Secret of the same name.
      this.generated(`${name}-postgres-monitoring`, {
        description: `app-platform ${env}: Postgres user "${args.postgres.monitoringUser}" (pg_monitor) of the exporter`,
        rotation: args.postgres.rotation,
        secretName: POSTGRES_CREDENTIALS_SECRET,
        renamedCopies: [
          { namespace: ns.monitoring, secretName: POSTGRES_CREDENTIALS_SECRET, aliases: [{ name: `${name}-postgres-k8s-1`, parent: app }] },
          { namespace: ns.apps, secretName: POSTGRES_MONITORING_USER_SECRET },
        ],
        staticData: { username: args.postgres.monitoringUser },
      }, "postgres-monitoring");
      const backup = this.generated(`${name}-postgres-backup`, {
        description: `app-platform ${env}: read-only Postgres user "${BACKUP_DB_USER}" of the backup jobs`,
        rotation: args.postgres.rotation,
        secretName: POSTGRES_CREDENTIALS_SECRET,
        namespaces: [ns.backup],
        renamedCopies: [{ namespace: ns.apps, secretName: POSTGRES_BACKUP_USER_SECRET }],
        staticData: { username: BACKUP_DB_USER },
      }, "postgres-backup");
      this.postgresPassword = app.password;
      this.postgresBackupPassword = backup.password;
    } else {
      // One credential per consumer, each only where it is used: the owner's for the services
      // (apps), a pg_monitor role's for the exporter (monitoring), a read-only role's for the
      // backups (backup). Same Secret name in each namespace: consumers need not know which.
      this.copies(`${name}-postgres`, POSTGRES_CREDENTIALS_SECRET, [ns.apps], {
        username: pulumi.output(args.postgres.user),
        password: pulumi.output(args.postgresPassword!),
      });
      // Child names as when all three were copies of the owner's (k8s-1, k8s-2): the update
      // changes their data in place, no Secret is replaced.
      this.copies(`${name}-postgres`, POSTGRES_CREDENTIALS_SECRET, [ns.monitoring], {
        username: pulumi.output(args.postgres.monitoringUser),
        password: pulumi.output(args.postgresMonitoringPassword!),
      }, 1);
      this.copies(`${name}-postgres`, POSTGRES_CREDENTIALS_SECRET, [ns.backup], {
        username: pulumi.output(args.postgres.backupUser),
        password: pulumi.output(args.postgresBackupPassword!),
      }, 2);
    }

    // Redis.
    if (args.redis.mode === "in-cluster") {
      this.redisPassword = this.generated(`${name}-redis`, {
        description: `app-platform ${env}: password of the in-cluster Redis`,
        rotation: args.redis.rotation,
        secretName: REDIS_CREDENTIALS_SECRET,
        namespaces: [ns.apps, ns.monitoring],
      }, "redis").password;
    } else {
      this.copies(`${name}-redis`, REDIS_CREDENTIALS_SECRET, [ns.apps, ns.monitoring], { password: pulumi.output(args.redisPassword!) });
    }

    if (args.objectStore ?? false) {
      this.generated(`${name}-object-store`, {
        description: `app-platform ${env}: keys of the in-cluster S3-compatible backup store`,
        rotation: args.objectStoreRotation ?? "initial",
        secretName: OBJECT_STORE_CREDENTIALS_SECRET,
        namespaces: [ns.backup],
        passwordKey: OBJECT_STORE_KEYS.secretAccessKey,
        staticData: { [OBJECT_STORE_KEYS.accessKeyId]: OBJECT_STORE_ACCESS_KEY_ID },
        length: 40,
      }, "object-store");
    }

    this.registerOutputs({ kmsKeyArn: this.kmsKey?.arn });
  }

  /**
   * Where another component stores a generated credential in Secrets Manager (e.g. the Grafana
   * admin password): this stack's KMS key and recovery window. Undefined outside AWS stacks.
   */
  secretsManagerTarget(credential: string): SecretsManagerTarget | undefined {
    if (!this.kmsKey || !this.args.aws) return undefined;
    return {
      kmsKeyId: this.kmsKey.arn,
      recoveryWindowInDays: this.args.aws.secretRecoveryDays,
      name: `app-platform/${this.args.environment}/${credential}`,
    };
  }

  private generated(
    name: string,
    a: Omit<ConstructorParameters<typeof GeneratedSecret>[1], "environment" | "component" | "secretsManager">,
    credential: string,
  ): GeneratedSecret {
    const g = new GeneratedSecret(
      name,
      { ...a, environment: this.args.environment, component: "secrets", secretsManager: this.secretsManagerTarget(credential) },
      { parent: this },
    );
    this.secrets.push(...g.kubernetesSecrets);
    return g;
  }

  private copies(name: string, secretName: string, namespaces: pulumi.Input<string>[], data: Record<string, pulumi.Output<string>>, firstIndex = 0): void {
    namespaces.forEach((namespace, i) => {
      this.secrets.push(
        new k8s.core.v1.Secret(
          `${name}-k8s-${firstIndex + i}`,
          {
            metadata: {
              name: secretName,
              namespace,
              labels: standardLabels({ environment: this.args.environment, component: "secrets", name: secretName }),
            },
            type: "Opaque",
            stringData: pulumi.secret(pulumi.all(data)),
          },
          { parent: this },
        ),
      );
    });
  }
}
