// Input checks that apply to a whole class of value wherever it appears (quantities, durations,
// namespaces, images), and the refusals of risky production edits. Each reads a narrow view of
// the resolved config (so that nothing here imports the loader) and returns problems in the
// house style; none throws. Host names, URLs, time zones and cron schedules are checked where the
// schema and rules read them (stacks/schema/network.ts, stacks/schema/cron.ts).
import { checkMonitoringValues, type MonitoringView } from "./monitoring";
import { checkNamespaces, type NamespaceView } from "./namespaces";
import type { ConfigProblem } from "./problem";
import { checkProduction, type ProductionView } from "./production";
import { checkQuantities, type QuantityView } from "./quantities";
import { checkRegistries, readPolicyConfig, type ImageView } from "./registries";

/** What the input checks need besides the config. */
export interface InputCheckContext {
  /** The stack's name: selects `policy/config/<stack>.json`. */
  readonly stack?: string;
  /** Folder holding `policy/`; @default the working directory (the project, under Pulumi). */
  readonly rootDir?: string;
  /** `alerting.thresholds` as the stack wrote them, so that a problem names the value it set. */
  readonly thresholdOverrides?: Readonly<Record<string, unknown>>;
}

/** The part of the resolved config that the input checks read. */
export type InputView = QuantityView & MonitoringView & NamespaceView & ImageView & ProductionView;

/** Every input check of this folder on one resolved config. */
export function checkInputs(config: InputView, ctx: InputCheckContext = {}): ConfigProblem[] {
  const policy = ctx.stack === undefined ? undefined : readPolicyConfig(ctx.rootDir ?? process.cwd(), ctx.stack);
  return [
    ...checkNamespaces(config),
    ...checkQuantities(config),
    ...checkMonitoringValues(config, ctx.thresholdOverrides),
    ...(policy ? checkRegistries(config, policy) : []),
    ...checkProduction(config, policy),
  ];
}
