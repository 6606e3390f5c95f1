// Delivery settings of a service (strategy, router, migration, smoke test): defaults and the
// exact message of every refusal, loaded as the program loads a stack.
import { describe, expect, it } from "vitest";
import { edited, load, problemsOf } from "./fixtures";

const gateway = { kind: "gatewayApi", gateway: { name: "public", namespace: "gateways" } };
const canary = (extra: Record<string, unknown> = {}) => (v: any) => (v.services[0].strategy = { type: "canary", router: gateway, ...extra });

describe("strategy defaults", () => {
  it("is blue-green with steps 10/50/100, when a stack says nothing", () => {
    const s = load(edited("staging", () => {})).services[0];
    expect(s.strategy.type).toBe("blueGreen");
    expect(s.strategy.steps).toEqual([10, 50, 100]);
    expect(s.strategy.router).toBeUndefined();
    expect(s.promotion.canaryWeight).toBe(0);
    expect(s.promotion.migrate).toBe(false);
  });

  it("dwells 30 s in dev, 120 s in staging, 300 s in production", () => {
    expect(load(edited("dev", canary())).services[0].strategy.dwellSeconds).toBe(30);
    expect(load(edited("staging", canary())).services[0].strategy.dwellSeconds).toBe(120);
    expect(load(edited("production", canary())).services[0].strategy.dwellSeconds).toBe(300);
  });

  it("keeps the stack's own steps, dwell and thresholds", () => {
    const s = load(edited("staging", canary({ steps: [5, 25, 100], dwellSeconds: 60, analysis: { maxErrorRatio: 0.02, minRequests: 50 } }))).services[0];
    expect(s.strategy).toMatchObject({ type: "canary", steps: [5, 25, 100], dwellSeconds: 60, analysis: { maxErrorRatio: 0.02, minRequests: 50 } });
  });

  it("gives a migration a 600 s timeout and each smoke request status 200 by default", () => {
    const s = load(
      edited("staging", (v) => {
        v.services[0].migration = { name: "schema", command: ["./migrate", "up"] };
        v.services[0].smokeTest = { baseUrl: "https://preview.example.com", requests: [{ path: "/" }, { path: "/missing", status: 404 }] };
      }),
    ).services[0];
    expect(s.migration).toEqual({ name: "schema", command: ["./migrate", "up"], timeoutSeconds: 600 });
    expect(s.smokeTest).toEqual({ baseUrl: "https://preview.example.com", requests: [{ path: "/", status: 200 }, { path: "/missing", status: 404 }], timeoutSeconds: 10 });
  });
});

describe("refused at load", () => {
  const cases: [string, (v: any) => void, string][] = [
    ["steps not increasing", canary({ steps: [10, 50, 40, 100] }), "app-platform:services[0].strategy.steps[2] (40) must be greater than steps[1] (50): each step sends more traffic to the new colour"],
    ["a repeated step", canary({ steps: [50, 50, 100] }), "app-platform:services[0].strategy.steps[1] (50) must be greater than steps[0] (50): each step sends more traffic to the new colour"],
    ["a step above 100", canary({ steps: [10, 150] }), "app-platform:services[0].strategy.steps[1] (150) must be a percentage from 1 to 100"],
    ["a step of 0", canary({ steps: [0, 100] }), "app-platform:services[0].strategy.steps[0] (0) must be a percentage from 1 to 100"],
    ["no steps", canary({ steps: [] }), "app-platform:services[0].strategy.steps ([]) must have at least one step: list the percentages of traffic on the new colour, e.g. [10, 50, 100]"],
    ["steps that stop short of 100", canary({ steps: [10, 50] }), "app-platform:services[0].strategy.steps ([10,50]) must end at 100, not 50: the last step moves all traffic, after which the new colour becomes active"],
    ["a fractional step", canary({ steps: [12.5, 100] }), "app-platform:services[0].strategy.steps[0] (12.5) must be a whole number; write it as a number such as 3"],
    ["an unknown strategy", (v) => (v.services[0].strategy = { type: "canry" }), 'app-platform:services[0].strategy.type ("canry") must be one of "blueGreen", "canary": did you mean "canary"?'],
    ["a canary without a router", (v) => (v.services[0].strategy = { type: "canary" }), 'app-platform:services[0].strategy.router (unset) is required for a canary: set router.kind "gatewayApi" (with router.gateway.name) or "ingressNginx"; without a router use type "blueGreen"'],
    ["a Gateway API router without a Gateway", canary({ router: { kind: "gatewayApi" } }), "app-platform:services[0].strategy.router.gateway (unset) is required for a gatewayApi router: name the Gateway the HTTPRoute attaches to (gateway.name, optionally namespace and sectionName)"],
    ["an ingress-nginx router without a host", canary({ router: { kind: "ingressNginx" } }), 'app-platform:services[0].strategy.router.kind ("ingressNginx") needs ingress.host: the canary Ingress shares the host of the service\'s Ingress'],
    ["a weight on a blue-green service", (v) => (v.services[0].promotion = { canaryWeight: 10 }), 'app-platform:services[0].promotion.canaryWeight (10) needs strategy.type "canary" with a router: only a router can split traffic; remove it'],
    ["a weight above 100", (v) => { canary()(v); v.services[0].promotion = { canaryWeight: 120 }; }, "app-platform:services[0].promotion.canaryWeight (120) must be <= 100"],
    ["migrate without a migration", (v) => (v.services[0].promotion = { migrate: true }), "app-platform:services[0].promotion.migrate (true) needs a migration: set services[].migration or remove promotion.migrate"],
    ["a migration without a command", (v) => (v.services[0].migration = { name: "schema", command: [] }), "app-platform:services[0].migration.command ([]) must have at least 1 entry"],
    ["a smoke test with nowhere to go", (v) => (v.services[0].smokeTest = { requests: [{ path: "/" }] }), "app-platform:services[0].smokeTest.baseUrl (unset) is required when ingress.previewHost is unset: give the URL the new colour answers on"],
    ["a smoke path without a slash", (v) => (v.services[0].smokeTest = { baseUrl: "https://p.example.com", requests: [{ path: "health" }] }), 'app-platform:services[0].smokeTest.requests[0].path ("health") must be an HTTP path starting with "/"'],
  ];
  for (const [what, edit, message] of cases) {
    it(what, () => expect(problemsOf(edited("staging", edit))).toContain(message));
  }

  it("accepts a canary through ingress-nginx on the service's host", () => {
    expect(problemsOf(edited("staging", (v) => { v.services[0].ingress = { host: "web.example.com", clusterIssuer: "letsencrypt-prod" }; v.services[0].strategy = { type: "canary", router: { kind: "ingressNginx" } }; }))).toEqual([]);
  });
});
