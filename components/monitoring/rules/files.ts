import YAML from "yaml";
import { promtoolTestFile } from "./promtool-tests";
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
