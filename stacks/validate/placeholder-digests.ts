// The placeholder digest (lib/images.ts PLACEHOLDER_DIGEST) stands in, in a committed stack file,
// for a digest that can only be read from a registry. An offline render accepts it (and warns),
// so that the example stacks render and pass their checks here; a real preview or update refuses
// it, because every pod that runs it would sit in ErrImagePull.
import { PLACEHOLDER_DIGEST, parseImage } from "../../lib/images";
import { thirdPartyImages } from "./third-party-images";
import { ownImageSites } from "./image-sites";
import type { PlatformConfig } from "../resolve";
import { problem, type ConfigProblem } from "./problem";

/** Every image of the resolved config that carries the placeholder digest, at its config path. */
export function placeholderDigests(config: PlatformConfig, stack: string): ConfigProblem[] {
  const theirs = thirdPartyImages(config.images).map(([key, ref]): [string[], string] => [["images", key], ref]);
  const sites = [...ownImageSites(config), ...theirs];
  return sites
    .filter(([, ref]) => parseImage(ref).digest === PLACEHOLDER_DIGEST)
    .map(([path, ref]) =>
      problem(
        path,
        ref.split("@")[0] + "@sha256:000...",
        `carries the placeholder digest, which no image has: every pod running it would fail to pull; run \`platform pin-images ${stack}\` where the registry is reachable (it writes the real digest), or set the digest yourself`,
      ),
    );
}
