// Input checks that apply to a whole class of value wherever it appears (quantities, durations,
// cron schedules, host names and URLs, time zones, images), and the per-environment refusals
// of risky production edits. Each returns problems in the house style; none throws.
import { problem, type ConfigInput, type ConfigProblem } from "../config";
import type { PlatformConfig } from "../resolve";
import { checkQuantities } from "./quantities";

/** What the input checks need besides the config: the stack's name selects its policy config. */
export interface InputCheckContext {
  readonly stack?: string;
}

/** Every input check of this folder on one resolved config. */
export function checkInputs(config: PlatformConfig, input: ConfigInput, ctx: InputCheckContext = {}): ConfigProblem[] {
  void input;
  void ctx;
  return [...checkQuantities(config, problem)];
}
