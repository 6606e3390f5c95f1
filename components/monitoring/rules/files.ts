import YAML from "yaml";
import { promtoolTestFile, promtoolTestFiles } from "./promtool-tests";
import type { BuiltGroup, RuleGroup } from "./types";

/** Path of a group's rule file under a stack's output folder. */
export function ruleFilePath(groupName: string): string {
  return `prometheus/rules/${groupName}.yaml`;
}

/** A rule group in the file format promtool and Prometheus read (`groups:` with one group). */
export function ruleFileText(group: RuleGroup): string {
  return YAML.stringify({ groups: [group] }, { lineWidth: 0 });
}

/** The promtool test file of a group, referring to its rule file by base name (same folder). */
export function testFileText(built: BuiltGroup): string {
  return YAML.stringify(promtoolTestFile(built, `${built.group.name}.yaml`), { lineWidth: 0 });
}

/** The promtool test files of a group, split for parallel runs: `<group>.<n>.test.yaml` -> text. */
export function testFileTexts(built: BuiltGroup): { readonly name: string; readonly text: string }[] {
  return promtoolTestFiles(built, `${built.group.name}.yaml`).map((f, i) => ({ name: `${built.group.name}.${i + 1}.test.yaml`, text: YAML.stringify(f, { lineWidth: 0 }) }));
}
