import type { EnforcementLevel } from "@pulumi/policy";
import type { PlatformPolicy } from "../lib/policy";
import { alertRuleMetadata } from "./alert-rule-metadata";
import { allowedRegistries } from "./allowed-registries";
import { containerProbes } from "./container-probes";
import { containerResources } from "./container-resources";
import { criticalAlertsPage } from "./critical-alerts-page";
import { cronjobDeadlines } from "./cronjob-deadlines";
import { cronjobForbidConcurrency } from "./cronjob-forbid-concurrency";
import { dropAllCapabilities } from "./drop-all-capabilities";
import { ecrImmutableTags } from "./ecr-immutable-tags";
import { ecrScanOnPush } from "./ecr-scan-on-push";
import { grafanaAdminPassword } from "./grafana-admin-password";
import { imageDigest } from "./image-digest";
import { hpaTargetWithoutReplicas } from "./hpa-target-without-replicas";
import { hpaWorkloadHasPdb } from "./hpa-workload-has-pdb";
import { iamNoWildcardAdmin } from "./iam-no-wildcard-admin";
import { kmsKeyRotation } from "./kms-key-rotation";
import { minReplicas } from "./min-replicas";
import { namespaceDefaultDeny } from "./namespace-default-deny";
import { noExternalServiceTypes } from "./no-external-service-types";
import { noHostNamespaces } from "./no-host-namespaces";
import { noHostPathVolumes } from "./no-host-path-volumes";
import { noHostPorts } from "./no-host-ports";
import { noLatestImage } from "./no-latest-image";
import { noPrivilegeEscalation } from "./no-privilege-escalation";
import { noSecretLiteralEnv } from "./no-secret-literal-env";
import { noServiceAccountToken } from "./no-service-account-token";
import { noClusterAdminBinding } from "./no-cluster-admin-binding";
import { noClusterSecretRead } from "./no-cluster-secret-read";
import { noRbacWildcards } from "./no-rbac-wildcards";
import { prometheusRetentionWithinVolume } from "./prometheus-retention-within-volume";
import { pvcStorageClass } from "./pvc-storage-class";
import { ingressTls } from "./ingress-tls";
import { pinnedImages } from "./pinned-images";
import { priorityClass } from "./priority-class";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem";
import { readinessDiffersFromLiveness } from "./readiness-differs-from-liveness";
import { runAsNonRoot } from "./run-as-non-root";
import { s3BucketKmsEncryption } from "./s3-bucket-kms-encryption";
import { s3BucketLifecycle } from "./s3-bucket-lifecycle";
import { s3BucketObjectLock } from "./s3-bucket-object-lock";
import { s3BucketPublicAccessBlock } from "./s3-bucket-public-access-block";
import { s3BucketTlsOnly } from "./s3-bucket-tls-only";
import { s3BucketVersioning } from "./s3-bucket-versioning";
import { secretsmanagerCustomerKms } from "./secretsmanager-customer-kms";
import { seccompRuntimeDefault } from "./seccomp-runtime-default";
import { serviceMonitoring } from "./service-monitoring";
import { topologySpread } from "./topology-spread";

/** Every policy factory of the pack, by group. Each takes the enforcement level first. */
export const POLICY_FACTORIES = {
  kubernetes: [
    containerResources,
    containerProbes,
    readinessDiffersFromLiveness,
    runAsNonRoot,
    readOnlyRootFilesystem,
    dropAllCapabilities,
    noPrivilegeEscalation,
    noHostNamespaces,
    noHostPorts,
    noHostPathVolumes,
    seccompRuntimeDefault,
    noLatestImage,
    pinnedImages,
    imageDigest,
    allowedRegistries,
    hpaTargetWithoutReplicas,
    hpaWorkloadHasPdb,
    minReplicas,
    topologySpread,
    noServiceAccountToken,
    noExternalServiceTypes,
    namespaceDefaultDeny,
    noSecretLiteralEnv,
    cronjobDeadlines,
    cronjobForbidConcurrency,
    noClusterSecretRead,
    noRbacWildcards,
    noClusterAdminBinding,
    pvcStorageClass,
    priorityClass,
    ingressTls,
  ],
  aws: [
    s3BucketKmsEncryption,
    s3BucketVersioning,
    s3BucketPublicAccessBlock,
    s3BucketTlsOnly,
    s3BucketLifecycle,
    s3BucketObjectLock,
    ecrScanOnPush,
    ecrImmutableTags,
    secretsmanagerCustomerKms,
    iamNoWildcardAdmin,
    kmsKeyRotation,
  ],
  monitoring: [alertRuleMetadata, criticalAlertsPage, serviceMonitoring, grafanaAdminPassword, prometheusRetentionWithinVolume],
} as const;

/**
 * Every policy of the pack at one enforcement level (the pack config of each stack then sets
 * each policy's level). The CLI's pack (policy/index.ts) and the offline runner both call this,
 * so they run the same policies.
 */
export function createPolicies(enforcementLevel?: EnforcementLevel): PlatformPolicy[] {
  return Object.values(POLICY_FACTORIES)
    .flat()
    .map((factory) => (factory as (level?: EnforcementLevel) => PlatformPolicy)(enforcementLevel));
}

export * from "./alert-rule-metadata";
export * from "./allowed-registries";
export * from "./container-probes";
export * from "./container-resources";
export * from "./critical-alerts-page";
export * from "./cronjob-deadlines";
export * from "./cronjob-forbid-concurrency";
export * from "./drop-all-capabilities";
export * from "./ecr-immutable-tags";
export * from "./ecr-scan-on-push";
export * from "./grafana-admin-password";
export * from "./hpa-target-without-replicas";
export * from "./hpa-workload-has-pdb";
export * from "./iam-no-wildcard-admin";
export * from "./image-digest";
export * from "./kms-key-rotation";
export * from "./min-replicas";
export * from "./namespace-default-deny";
export * from "./no-external-service-types";
export * from "./no-host-namespaces";
export * from "./no-host-path-volumes";
export * from "./no-host-ports";
export * from "./no-latest-image";
export * from "./no-privilege-escalation";
export * from "./no-secret-literal-env";
export * from "./no-service-account-token";
export * from "./no-cluster-admin-binding";
export * from "./no-cluster-secret-read";
export * from "./no-rbac-wildcards";
export * from "./prometheus-retention-within-volume";
export * from "./pvc-storage-class";
export * from "./ingress-tls";
export * from "./pinned-images";
export * from "./priority-class";
export * from "./read-only-root-filesystem";
export * from "./readiness-differs-from-liveness";
export * from "./run-as-non-root";
export * from "./s3-bucket-kms-encryption";
export * from "./s3-bucket-lifecycle";
export * from "./s3-bucket-object-lock";
export * from "./s3-bucket-public-access-block";
export * from "./s3-bucket-tls-only";
export * from "./s3-bucket-versioning";
export * from "./secretsmanager-customer-kms";
export * from "./seccomp-runtime-default";
export * from "./service-monitoring";
export * from "./topology-spread";
