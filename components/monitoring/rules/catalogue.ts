import type { PlatformConfig } from "../../../stacks/config";
import { servicesGroup } from "./services";
import { sloGroup } from "./slo";
import { RuleContext, type BuiltGroup, type RuleGroupModule } from "./types";

/** Every rule group module of the platform, in file order. */
export const RULE_GROUP_MODULES: readonly RuleGroupModule[] = [servicesGroup, sloGroup];

/** Builds every rule group of a stack from its config (pure). */
export function buildRuleGroups(config: PlatformConfig): BuiltGroup[] {
  const ctx = new RuleContext(config);
  return RULE_GROUP_MODULES.filter((m) => m.enabled?.(config) ?? true).map((m) => m.build(ctx));
}
