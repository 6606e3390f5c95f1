import type { EnforcementLevel } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { parseImage } from "../lib/images";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/** Images name a tag other than `latest`, or a digest. */
export function noLatestImage(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  return {
    name: "no-latest-image",
    description: 'Container images are not "latest" or untagged.',
    severity: "high",
    enforcementLevel,
    remediationSteps: 'Pin a version tag such as "1.4.2" or a digest "@sha256:...".',
    validateResource: validateWorkloads((w, _args, report) => {
      for (const c of allContainers(w.pod)) {
        const image = c.container.image;
        if (image === undefined) continue;
        const ref = parseImage(image);
        if (ref.digest !== undefined) continue;
        if (ref.tag === undefined || ref.tag === "latest") {
          report(
            `${containerLabel(c)} runs "${image}", which ${ref.tag === undefined ? 'has no tag and so means "latest"' : 'uses the "latest" tag'}: every node may pull a different image and a rollback restores nothing; pin a version tag or a digest.`,
          );
        }
      }
    }),
  };
}
