/**
 * Which input changes Pulumi carries out as a replacement (delete + create, or create +
 * delete) rather than an in-place update. The offline render has no provider to ask, so the
 * rules of the providers this project uses are written down here; docs/delivery.md prints
 * this table. A resource's own `replaceOnChanges` option is honoured as well.
 */

/** One immutable input: a change under `path` on a resource whose type matches `type`. */
export interface ImmutableField {
  /** Resource type token, or a prefix ending in `*` (`kubernetes:*`). */
  readonly type: string;
  /** Property path (`spec.selector`); a change at or below it forces a replacement. `*` is every input. */
  readonly path: string;
  /** Why: the API or provider rule, shown next to the flag. */
  readonly reason: string;
}

/** The documented table of immutable inputs (see docs/delivery.md). */
export const IMMUTABLE_FIELDS: readonly ImmutableField[] = [
  { type: "kubernetes:*", path: "metadata.name", reason: "a Kubernetes object cannot be renamed" },
  { type: "kubernetes:*", path: "metadata.namespace", reason: "a Kubernetes object cannot move between namespaces" },
  { type: "kubernetes:apps/v1:Deployment", path: "spec.selector", reason: "apps/v1 Deployment selectors are immutable" },
  { type: "kubernetes:apps/v1:StatefulSet", path: "spec.selector", reason: "apps/v1 StatefulSet selectors are immutable" },
  { type: "kubernetes:apps/v1:StatefulSet", path: "spec.serviceName", reason: "StatefulSet serviceName is immutable" },
  { type: "kubernetes:apps/v1:StatefulSet", path: "spec.volumeClaimTemplates", reason: "StatefulSet volumeClaimTemplates are immutable" },
  { type: "kubernetes:apps/v1:StatefulSet", path: "spec.podManagementPolicy", reason: "StatefulSet podManagementPolicy is immutable" },
  { type: "kubernetes:apps/v1:DaemonSet", path: "spec.selector", reason: "apps/v1 DaemonSet selectors are immutable" },
  { type: "kubernetes:batch/v1:Job", path: "spec.template", reason: "a Job's pod template is immutable; the provider replaces the Job" },
  { type: "kubernetes:batch/v1:Job", path: "spec.selector", reason: "a Job's selector is immutable" },
  { type: "kubernetes:core/v1:Service", path: "spec.clusterIP", reason: "a Service's clusterIP is immutable" },
  { type: "kubernetes:core/v1:Service", path: "spec.clusterIPs", reason: "a Service's clusterIPs are immutable" },
  { type: "kubernetes:core/v1:PersistentVolumeClaim", path: "spec.storageClassName", reason: "a bound claim's storage class is immutable" },
  { type: "kubernetes:core/v1:PersistentVolumeClaim", path: "spec.accessModes", reason: "a bound claim's access modes are immutable" },
  { type: "kubernetes:core/v1:PersistentVolumeClaim", path: "spec.volumeName", reason: "a bound claim's volume is immutable" },
  { type: "kubernetes:core/v1:PersistentVolumeClaim", path: "spec.selector", reason: "a claim's selector is immutable" },
  { type: "kubernetes:core/v1:Secret", path: "type", reason: "a Secret's type is immutable" },
  { type: "kubernetes:storage.k8s.io/v1:StorageClass", path: "provisioner", reason: "StorageClass fields are immutable" },
  { type: "kubernetes:storage.k8s.io/v1:StorageClass", path: "parameters", reason: "StorageClass fields are immutable" },
  { type: "kubernetes:storage.k8s.io/v1:StorageClass", path: "reclaimPolicy", reason: "StorageClass fields are immutable" },
  { type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", path: "roleRef", reason: "a binding's roleRef is immutable" },
  { type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", path: "roleRef", reason: "a binding's roleRef is immutable" },
  { type: "aws:s3/bucket:Bucket", path: "bucket", reason: "an S3 bucket cannot be renamed" },
  { type: "aws:s3/bucketV2:BucketV2", path: "bucket", reason: "an S3 bucket cannot be renamed" },
  { type: "aws:s3/bucket:Bucket", path: "objectLockEnabled", reason: "Object Lock is set when the bucket is created" },
  { type: "aws:s3/bucketV2:BucketV2", path: "objectLockEnabled", reason: "Object Lock is set when the bucket is created" },
  { type: "aws:s3/bucket:Bucket", path: "bucketPrefix", reason: "an S3 bucket cannot be renamed" },
  { type: "aws:iam/role:Role", path: "name", reason: "an IAM role cannot be renamed" },
  { type: "aws:iam/role:Role", path: "path", reason: "an IAM role's path is fixed at creation" },
  { type: "aws:kms/key:Key", path: "customerMasterKeySpec", reason: "a KMS key's spec is fixed at creation" },
  { type: "aws:kms/key:Key", path: "keyUsage", reason: "a KMS key's usage is fixed at creation" },
  { type: "aws:kms/alias:Alias", path: "name", reason: "a KMS alias cannot be renamed" },
  { type: "aws:secretsmanager/secret:Secret", path: "name", reason: "a Secrets Manager secret cannot be renamed" },
  { type: "aws:ecr/repository:Repository", path: "name", reason: "an ECR repository cannot be renamed" },
  { type: "random:index/randomPassword:RandomPassword", path: "*", reason: "random resources regenerate on any input change" },
  { type: "random:index/randomString:RandomString", path: "*", reason: "random resources regenerate on any input change" },
];

function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith("*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

/** Splits a display path (`a.b[0]["x.y"]`) into segments. */
export function pathSegments(p: string): string[] {
  const out: string[] = [];
  const re = /\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\.?([^.[\]]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(p))) out.push(m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : (m[2] ?? m[3]));
  return out;
}

function under(changed: readonly string[], field: readonly string[]): boolean {
  // A change below the field (spec.selector.matchLabels.x) or above it (spec replaced whole).
  const n = Math.min(changed.length, field.length);
  for (let i = 0; i < n; i++) {
    if (field[i] !== "*" && field[i] !== changed[i]) return false;
  }
  return true;
}

/**
 * The reason a change of `changedPath` on a resource of `type` forces a replacement, or
 * undefined when the provider updates it in place.
 *
 * @param replaceOnChanges the resource's own `replaceOnChanges` option (Pulumi paths, `*` wildcards)
 */
export function replacementReason(type: string, changedPath: string, replaceOnChanges: readonly string[] = []): string | undefined {
  const seg = pathSegments(changedPath);
  for (const p of replaceOnChanges) {
    if (p === "*" || under(seg, pathSegments(p))) return `replaceOnChanges: ${p}`;
  }
  for (const f of IMMUTABLE_FIELDS) {
    if (!typeMatches(f.type, type)) continue;
    if (f.path === "*" || under(seg, pathSegments(f.path))) return `${f.path}: ${f.reason}`;
  }
  return undefined;
}
