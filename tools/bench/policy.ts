// Bench section "policy": time to run the whole policy pack on each stack's render (median of
// 5 runs in this process, after one warm-up that loads the SDK classes), and the number of
// resources and policies, so that a slow policy shows up before it slows every preview.
import { createPolicies } from "../../policy/policies";
import { readStackPackConfig, runPolicyPack } from "../policy";
import { renderInChild } from "../render/subprocess";
import { median } from "./render";

const STACKS = ["dev", "staging", "production"] as const;
const RUNS = 5;

/** Runs the section; lines `name: value unit`. */
export async function run(): Promise<string[]> {
  const lines: string[] = [];
  const policies = createPolicies();
  for (const stack of STACKS) {
    const r = await renderInChild({ stack });
    if (!r.ok) throw new Error(`render of ${stack} failed: ${r.stderr}`);
    const config = readStackPackConfig(stack);
    const resources = r.result.resources;
    await runPolicyPack({ resources, policies, config, packEnforcementLevel: "mandatory" });
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await runPolicyPack({ resources, policies, config, packEnforcementLevel: "mandatory" });
      times.push(performance.now() - started);
    }
    lines.push(`policy.${stack}.median: ${median(times).toFixed(1)} ms`);
    lines.push(`policy.${stack}.resources: ${resources.length} resources`);
  }
  lines.push(`policy.policies: ${policies.length} policies`);
  return lines;
}
