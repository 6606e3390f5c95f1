import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { parseImage, registryMatches } from "../lib/images";
import { EXEMPTIONS_SCHEMA, exemptionFor, type WorkloadExemption } from "../lib/exemptions";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/** Config of {@link allowedRegistries}. */
export interface AllowedRegistriesConfig {
  /** Registry hosts images may come from; `*` matches one DNS label part. @default ["ghcr.io", "quay.io", "registry.k8s.io", "*.dkr.ecr.*.amazonaws.com"] */
  readonly registries: readonly string[];
  /**
   * Reviewed exemptions ({@link WorkloadExemption}), limited to `containers` where possible:
   * for an image whose vendor publishes it only to a registry the platform does not allow,
   * until it is mirrored. @default []
   */
  readonly allowedWorkloads: readonly WorkloadExemption[];
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
    configSchema: configSchema<AllowedRegistriesConfig>(
      { registries: { type: "array", items: { type: "string" } }, allowedWorkloads: EXEMPTIONS_SCHEMA },
      { registries: DEFAULT_REGISTRIES, allowedWorkloads: [] },
      defaults,
    ),
    validateResource: validateWorkloads((w, args, report) => {
      const cfg = args.getConfig<AllowedRegistriesConfig>();
      const allowed = cfg.registries ?? [];
      for (const c of allContainers(w.pod)) {
        const image = c.container.image;
        if (image === undefined || exemptionFor(cfg.allowedWorkloads, w, args, c.container.name)) continue;
        const { registry } = parseImage(image);
        if (!allowed.some((p) => registryMatches(registry, p))) {
          report(`${containerLabel(c)} pulls "${image}" from ${registry}, which is not an allowed registry (${allowed.join(", ")}): unvetted registries are a supply-chain risk; mirror the image or add the registry to allowed-registries.registries.`);
        }
      }
    }),
  };
}
