import type { PlatformConfig } from "../../../stacks/config";
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
import { RuleContext, type BuiltGroup, type RuleGroupModule } from "./types";

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
export function buildRuleGroups(config: PlatformConfig): BuiltGroup[] {
  const ctx = new RuleContext(config);
  return RULE_GROUP_MODULES.filter((m) => m.enabled?.(config) ?? true).map((m) => m.build(ctx));
}
