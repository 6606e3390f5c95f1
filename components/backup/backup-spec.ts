/** Postgres backups and restore drills, every default applied (stack config `backup`). */
export interface BackupSpec {
  readonly enabled: boolean;
  readonly schedule: string;
  readonly retentionDays: number;
  readonly transitionDays: number;
  /** S3 Object Lock default retention of the bucket (AWS). @default none: no Object Lock */
  readonly objectLock?: { readonly mode: "GOVERNANCE" | "COMPLIANCE"; readonly days: number };
  readonly drill: { readonly schedule: string; readonly verifyTables: readonly string[] };
  /** Image with pg_dump and the aws CLI. @default none: built from components/backup/image and pushed to the stack's registry */
  readonly image?: string;
  readonly compressLevel: number;
  readonly scratchSize: string;
  readonly timeoutMinutes: number;
  readonly resources: { readonly cpu: string; readonly memory: string; readonly memoryLimit: string };
  /** Keeper of the dev object store's generated keys. */
  readonly rotation: string;
  /** Protect the S3 bucket and its KMS key from deletion (`protect`: a `pulumi destroy` stops at them). */
  readonly protectStorage: boolean;
}

/** The AWS account side of a stack (stack config `aws`); absent in dev. */
export interface AwsSpec {
  readonly region: string;
  /** IAM OIDC provider of the cluster, trusted by IRSA roles. @default none: the backup jobs, which need it, are refused */
  readonly oidcProviderArn?: string;
  readonly ecr: { readonly keepImages: number };
  readonly secretRecoveryDays: number;
}
