import { awsSdk } from "../aws-sdk";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { standardLabels } from "../foundation/labels";

/** Where a generated credential is also stored in AWS Secrets Manager (AWS stacks). */
export interface SecretsManagerTarget {
  /** Customer-managed KMS key (ARN or id) that encrypts the secret. */
  readonly kmsKeyId: pulumi.Input<string>;
  /** Days Secrets Manager keeps a deleted secret recoverable (7-30), from `aws.secretRecoveryDays`. */
  readonly recoveryWindowInDays: number;
  /** Secret name, e.g. `app-platform/production/postgres`. */
  readonly name: string;
}

/** Arguments of {@link GeneratedSecret}. */
export interface GeneratedSecretArgs {
  /** Environment, for labels. */
  readonly environment: string;
  /** Component label of the Kubernetes Secrets (e.g. "datastores", "monitoring"). */
  readonly component: string;
  /** What the credential is for; becomes the Secrets Manager description. */
  readonly description: string;
  /**
   * Rotation keeper from config. The password is regenerated when, and only when, this value
   * changes: no other input of the RandomPassword can change, so a refactor never rotates.
   */
  readonly rotation: string;
  /** Password length. @default 32 */
  readonly length?: number;
  /**
   * Whether the password may contain punctuation. Off by default: the value passes through
   * shells, URLs and config files where quoting bugs would break it; 32 alphanumerics are
   * ~190 bits. @default false
   */
  readonly special?: boolean;
  /** Name of the Kubernetes Secret created in each namespace of {@link namespaces}. */
  readonly secretName: string;
  /** Namespaces that receive a copy of the Kubernetes Secret. @default [] (none) */
  readonly namespaces?: readonly pulumi.Input<string>[];
  /**
   * Further copies under another Secret name, e.g. the backup user's password in the apps
   * namespace where the dev Postgres creates that user. @default [] (none)
   */
  readonly renamedCopies?: readonly {
    readonly namespace: pulumi.Input<string>;
    readonly secretName: string;
    /** Earlier identities of this copy (e.g. when it moved from another credential), so that Pulumi updates it in place. @default [] */
    readonly aliases?: readonly pulumi.Input<pulumi.URN | pulumi.Alias>[];
  }[];
  /** Key of the password inside the Kubernetes Secret. @default "password" */
  readonly passwordKey?: string;
  /** Further keys that are not secret by themselves (e.g. `username`). @default {} */
  readonly staticData?: Readonly<Record<string, string>>;
  /** Also store the credential (JSON of all keys) in AWS Secrets Manager. @default undefined (not stored) */
  readonly secretsManager?: SecretsManagerTarget;
}

/**
 * One platform-generated credential: a RandomPassword (kept secret end to end), copies as
 * Kubernetes Secrets in the namespaces that consume it, and optionally an AWS Secrets Manager
 * secret for consumers outside the cluster. A reusable building block: the Grafana admin, the
 * dev datastores and the dev object store use it.
 */
export class GeneratedSecret extends pulumi.ComponentResource {
  /** The generated password (a Pulumi secret). */
  readonly password: pulumi.Output<string>;
  /** Name of the Kubernetes Secrets. */
  readonly secretName: string;
  /** The Kubernetes Secrets, by namespace index. */
  readonly kubernetesSecrets: k8s.core.v1.Secret[];
  /** ARN of the Secrets Manager secret, when stored there. */
  readonly secretArn?: pulumi.Output<string>;

  constructor(name: string, args: GeneratedSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:secrets:GeneratedSecret", name, {}, opts);
    const length = args.length ?? 32;
    if (!Number.isInteger(length) || length < 16 || length > 128) {
      throw new pulumi.ResourceError(`GeneratedSecret ${name}: length (${length}) must be a whole number from 16 to 128`, this);
    }
    const passwordKey = args.passwordKey ?? "password";
    const staticData = args.staticData ?? {};
    if (passwordKey in staticData) {
      throw new pulumi.ResourceError(`GeneratedSecret ${name}: staticData.${passwordKey} conflicts with passwordKey "${passwordKey}": rename one of them`, this);
    }
    const sm = args.secretsManager;
    if (sm && (sm.recoveryWindowInDays < 7 || sm.recoveryWindowInDays > 30)) {
      throw new pulumi.ResourceError(`GeneratedSecret ${name}: secretsManager.recoveryWindowInDays (${sm.recoveryWindowInDays}) must be 7-30`, this);
    }

    const generated = new random.RandomPassword(
      `${name}-password`,
      { length, special: args.special ?? false, keepers: { rotation: args.rotation } },
      { parent: this, additionalSecretOutputs: ["result"] },
    );
    this.password = pulumi.secret(generated.result);
    this.secretName = args.secretName;

    const copies: { namespace: pulumi.Input<string>; secretName: string; aliases?: readonly pulumi.Input<pulumi.URN | pulumi.Alias>[] }[] = [
      ...(args.namespaces ?? []).map((namespace) => ({ namespace, secretName: args.secretName })),
      ...(args.renamedCopies ?? []),
    ];
    this.kubernetesSecrets = copies.map(
      ({ namespace, secretName, aliases }, i) =>
        new k8s.core.v1.Secret(
          `${name}-k8s-${i}`,
          {
            metadata: {
              name: secretName,
              namespace,
              labels: standardLabels({ environment: args.environment, component: args.component, name: secretName }),
              annotations: { "app-platform/rotation": args.rotation },
            },
            type: "Opaque",
            stringData: pulumi.secret(this.password.apply((p) => ({ ...staticData, [passwordKey]: p }))),
          },
          { parent: this, ...(aliases ? { aliases: [...aliases] } : {}) },
        ),
    );

    if (sm) {
      const sdk = awsSdk();
      const secret = new sdk.secretsmanager.Secret(
        `${name}-sm`,
        {
          name: sm.name,
          description: args.description,
          kmsKeyId: sm.kmsKeyId,
          recoveryWindowInDays: sm.recoveryWindowInDays,
          tags: { "app-platform/environment": args.environment, "app-platform/rotation": args.rotation },
        },
        { parent: this },
      );
      new sdk.secretsmanager.SecretVersion(
        `${name}-sm-version`,
        {
          secretId: secret.id,
          secretString: pulumi.secret(this.password.apply((p) => JSON.stringify({ ...staticData, [passwordKey]: p }))),
        },
        { parent: secret },
      );
      this.secretArn = secret.arn;
    }

    this.registerOutputs({ password: this.password, secretName: this.secretName, secretArn: this.secretArn });
  }
}
