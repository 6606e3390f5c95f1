import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../../tools/harness/duration";

describe("durations", () => {
  it("parses compound Prometheus durations", () => {
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("250ms")).toBeCloseTo(0.25);
    expect(parseDuration("3d")).toBe(259200);
    expect(parseDuration("0")).toBe(0);
  });
  it("rejects anything else naming the value", () => {
    expect(() => parseDuration("1.5m")).toThrow('"1.5m" is not a Prometheus duration (e.g. "30s", "1h30m", "250ms")');
    expect(() => parseDuration("")).toThrow('"" is not a Prometheus duration');
  });
  it("formats seconds in whole milliseconds, at least 1ms", () => {
    expect(formatDuration(5400)).toBe("1h30m");
    expect(formatDuration(1.2)).toBe("1s200ms");
    expect(formatDuration(0)).toBe("1ms");
    expect(parseDuration(formatDuration(3723.5))).toBeCloseTo(3723.5);
  });
});
