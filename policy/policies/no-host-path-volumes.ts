import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";
import { validateWorkloads } from "../lib/workloads";
import { EXEMPTIONS_SCHEMA, exemptionFor, type WorkloadExemption } from "../lib/exemptions";

/** Config of {@link noHostPathVolumes}. */
export interface NoHostPathVolumesConfig {
  /**
   * Reviewed exemptions ({@link WorkloadExemption}: `Kind/namespace/name`, optionally the parent
   * helm.v4.Chart, and a reason) allowed to mount node paths. @default []
   */
  readonly allowedWorkloads: readonly WorkloadExemption[];
}

/** Pods do not mount directories of the node. */
export function noHostPathVolumes(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<NoHostPathVolumesConfig> = {}): PlatformPolicy {
  return {
    name: "no-host-path-volumes",
    description: "Pods do not mount hostPath volumes.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Replace hostPath volumes with emptyDir, ConfigMap, Secret or PersistentVolumeClaim volumes.",
    configSchema: configSchema<NoHostPathVolumesConfig>({ allowedWorkloads: EXEMPTIONS_SCHEMA }, { allowedWorkloads: [] }, defaults),
    validateResource: validateWorkloads((w, args, report) => {
      const key = objectKey(w, args.name);
      if (exemptionFor(args.getConfig<NoHostPathVolumesConfig>().allowedWorkloads, w, args)) return;
      for (const v of w.pod.volumes ?? []) {
        if (v.hostPath) {
          report(`${w.kind} ${key} mounts volume "${v.name}" from the node's ${v.hostPath.path}: it can read or change the node's files; use an emptyDir, ConfigMap, Secret or PVC instead.`);
        }
      }
    }),
  };
}
