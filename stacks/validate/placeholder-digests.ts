// The placeholder digest (lib/images.ts PLACEHOLDER_DIGEST) stands in, in a committed stack file,
// for a digest that can only be read from a registry. An offline render accepts it (and warns),
// so that the example stacks render and pass their checks here; a real preview or update refuses
// it, because every pod that runs it would sit in ErrImagePull.
import { PLACEHOLDER_DIGEST, parseImage } from "../../lib/images";
import { thirdPartyImages } from "./third-party-images";
import type { PlatformConfig } from "../resolve";
import { problem, type ConfigProblem } from "./problem";

/** Every image of the resolved config that carries the placeholder digest, at its config path. */
export function placeholderDigests(config: PlatformConfig, stack: string): ConfigProblem[] {
  const sites: [readonly (string | number)[], string | undefined][] = [];
  config.services.forEach((s, i) => {
    sites.push([["services", i, "image", "blue"], s.image.blue], [["services", i, "image", "green"], s.image.green]);
    sites.push([["services", i, "migration", "image"], s.migration?.image]);
  });
  sites.push([["backup", "image"], config.backup.image]);
  for (const [key, ref] of thirdPartyImages(config.images)) sites.push([["images", key], ref]);
  return sites
    .filter(([, ref]) => ref !== undefined && parseImage(ref).digest === PLACEHOLDER_DIGEST)
    .map(([path, ref]) =>
      problem(
        path,
        ref!.split("@")[0] + "@sha256:000...",
        `carries the placeholder digest, which no image has: every pod running it would fail to pull; run \`platform pin-images ${stack}\` where the registry is reachable (it writes the real digest), or set the digest yourself`,
      ),
    );
}
