import { describe, expect, it } from "vitest";
import { durationSeconds, formatDuration, scaleDuration, scaleSeconds } from "../../lib/duration";

// Expected values worked out by hand from Prometheus' duration units
// (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#duration):
// ms, s, m = 60 s, h = 3600 s, d = 86400 s, w = 7 d, y = 365 d.
describe("durationSeconds", () => {
  it("reads one unit and compound durations", () => {
    expect(durationSeconds("30s")).toBe(30);
    expect(durationSeconds("5m")).toBe(300);
    expect(durationSeconds("7d")).toBe(604800);
    expect(durationSeconds("2w")).toBe(1209600);
    expect(durationSeconds("1y")).toBe(31536000);
    expect(durationSeconds("1h30m")).toBe(5400);
    expect(durationSeconds("250ms")).toBeCloseTo(0.25);
    expect(durationSeconds("0")).toBe(0);
  });

  it("rejects anything else, naming the value", () => {
    expect(() => durationSeconds("1.5m")).toThrow('"1.5m" is not a Prometheus duration (e.g. "30s", "1h30m", "250ms")');
    expect(() => durationSeconds("")).toThrow('"" is not a Prometheus duration');
    expect(() => durationSeconds("5 minutes")).toThrow('"5 minutes" is not a Prometheus duration');
  });
});

describe("formatDuration", () => {
  it("writes whole seconds in the largest unit that divides them", () => {
    expect(formatDuration(600)).toBe("10m");
    expect(formatDuration(7200)).toBe("2h");
    expect(formatDuration(5400)).toBe("90m");
    expect(formatDuration(86400)).toBe("1d");
    expect(formatDuration(61)).toBe("61s");
  });

  it("writes fractions in whole milliseconds, at least 1ms, and reads back", () => {
    expect(formatDuration(1.2)).toBe("1200ms");
    expect(formatDuration(0)).toBe("1ms");
    expect(durationSeconds(formatDuration(3723.5))).toBeCloseTo(3723.5);
  });
});

describe("duration scaling (the stacks' timeScale)", () => {
  it("keeps durations at factor 1", () => {
    expect(scaleDuration("10m", 1)).toBe("10m");
    expect(scaleDuration("90s", 1)).toBe("90s");
    expect(scaleDuration("1d", 1)).toBe("1d");
  });

  it("multiplies, rounds to whole seconds and never goes below 1 s", () => {
    expect(scaleDuration("10m", 0.01)).toBe("6s");
    expect(scaleDuration("3d", 0.01)).toBe("2592s");
    expect(scaleDuration("30s", 0.01)).toBe("1s");
    expect(scaleDuration("5m", 0.005)).toBe("2s"); // 1.5 s rounds to 2 s
    expect(scaleSeconds(0.2, 1)).toBe(1);
  });
});
