import { problem, type ConfigProblem } from "./validate/problem";
import type { ServiceConfig } from "./resolve";

/**
 * Rules of a service's delivery settings (strategy, router, migration, smoke test) that the
 * schema cannot express. Every problem names the key path, the value, the rule and the fix.
 */
export function checkDelivery(s: ServiceConfig, index: number): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const at = (...p: (string | number)[]) => ["services", index, ...p];
  const st = s.strategy;

  if (st.steps.length === 0) {
    out.push(problem(at("strategy", "steps"), st.steps, "must have at least one step: list the percentages of traffic on the new colour, e.g. [10, 50, 100]"));
  }
  st.steps.forEach((w, i) => {
    if (w < 1 || w > 100) out.push(problem(at("strategy", "steps", i), w, "must be a percentage from 1 to 100"));
    else if (i > 0 && w <= st.steps[i - 1]) {
      out.push(problem(at("strategy", "steps", i), w, `must be greater than steps[${i - 1}] (${st.steps[i - 1]}): each step sends more traffic to the new colour`));
    }
  });
  const last = st.steps[st.steps.length - 1];
  if (last !== undefined && last >= 1 && last < 100) {
    out.push(problem(at("strategy", "steps"), st.steps, `must end at 100, not ${last}: the last step moves all traffic, after which the new colour becomes active`));
  }

  if (st.type === "canary" && st.router === undefined) {
    out.push(problem(at("strategy", "router"), undefined, 'is required for a canary: set router.kind "gatewayApi" (with router.gateway.name) or "ingressNginx"; without a router use type "blueGreen"'));
  }
  if (st.router?.kind === "gatewayApi" && st.router.gateway === undefined) {
    out.push(problem(at("strategy", "router", "gateway"), undefined, "is required for a gatewayApi router: name the Gateway the HTTPRoute attaches to (gateway.name, optionally namespace and sectionName)"));
  }
  if (st.router?.kind === "ingressNginx" && st.router.gateway !== undefined) {
    out.push(problem(at("strategy", "router", "gateway"), st.router.gateway, 'conflicts with router.kind "ingressNginx": a Gateway is for kind "gatewayApi"; remove one'));
  }
  if (st.router?.kind === "ingressNginx" && s.ingress === undefined) {
    out.push(problem(at("strategy", "router", "kind"), st.router.kind, "needs ingress.host: the canary Ingress shares the host of the service's Ingress"));
  }
  if (s.promotion.canaryWeight > 0 && !(st.type === "canary" && st.router !== undefined)) {
    out.push(problem(at("promotion", "canaryWeight"), s.promotion.canaryWeight, 'needs strategy.type "canary" with a router: only a router can split traffic; remove it'));
  }
  if (s.promotion.migrate && s.migration === undefined) {
    out.push(problem(at("promotion", "migrate"), true, "needs a migration: set services[].migration or remove promotion.migrate"));
  }
  if (s.smokeTest && s.smokeTest.baseUrl === undefined && s.ingress?.previewHost === undefined) {
    out.push(problem(at("smokeTest", "baseUrl"), undefined, "is required when ingress.previewHost is unset: give the URL the new colour answers on"));
  }
  return out;
}
