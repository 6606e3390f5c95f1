import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { hasDigest, isVersionTag, parseImage, registryMatches } from "../lib/images";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/** Config of {@link pinnedImages}. */
export interface PinnedImagesConfig {
  /**
   * Registries whose tags cannot be overwritten (ECR repositories with IMMUTABLE tags, which
   * ecr-immutable-tags enforces), so any tag there is a pin. @default ["*.dkr.ecr.*.amazonaws.com"]
   */
  readonly immutableTagRegistries: readonly string[];
}

/**
 * Images are pinned to a digest or an immutable version tag. Tags such as `main` or `stable`
 * move; a version tag is immutable where the registry enforces it (ECR with IMMUTABLE tags).
 */
export function pinnedImages(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<PinnedImagesConfig> = {}): PlatformPolicy {
  return {
    name: "pinned-images",
    description: "Container images are pinned to a digest or an immutable version tag.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: 'Use "repo@sha256:<digest>" or a version tag such as "1.4.2".',
    configSchema: configSchema<PinnedImagesConfig>(
      { immutableTagRegistries: { type: "array", items: { type: "string" } } },
      { immutableTagRegistries: ["*.dkr.ecr.*.amazonaws.com"] },
      defaults,
    ),
    validateResource: validateWorkloads((w, args, report) => {
      const immutable = args.getConfig<PinnedImagesConfig>().immutableTagRegistries ?? [];
      for (const c of allContainers(w.pod)) {
        const image = c.container.image;
        if (image === undefined) continue;
        const ref = parseImage(image);
        // Untagged and "latest" are no-latest-image's to report; one fault, one violation.
        if (hasDigest(ref) || isVersionTag(ref.tag) || ref.tag === undefined || ref.tag === "latest") continue;
        if (immutable.some((p) => registryMatches(ref.registry, p))) continue;
        report(`${containerLabel(c)} runs "${image}", which is not pinned: a moving tag can change what runs without a deployment; use a digest ("@sha256:...") or a version tag such as "1.4.2".`);
      }
    }),
  };
}
