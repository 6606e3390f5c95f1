// Bench section "diff": wall time of `platform diff <stack> --base HEAD` (base in a git
// worktree and working tree, both rendered in child processes, in parallel; median of 3), and
// the formatting of a large synthetic diff under the pull-request comment cap.
import { buildDiffReport } from "../commands/diff";
import { diffResources } from "../delivery/diff";
import { DEFAULT_MAX_CHARS, formatDiff } from "../delivery/markdown";
import { REPO_ROOT, type RenderedResource } from "../render/mock-runtime";

const STACKS = ["dev", "staging", "production"] as const;
const RUNS = 3;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Runs the section; lines `name: value unit`. */
export async function run(): Promise<string[]> {
  const lines: string[] = [];
  for (const stack of STACKS) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await buildDiffReport(REPO_ROOT, stack, "HEAD");
      times.push(performance.now() - started);
    }
    lines.push(`diff.${stack}.median: ${Math.round(median(times))} ms`);
  }
  const n = 5000;
  const before: RenderedResource[] = Array.from({ length: n }, (_, i) => ({
    type: "kubernetes:core/v1:ConfigMap",
    name: `cm-${i}`,
    urn: `urn:cm-${i}`,
    dependsOn: [],
    inputs: { metadata: { name: `cm-${i}` }, data: { value: `v${i}`, text: "line\n".repeat(200) } },
    custom: true,
    options: {},
  }));
  const after = before.map((r) => ({ ...r, inputs: { ...r.inputs, data: { value: `w${r.name}`, text: "line\n".repeat(201) } } }));
  const started = performance.now();
  const md = formatDiff({ stack: "bench", baseRef: "HEAD", diff: diffResources(before, after), secretConfig: [], resourcesWithSecrets: [] });
  lines.push(`diff.format.${n}-changed-resources: ${Math.round(performance.now() - started)} ms`);
  lines.push(`diff.format.${n}-changed-resources.output: ${md.length} chars (cap ${DEFAULT_MAX_CHARS})`);
  return lines;
}
