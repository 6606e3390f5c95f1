import type { AlertDefinition } from "./types";

/** Folder of the runbooks in this repository (the runbook URLs point at it). */
export const RUNBOOK_DIR = "docs/runbooks";

/**
 * The Markdown runbook of an alert: what it means, how to check, how to fix. The files under
 * docs/runbooks are generated from the same definitions as the rules, so they cannot drift.
 */
export function runbookMarkdown(def: AlertDefinition): string {
  const r = def.rule;
  const list = (xs: readonly string[]) => xs.map((x, i) => `${i + 1}. ${x}`).join("\n");
  return [
    `# ${r.alert}`,
    "",
    `Severity: **${r.labels.severity}**. ${r.for ? "Fires once its condition has held for the `for:` duration of the stack." : "Fires as soon as its condition holds."}`,
    "",
    "## What it means",
    "",
    def.runbook.meaning,
    "",
    "## How to check",
    "",
    list(def.runbook.check),
    "",
    "## How to fix",
    "",
    list(def.runbook.fix),
    "",
    "Thresholds and `for:` durations are set per environment (stacks/schema/defaults.ts) and can be overridden under `app-platform:alerting.thresholds`; the rule itself is in the rendered `prometheus/rules/` files of each stack.",
    "",
  ].join("\n");
}

/** The runbook files of a stack's alerts: docs/runbooks/<AlertName>.md -> Markdown. */
export function runbookFiles(alerts: readonly AlertDefinition[]): { readonly path: string; readonly content: string }[] {
  return alerts.map((a) => ({ path: `${RUNBOOK_DIR}/${a.rule.alert}.md`, content: runbookMarkdown(a) }));
}

/** docs/runbooks/README.md: every alert by group with its severity and summary template. */
export function runbookIndex(groups: readonly { readonly group: { readonly name: string }; readonly alerts: readonly AlertDefinition[] }[]): string {
  const lines = ["# Runbooks", "", "One page per alert of the platform's rule catalogue (components/monitoring/rules), generated from the rule definitions.", ""];
  for (const g of groups) {
    lines.push(`## ${g.group.name}`, "", "| Alert | Severity | Summary |", "| --- | --- | --- |");
    for (const a of g.alerts) lines.push(`| [${a.rule.alert}](${a.rule.alert}.md) | ${a.rule.labels.severity} | ${a.rule.annotations.summary.replace(/\|/g, "\\|")} |`);
    lines.push("");
  }
  return lines.join("\n");
}
