import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { parseImage, registryMatches } from "../lib/images";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/** Config of {@link allowedRegistries}. */
export interface AllowedRegistriesConfig {
  /** Registry hosts images may come from; `*` matches one DNS label part. @default ["ghcr.io", "quay.io", "registry.k8s.io", "*.dkr.ecr.*.amazonaws.com"] */
  readonly registries: readonly string[];
}

/** The default {@link AllowedRegistriesConfig.registries}. */
export const DEFAULT_REGISTRIES: readonly string[] = ["ghcr.io", "quay.io", "registry.k8s.io", "*.dkr.ecr.*.amazonaws.com"];

/** Images come only from registries the platform trusts. */
export function allowedRegistries(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<AllowedRegistriesConfig> = {}): PlatformPolicy {
  return {
    name: "allowed-registries",
    description: "Container images come from an allowed registry.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Mirror the image into an allowed registry, or add its registry to allowed-registries.registries in the policy config.",
    configSchema: configSchema<AllowedRegistriesConfig>({ registries: { type: "array", items: { type: "string" } } }, { registries: DEFAULT_REGISTRIES }, defaults),
    validateResource: validateWorkloads((w, args, report) => {
      const allowed = args.getConfig<AllowedRegistriesConfig>().registries ?? [];
      for (const c of allContainers(w.pod)) {
        const image = c.container.image;
        if (image === undefined) continue;
        const { registry } = parseImage(image);
        if (!allowed.some((p) => registryMatches(registry, p))) {
          report(`${containerLabel(c)} pulls "${image}" from ${registry}, which is not an allowed registry (${allowed.join(", ")}): unvetted registries are a supply-chain risk; mirror the image or add the registry to allowed-registries.registries.`);
        }
      }
    }),
  };
}
