import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";

type Claim = { spec?: { storageClassName?: string } };

/** Where each kind keeps its volume claims: a claim itself, or templates the controller stamps out. */
const CLAIMS: Record<string, (p: Record<string, any>) => { where: string; claim: Claim }[]> = {
  "kubernetes:core/v1:PersistentVolumeClaim": (p) => [{ where: "", claim: p as Claim }],
  "kubernetes:apps/v1:StatefulSet": (p) => ((p.spec?.volumeClaimTemplates ?? []) as (Claim & { metadata?: { name?: string } })[]).map((c, i) => ({ where: ` volumeClaimTemplates[${i}]${c.metadata?.name ? ` (${c.metadata.name})` : ""}`, claim: c })),
  "kubernetes:monitoring.coreos.com/v1:Prometheus": (p) => (p.spec?.storage?.volumeClaimTemplate ? [{ where: " spec.storage.volumeClaimTemplate", claim: p.spec.storage.volumeClaimTemplate }] : []),
  "kubernetes:monitoring.coreos.com/v1:Alertmanager": (p) => (p.spec?.storage?.volumeClaimTemplate ? [{ where: " spec.storage.volumeClaimTemplate", claim: p.spec.storage.volumeClaimTemplate }] : []),
  "kubernetes:monitoring.coreos.com/v1:ThanosRuler": (p) => (p.spec?.storage?.volumeClaimTemplate ? [{ where: " spec.storage.volumeClaimTemplate", claim: p.spec.storage.volumeClaimTemplate }] : []),
};

/**
 * Every volume claim names its StorageClass. Meant for clusters without a default class (EKS
 * created on Kubernetes 1.30 or later): a claim that names none stays Pending there. Off in
 * dev (policy/config/dev.json), whose kind cluster has a default class.
 */
export function pvcStorageClass(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "pvc-storage-class",
    description: "PersistentVolumeClaims and claim templates (StatefulSets, Prometheus, Alertmanager) name a storageClassName.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Set spec.storageClassName (the stack's storageClass config, e.g. gp3 on EKS).",
    validateResource: (args, report) => {
      const extract = CLAIMS[args.type];
      if (!extract) return args.notApplicable(`Policy only applies to ${Object.keys(CLAIMS).join(", ")}`);
      for (const { where, claim } of extract(args.props)) {
        if (!claim?.spec?.storageClassName) {
          report(`${args.type.split(":").pop()} ${objectKey(args.props, args.name)}${where} names no storageClassName: on a cluster without a default StorageClass (EKS since 1.30) the volume stays Pending and the pod never starts; set the stack's storageClass.`);
        }
      }
    },
  };
}
