// A burn-rate alert fires when the error ratio exceeds `factor x (1 - objective)`. An error
// ratio cannot exceed 1, so with an objective at or below 1 - 1/factor the alert can never fire
// (the SRE workbook's fastest page, 14.4x over 1h, needs an objective above 1 - 1/14.4 = 0.93056).
// A paging alert that cannot fire is worse than none: refuse such an objective at load.
import type { ServiceConfig } from "../../components/app/service-spec";
import { BURN_TIERS, budgetOf, objectiveOf, type SliName } from "../../components/monitoring/rules/slo";
import { problem, type ConfigProblem } from "./problem";

/** The fastest burn-rate factor of the alert catalogue (14.4: 2 % of a 30-day budget in 1 h). */
export const FASTEST_BURN = Math.max(...BURN_TIERS.map((t) => t.factor));

/** Problems of services whose availability or latency objective makes a burn-rate alert unreachable. */
export function checkSloObjectives(services: readonly ServiceConfig[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const floor = 1 - 1 / FASTEST_BURN;
  services.forEach((s, i) => {
    for (const sli of ["availability", "latency"] as const satisfies readonly SliName[]) {
      const objective = objectiveOf(s, sli);
      if (FASTEST_BURN * budgetOf(objective) < 1) continue;
      const path = sli === "availability" ? ["services", i, "slo", "availability"] : ["services", i, "slo", "latency", "objective"];
      out.push(
        problem(
          path,
          objective,
          `must be above ${floor.toFixed(5)} (1 - 1/${FASTEST_BURN}): the ${FASTEST_BURN}x burn-rate page fires above an error ratio of ${FASTEST_BURN} x the budget ${budgetOf(objective)} = ${Number((FASTEST_BURN * budgetOf(objective)).toPrecision(6))}, which no error ratio can exceed, so it could never fire; raise the objective, e.g. to 0.99`,
        ),
      );
    }
  });
  return out;
}
