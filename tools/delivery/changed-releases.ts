/**
 * What a push changed in a stack's releases, for deploy.yml: which services have a new
 * release staged on their idle colour (run `platform promote` for them after `pulumi up`), and
 * which had `activeColor` flipped by hand in the stack file — a switch of all traffic that
 * `pulumi up` applies without the analysis gate, shown in the job summary.
 *
 *   npx tsx tools/delivery/changed-releases.ts <stack> <base-commit>
 *
 * prints `services=<names>` and `flipped=<names>` (for $GITHUB_OUTPUT) and appends a Markdown
 * note to $GITHUB_STEP_SUMMARY when set. A missing or all-zero base (a new branch, a manual
 * run) compares against nothing and finds no release.
 */
import * as fs from "node:fs";
import YAML from "yaml";
import { REPO_ROOT } from "../render/mock-runtime";
import { fileAtRef, resolveRef } from "./worktree";

type Color = "blue" | "green";
interface Entry {
  name: string;
  activeColor: Color;
  image?: Partial<Record<Color, string>>;
  build?: { color?: Color; tag?: string; context?: string };
}

/** One service's change between two versions of a stack file. */
export interface ReleaseChange {
  readonly service: string;
  /** `release`: the idle colour runs something new (promote it); `flip`: activeColor changed without the gate. */
  readonly kind: "release" | "flip";
  readonly detail: string;
}

const idle = (c: Color): Color => (c === "blue" ? "green" : "blue");

/** What the idle colour of a service runs: an image reference or a build and its tag. */
function idleRuns(e: Entry): string {
  const c = idle(e.activeColor);
  return e.build?.color === c ? `build ${e.build.context ?? ""}:${e.build.tag ?? ""}` : (e.image?.[c] ?? "");
}

/** The services of a stack file's text (`app-platform:services`), [] when absent. */
export function servicesOf(stackYaml: string | undefined): Entry[] {
  if (stackYaml === undefined) return [];
  const doc = YAML.parse(stackYaml) as { config?: Record<string, unknown> } | null;
  const list = doc?.config?.["app-platform:services"];
  return Array.isArray(list) ? (list as Entry[]) : [];
}

/** Compares two versions of a stack's services. Pure. */
export function releaseChanges(base: readonly Entry[], head: readonly Entry[]): ReleaseChange[] {
  const out: ReleaseChange[] = [];
  for (const h of head) {
    const b = base.find((x) => x.name === h.name);
    if (!b) continue; // a new service: `pulumi up` creates it, there is nothing to release into
    if (b.activeColor !== h.activeColor) {
      out.push({ service: h.name, kind: "flip", detail: `activeColor ${b.activeColor} → ${h.activeColor} in the stack file: pulumi up switches all traffic at once, without the analysis gate` });
    } else if (idleRuns(b) !== idleRuns(h) && idleRuns(h) !== "") {
      out.push({ service: h.name, kind: "release", detail: `${idle(h.activeColor)} now runs ${idleRuns(h)} (was ${idleRuns(b) || "nothing"})` });
    }
  }
  return out;
}

/** The Markdown note for the job summary. */
export function changesSummary(stack: string, changes: readonly ReleaseChange[]): string {
  const lines = [`### Releases on \`${stack}\``, ""];
  if (changes.length === 0) lines.push("No service has a new release staged; nothing to promote.");
  for (const c of changes) {
    lines.push(c.kind === "flip" ? `- ⚠️ **${c.service}: traffic flipped without the gate** — ${c.detail}. Use \`platform promote\` for releases; a hand flip is for emergency rollbacks only.` : `- **${c.service}**: ${c.detail} → \`platform promote ${stack} ${c.service}\``);
  }
  return lines.join("\n") + "\n";
}

function main(argv: readonly string[]): number {
  const [stack, baseRef] = argv;
  if (!stack) {
    console.error("usage: changed-releases.ts <stack> [<base-commit>]");
    return 2;
  }
  const file = `Pulumi.${stack}.yaml`;
  const head = servicesOf(fs.readFileSync(`${REPO_ROOT}/${file}`, "utf8"));
  let base: Entry[] = [];
  if (baseRef && !/^0+$/.test(baseRef)) {
    try {
      base = servicesOf(fileAtRef(REPO_ROOT, resolveRef(REPO_ROOT, baseRef), file));
    } catch (e) {
      console.error(`changed-releases: ${(e as Error).message}`);
      return 2;
    }
  }
  const changes = releaseChanges(base, head);
  console.log(`services=${changes.filter((c) => c.kind === "release").map((c) => c.service).join(" ")}`);
  console.log(`flipped=${changes.filter((c) => c.kind === "flip").map((c) => c.service).join(" ")}`);
  if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, changesSummary(stack, changes));
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
