import { backupsGroup } from "./backups";
import { blackboxGroup } from "./blackbox";
import { monitoringGroup } from "./monitoring";
import { nodesGroup } from "./nodes";
import { postgresGroup } from "./postgres";
import { redisGroup } from "./redis";
import { releasesGroup } from "./releases";
import { servicesGroup } from "./services";
import { sloGroup } from "./slo";
import { workloadsGroup } from "./workloads";
import { RuleContext, type AlertRulesConfig, type BuiltGroup, type RuleGroupModule } from "./types";

/** Every rule group module of the platform, in file order. */
export const RULE_GROUP_MODULES: readonly RuleGroupModule[] = [
  servicesGroup,
  sloGroup,
  releasesGroup,
  workloadsGroup,
  nodesGroup,
  postgresGroup,
  redisGroup,
  blackboxGroup,
  backupsGroup,
  monitoringGroup,
];

/** Builds every rule group of a stack from its config (pure). */
export function buildRuleGroups(config: AlertRulesConfig): BuiltGroup[] {
  const ctx = new RuleContext(config);
  return RULE_GROUP_MODULES.filter((m) => m.enabled?.(config) ?? true).map((m) => m.build(ctx));
}

/** Alert names defined by more than one rule across the groups (must be none). */
export function duplicateAlertNames(groups: readonly BuiltGroup[]): string[] {
  const seen = new Map<string, number>();
  for (const g of groups) for (const a of g.alerts) seen.set(a.rule.alert, (seen.get(a.rule.alert) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}
