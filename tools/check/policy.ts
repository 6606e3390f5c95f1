import { checkStackPolicies, countViolations, formatViolation, violationsLine } from "../policy";
import type { CheckStage } from "./stage";

/**
 * The policy pack on the render, with the stack's policy config. Fails on a mandatory
 * violation; advisory ones are listed but pass.
 */
export const policyStage: CheckStage = {
  name: "policy",
  async run(ctx) {
    const report = await checkStackPolicies(ctx.stack, ctx.result.resources);
    const c = countViolations(report);
    return {
      ok: c.mandatory === 0,
      summary: `${report.counts.policies - report.counts.disabled} policies, mandatory ${c.mandatory}, advisory ${c.advisory}`,
      problems: report.violations.map((v) => formatViolation(v).replace(/\n\s+/g, " — ")),
      reportLines: [violationsLine(report)],
    };
  },
};
