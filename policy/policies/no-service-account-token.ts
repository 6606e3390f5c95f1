import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";
import { validateWorkloads } from "../lib/workloads";

/** Config of {@link noServiceAccountToken}. */
export interface NoServiceAccountTokenConfig {
  /** Service accounts (`namespace/name`) whose pods may mount an API token (they call the API). @default [] */
  readonly allowedServiceAccounts: readonly string[];
}

/** Pods do not mount a Kubernetes API token unless they need to call the API. */
export function noServiceAccountToken(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<NoServiceAccountTokenConfig> = {}): PlatformPolicy {
  return {
    name: "no-service-account-token",
    description: "Pods set automountServiceAccountToken: false unless their service account is allow-listed.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Set spec.automountServiceAccountToken: false on the pod template.",
    configSchema: configSchema<NoServiceAccountTokenConfig>({ allowedServiceAccounts: { type: "array", items: { type: "string" } } }, { allowedServiceAccounts: [] }, defaults),
    validateResource: validateWorkloads((w, args, report) => {
      const ns = w.metadata.namespace ?? "default";
      const sa = `${ns}/${w.pod.serviceAccountName ?? "default"}`;
      if (args.getConfig<NoServiceAccountTokenConfig>().allowedServiceAccounts?.includes(sa)) return;
      if (w.pod.automountServiceAccountToken !== false) {
        report(`${w.kind} ${objectKey(w, args.name)} mounts the API token of service account ${sa}: a compromised container could call the Kubernetes API with it; set automountServiceAccountToken: false on the pod, or allow-list the service account.`);
      }
    }),
  };
}
