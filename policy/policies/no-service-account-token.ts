import type { EnforcementLevel } from "@pulumi/policy";
import { EXEMPTIONS_SCHEMA, exemptionFor, type WorkloadExemption } from "../lib/exemptions";
import { configSchema, DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";
import { validateWorkloads } from "../lib/workloads";

/** Config of {@link noServiceAccountToken}. */
export interface NoServiceAccountTokenConfig {
  /**
   * Reviewed exemptions ({@link WorkloadExemption}) for workloads that call the Kubernetes API
   * and so need the token (operators, kube-state-metrics, sidecars that watch ConfigMaps).
   * Named per workload rather than per service account: a service account can be shared, a
   * workload exemption cannot spread. @default []
   */
  readonly allowedWorkloads: readonly WorkloadExemption[];
}

/** Pods do not mount a Kubernetes API token unless they need to call the API. */
export function noServiceAccountToken(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<NoServiceAccountTokenConfig> = {}): PlatformPolicy {
  return {
    name: "no-service-account-token",
    description: "Pods set automountServiceAccountToken: false unless the workload is exempted because it calls the API.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Set spec.automountServiceAccountToken: false on the pod template, or add a reviewed exemption to allowedWorkloads when the workload calls the API.",
    configSchema: configSchema<NoServiceAccountTokenConfig>({ allowedWorkloads: EXEMPTIONS_SCHEMA }, { allowedWorkloads: [] }, defaults),
    validateResource: validateWorkloads((w, args, report) => {
      if (exemptionFor(args.getConfig<NoServiceAccountTokenConfig>().allowedWorkloads, w, args)) return;
      if (w.pod.automountServiceAccountToken !== false) {
        const sa = `${w.metadata.namespace ?? "default"}/${w.pod.serviceAccountName ?? "default"}`;
        report(`${w.kind} ${objectKey(w, args.name)} mounts the API token of service account ${sa}: a compromised container could call the Kubernetes API with it; set automountServiceAccountToken: false on the pod, or exempt the workload in no-service-account-token.allowedWorkloads if it calls the API.`);
      }
    }),
  };
}
