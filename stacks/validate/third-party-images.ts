// The third-party images (`app-platform:images`: the monitoring chart's and the exporters'):
// a chart image keeps the tag its chart version runs (a mirror may change the registry and
// repository, not the version: the operator must match the chart's CRDs, and the chart's
// templates and alerts are written for its own versions), and where the environment runs pinned
// images each one names a digest.
import { CHART_IMAGES, CHART_IMAGE_ROLES } from "../../components/monitoring/chart-images";
import { imageTag, isDigestPinned } from "../../lib/images";
import type { ConfigInput } from "../schema/stack-config";
import { EXPORTER_IMAGE_KEYS } from "../schema/images";
import { ENVIRONMENT_DEFAULTS } from "../schema/defaults";
import type { PlatformConfig, PlatformImages } from "../resolve";
import { problem, type ConfigProblem } from "./problem";

const withoutDigest = (ref: string): string => ref.split("@")[0];

/** Every third-party image the stack runs, by its `images.<key>` (the chart's known or set ones, then the exporters'). */
export function thirdPartyImages(images: PlatformImages): [key: string, ref: string][] {
  const out: [string, string][] = [];
  for (const role of CHART_IMAGE_ROLES) {
    const ref = images.chart[role];
    if (ref !== undefined) out.push([role, ref]);
  }
  for (const [key, kind] of Object.entries(EXPORTER_IMAGE_KEYS)) out.push([key, images.exporters[kind]]);
  return out;
}

/** Problems of the chart's and exporters' images, each at its `images.<key>` path. */
export function checkThirdPartyImages(config: PlatformConfig, input: ConfigInput): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const env = config.environment;
  const version = config.monitoring.chartVersion;
  const known = CHART_IMAGES[version];
  const set = input.images ?? {};
  const pinFix = `run \`platform pin-images ${env}\` where the registry is reachable (it writes the digest here), or set it yourself`;

  // A chart image set with another tag than its chart version's: that is its problem, not the digest.
  const wrongTag = new Set<string>();
  for (const role of CHART_IMAGE_ROLES) {
    const given = set[role];
    if (given === undefined || known === undefined || imageTag(given) === imageTag(known[role])) continue;
    const tag = imageTag(given);
    wrongTag.add(role);
    out.push(
      problem(
        ["images", role],
        given,
        `${tag === undefined ? "names no tag" : `has tag ${tag}`}, but chart ${version} runs ${imageTag(known[role])} (${withoutDigest(known[role])}): keep the chart's tag (a mirror may change the registry and repository), or change monitoring.chartVersion`,
      ),
    );
  }
  if (!ENVIRONMENT_DEFAULTS[env].requirePinnedImages) return out;
  for (const role of CHART_IMAGE_ROLES) {
    if (config.images.chart[role] !== undefined) continue;
    out.push(
      problem(
        ["images", role],
        undefined,
        `is required in ${env} with monitoring.chartVersion ${version}, for which this program knows no images: the chart would run its own by tag; set it to the image and tag the chart's values.yaml names ("<registry>/<repository>:<tag>"), then run \`platform pin-images ${env}\`, which adds the digest`,
      ),
    );
  }
  for (const [key, ref] of thirdPartyImages(config.images)) {
    if (wrongTag.has(key) || isDigestPinned(ref)) continue;
    out.push(problem(["images", key], ref, `must name a digest in ${env} ("${withoutDigest(ref)}@sha256:<digest>"): a tag can be moved or re-pushed, so the same name can run different code; ${pinFix}`));
  }
  return out;
}
