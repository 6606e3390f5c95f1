// Input checks that apply to a whole class of value wherever it appears (quantities, durations,
// cron schedules, host names and URLs, time zones, images), and the per-environment refusals
// of risky production edits. Each reads a narrow view of the resolved config (so that nothing
// here imports the loader) and returns problems in the house style; none throws.
import type { ConfigProblem } from "./problem";
import { checkQuantities, type QuantityView } from "./quantities";

/** What the input checks need besides the config: the stack's name selects its policy config. */
export interface InputCheckContext {
  readonly stack?: string;
}

/** The part of the resolved config that the input checks read. */
export type InputView = QuantityView;

/** Every input check of this folder on one resolved config. */
export function checkInputs(config: InputView, ctx: InputCheckContext = {}): ConfigProblem[] {
  void ctx;
  return [...checkQuantities(config)];
}
