import { describe, expect, it } from "vitest";
import { selectorMatches } from "../../lib/label-selector";

// Kubernetes API reference, meta/v1 LabelSelector: "The requirements are ANDed. An empty label
// selector matches all objects. A null label selector matches no objects."
describe("selectorMatches", () => {
  const labels = { app: "web", tier: "front" };

  it("a null selector matches nothing; an empty one everything", () => {
    expect(selectorMatches(undefined, labels)).toBe(false);
    expect(selectorMatches(null, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({}, undefined)).toBe(true);
  });

  it("ANDs matchLabels and every operator of matchExpressions", () => {
    expect(selectorMatches({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels)).toBe(true);
  });

  it("an operator the API server refuses selects nothing", () => {
    expect(selectorMatches({ matchExpressions: [{ key: "app", operator: "Gt", values: ["1"] }] }, labels)).toBe(false);
  });
});
