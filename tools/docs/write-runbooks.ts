// Writes docs/runbooks/*.md from the rule definitions of the production stack (every group is
// enabled there). Run after changing a runbook text: `npx tsx tools/docs/write-runbooks.ts`.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadPlatformConfig } from "../../stacks/config";
import { readStackConfig } from "../render/stack-files";
import { buildRuleGroups } from "../../components/monitoring/rules/catalogue";
import { RUNBOOK_DIR, runbookFiles, runbookIndex } from "../../components/monitoring/rules/runbooks";

const root = path.resolve(__dirname, "../..");
const stack = readStackConfig(root, "production");
const config = loadPlatformConfig(stack.config, new Set(stack.secretKeys), "production");
const groups = buildRuleGroups(config);
fs.writeFileSync(path.join(root, RUNBOOK_DIR, "README.md"), runbookIndex(groups));
for (const f of runbookFiles(groups.flatMap((g) => g.alerts))) {
  fs.mkdirSync(path.dirname(path.join(root, f.path)), { recursive: true });
  fs.writeFileSync(path.join(root, f.path), f.content);
}
