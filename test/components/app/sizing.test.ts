import { describe, expect, it } from "vitest";
import { hpaSpec, pdbSpec, planColors, releaseStaged } from "../../../components/app/sizing";
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
    expect(p.green).toMatchObject({ role: "preview", minReplicas: 2, maxReplicas: 6, prescaled: false });
  });

  it("scales the idle colour away in dev and staging when no release holds it (no permanent second fleet)", () => {
    expect(planColors(resolved("dev")).green).toMatchObject({ minReplicas: 0, prescaled: false });
    expect(planColors(resolved("staging")).green).toMatchObject({ minReplicas: 0, prescaled: false });
  });

  it("keeps the idle colour at replicas.min in production by default (idleReplicas)", () => {
    expect(planColors(resolved("production", (s) => (s.replicas = { min: 3, max: 9 }))).green).toMatchObject({ minReplicas: 3, prescaled: false });
  });

  it("holds the idle colour at promotion.prescaleReplicas while a release sets promotion.prescale, staged or not", () => {
    const staged = planColors(
      resolved("staging", (s) => {
        s.image.green = "ghcr.io/org/web:1.5.0";
        s.promotion = { prescale: true, prescaleReplicas: 4 };
      }),
    );
    expect(staged.green).toMatchObject({ minReplicas: 4, prescaled: true });
    const same = planColors(resolved("staging", (s) => (s.promotion = { prescale: true, prescaleReplicas: 5 })));
    expect(same.green).toMatchObject({ minReplicas: 5, prescaled: true });
    // prescaleReplicas alone (no prescale) holds nothing.
    expect(planColors(resolved("staging", (s) => (s.promotion = { prescaleReplicas: 5 }))).green).toMatchObject({ minReplicas: 0, prescaled: false });
  });

  it("without a hold, sizes the idle colour from idleReplicas (one pod while a release is staged)", () => {
    const off = planColors(resolved("staging", (s) => (s.image.green = "ghcr.io/org/web:1.5.0")));
    expect(off.green).toMatchObject({ minReplicas: 1, prescaled: false });
    const warm = planColors(resolved("staging", (s) => ((s.image.green = "ghcr.io/org/web:1.5.0"), (s.idleReplicas = 3))));
    expect(warm.green).toMatchObject({ minReplicas: 3, prescaled: false });
  });

  it("gives the idle colour the service's own scale-down behaviour (the warm window is the release's, not the HPA's)", () => {
    const p = planColors(resolved("production", (s) => (s.promotion = { prescale: true, prescaleReplicas: 4 })));
    expect(p.green.scaleDown).toEqual(defaultScaling("production").scaleDown);
    expect(p.blue.scaleDown).toEqual(defaultScaling("production").scaleDown);
  });

  it("during the warm window the old colour keeps its measured size, after it shrinks to idleReplicas (staging: away)", () => {
    // After a switch blue -> green: green is active, blue (old) is idle and runs the old image.
    const switched = (s: any) => ((s.activeColor = "green"), (s.image.green = "ghcr.io/org/web:1.5.0"));
    const during = planColors(resolved("staging", (s) => (switched(s), (s.promotion = { prescale: true, prescaleReplicas: 5, warmUntil: "2026-11-30T10:40:00Z" }))));
    expect(during.blue).toMatchObject({ role: "preview", minReplicas: 5, prescaled: true });
    expect(during.green).toMatchObject({ role: "active", minReplicas: 2 });
    const after = planColors(resolved("staging", switched));
    // The old colour still runs another image than the active one, so it keeps one pod (staged rule).
    expect(after.blue).toMatchObject({ role: "preview", minReplicas: 1, prescaled: false });
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
