import { describe, expect, it } from "vitest";
import { MAX_STABILIZATION_SECONDS, hpaSpec, pdbSpec, planColors, releaseStaged } from "../../../components/app/sizing";
import { defaultScaling } from "../../../stacks/resolve";
import { resolved } from "./fixtures";

describe("releaseStaged", () => {
  it("is false when both colours run the same image", () => {
    expect(releaseStaged(resolved("staging"))).toBe(false);
  });
  it("is true when the idle colour runs another image", () => {
    expect(releaseStaged(resolved("staging", (s) => (s.image.green = "ghcr.io/org/web:1.5.0")))).toBe(true);
  });
  it("is true when the build targets the idle colour, false when it targets the active one", () => {
    const build = (color: string) => (s: any) => {
      delete s.image[color];
      s.build = { context: "app", color, tag: "1.5.0" };
    };
    expect(releaseStaged(resolved("staging", build("green")))).toBe(true);
    expect(releaseStaged(resolved("staging", build("blue")))).toBe(false);
  });
});

describe("planColors", () => {
  it("sizes the active colour from replicas and the idle colour from idleReplicas", () => {
    const p = planColors(resolved("production", (s) => (s.idleReplicas = 2)));
    expect(p.blue).toMatchObject({ role: "active", minReplicas: 2, maxReplicas: 6, prescaled: false });
    expect(p.green).toMatchObject({ role: "preview", minReplicas: 2, maxReplicas: 6, prescaled: true });
  });

  it("scales the idle colour away in dev by default, holds it at the serving size in staging", () => {
    expect(planColors(resolved("dev")).green.minReplicas).toBe(0);
    // staging: idleReplicas 0, but prescale holds the idle colour at replicas.min (2 in the fixture).
    expect(planColors(resolved("staging")).green).toMatchObject({ minReplicas: 2, prescaled: true });
  });

  it("keeps the idle colour warm in production by default (replicas.min)", () => {
    expect(planColors(resolved("production", (s) => (s.replicas = { min: 3, max: 9 }))).green.minReplicas).toBe(3);
  });

  it("holds the idle colour at promotion.prescaleReplicas, staged or not", () => {
    const staged = planColors(
      resolved("staging", (s) => {
        s.image.green = "ghcr.io/org/web:1.5.0";
        s.promotion = { prescaleReplicas: 4 };
      }),
    );
    expect(staged.green).toMatchObject({ minReplicas: 4, prescaled: true });
    const same = planColors(resolved("staging", (s) => (s.promotion = { prescaleReplicas: 5 })));
    expect(same.green).toMatchObject({ minReplicas: 5, prescaled: true });
  });

  it("with prescale off, sizes the idle colour from idleReplicas (one pod while a release is staged)", () => {
    const off = planColors(resolved("staging", (s) => ((s.image.green = "ghcr.io/org/web:1.5.0"), (s.promotion = { prescale: false }))));
    expect(off.green).toMatchObject({ minReplicas: 1, prescaled: false });
    const warm = planColors(resolved("staging", (s) => ((s.image.green = "ghcr.io/org/web:1.5.0"), (s.idleReplicas = 3), (s.promotion = { prescale: false }))));
    expect(warm.green).toMatchObject({ minReplicas: 3, prescaled: false });
    expect(planColors(resolved("staging", (s) => (s.promotion = { prescale: false }))).green).toMatchObject({ minReplicas: 0, prescaled: false });
  });

  it("does not prescale in dev by default (promotion.prescale defaults to false there)", () => {
    const p = planColors(resolved("dev", (s) => (s.image.green = "ghcr.io/org/web:1.5.0")));
    expect(p.green).toMatchObject({ prescaled: false, minReplicas: 1 });
  });

  it("delays the idle colour's scale-down by promotion.scaleDownDelaySeconds, the active one not", () => {
    const p = planColors(resolved("production"));
    expect(p.green.scaleDown.stabilizationWindowSeconds).toBe(1800);
    expect(p.blue.scaleDown.stabilizationWindowSeconds).toBe(defaultScaling("production").scaleDown.stabilizationWindowSeconds);
    const short = planColors(resolved("production", (s) => (s.promotion = { scaleDownDelaySeconds: 10 })));
    expect(short.green.scaleDown.stabilizationWindowSeconds).toBe(600);
  });

  it("caps the delay at Kubernetes' maximum window", () => {
    const s = resolved("production");
    const p = planColors({ ...s, promotion: { ...s.promotion, scaleDownDelaySeconds: 99999 } });
    expect(p.green.scaleDown.stabilizationWindowSeconds).toBe(MAX_STABILIZATION_SECONDS);
  });

  it("swaps the plans when the active colour flips", () => {
    const blue = planColors(resolved("production"));
    const green = planColors(resolved("production", (s) => (s.activeColor = "green")));
    expect(green.green).toEqual({ ...blue.blue, color: "green" });
    expect(green.blue).toEqual({ ...blue.green, color: "blue" });
  });
});

describe("hpaSpec", () => {
  it("is autoscaling/v2 with CPU, bounds and explicit behaviour", () => {
    const s = resolved("staging");
    const spec = hpaSpec(s, planColors(s).blue, "web-blue") as any;
    expect(spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "web-blue" });
    expect(spec.minReplicas).toBe(2);
    expect(spec.maxReplicas).toBe(6);
    expect(spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
    expect(spec.behavior.scaleUp).toEqual(defaultScaling("staging").scaleUp);
    expect(spec.behavior.scaleDown).toEqual(defaultScaling("staging").scaleDown);
  });

  it("adds memory and a Pods or External metric when configured", () => {
    for (const type of ["Pods", "External"] as const) {
      const s = resolved("staging", (x) => (x.autoscaling = { memoryUtilization: 80, metric: { type, name: "queue_depth", averageValue: "30" } }));
      const spec = hpaSpec(s, planColors(s).blue, "web-blue") as any;
      const key = type === "Pods" ? "pods" : "external";
      expect(spec.metrics[1]).toEqual({ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } });
      expect(spec.metrics[2]).toEqual({ type, [key]: { metric: { name: "queue_depth" }, target: { type: "AverageValue", averageValue: "30" } } });
    }
  });

  it("is absent for a colour scaled to 0", () => {
    const s = resolved("dev");
    expect(hpaSpec(s, planColors(s).green, "web-green")).toBeUndefined();
  });
});

describe("pdbSpec", () => {
  it("allows one eviction at a time and never blocks drains on unhealthy pods", () => {
    const s = resolved("production");
    expect(pdbSpec("web", planColors(s).blue)).toEqual({
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: "AlwaysAllow",
      selector: { matchLabels: { "app.kubernetes.io/name": "web", "app-platform/color": "blue" } },
    });
  });
  it("is absent for a colour scaled to 0", () => {
    const s = resolved("dev");
    expect(pdbSpec("web", planColors(s).green)).toBeUndefined();
  });
});
