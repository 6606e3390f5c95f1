// Images from registries the stack's policy config does not allow: the policy pack refuses them
// only after a full render (and under `pulumi up` only at preview); the loader says so first.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseImage, registryMatches } from "../../lib/images";
import { problem, type ConfigProblem } from "./problem";
import { ownImageSites, type ImageView } from "./image-sites";

export type { ImageView };

/** A stack's policy-pack config file, as far as these rules read it. */
export type PolicyConfigFile = Readonly<Record<string, unknown>>;

/** Reads `policy/config/<stack>.json` under `rootDir`, or undefined when the stack has none. */
export function readPolicyConfig(rootDir: string, stack: string): { file: string; config: PolicyConfigFile } | undefined {
  const file = path.join(rootDir, "policy", "config", `${stack}.json`);
  if (!fs.existsSync(file)) return undefined;
  try {
    return { file: path.relative(rootDir, file), config: JSON.parse(fs.readFileSync(file, "utf8")) as PolicyConfigFile };
  } catch {
    // An unreadable policy config is the policy stage's to report, with the CLI's wording.
    return undefined;
  }
}

/** The allowed registries of a policy config, or undefined when it sets none. */
function allowedRegistries(policy: PolicyConfigFile): readonly string[] | undefined {
  const entry = policy["allowed-registries"];
  if (entry === "disabled" || typeof entry !== "object" || entry === null) return undefined;
  const e = entry as { enforcementLevel?: unknown; registries?: unknown };
  if (e.enforcementLevel === "disabled" || !Array.isArray(e.registries)) return undefined;
  return e.registries.filter((r): r is string => typeof r === "string");
}

/** Every image of the config whose registry the policy config's `allowed-registries` does not list. */
export function checkRegistries(config: ImageView, policy: { file: string; config: PolicyConfigFile }): ConfigProblem[] {
  const allowed = allowedRegistries(policy.config);
  if (!allowed) return [];
  const out: ConfigProblem[] = [];
  for (const [at, ref] of ownImageSites(config)) {
    const { registry } = parseImage(ref);
    if (!allowed.some((p) => registryMatches(registry, p))) {
      out.push(problem(at, ref, `comes from ${registry}, which ${policy.file} does not allow (allowed-registries: ${allowed.join(", ")}): mirror the image into an allowed registry, or add ${registry} to allowed-registries.registries`));
    }
  }
  return out;
}
