// Every expression also parses with the PromQL grammar of current Prometheus (lezer-promql
// 0.315, Prometheus 3.x); promtool 2.42 covers the older side.
import { parser } from "@prometheus-io/lezer-promql";
import { describe, expect, it } from "vitest";
import { buildRuleGroups } from "../../../../components/monitoring/rules/catalogue";
import { stackConfig } from "../fixtures";

function parseErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
    },
  });
  return errors;
}

describe("PromQL of current Prometheus", () => {
  it.each(["dev", "staging", "production"] as const)("%s: every rule expression parses", (stack) => {
    const rules = buildRuleGroups(stackConfig(stack)).flatMap((g) => g.group.rules);
    expect(rules.length).toBeGreaterThan(80);
    for (const r of rules) expect(parseErrors(r.expr), "alert" in r ? r.alert : r.record).toEqual([]);
  });

  it("the check finds a syntax error", () => {
    expect(parseErrors("sum by (job (up)")).not.toEqual([]);
  });
});
