import { describe, expect, it } from "vitest";
import { formatDuration, scaleDuration, scaleSeconds } from "../../../../components/monitoring/rules/duration";
import { humanize, humanizeDuration, humanizePercentage, renderTemplate } from "../../../../components/monitoring/rules/template";

describe("duration scaling", () => {
  it("keeps durations at factor 1 and formats in the largest whole unit", () => {
    expect(scaleDuration("10m", 1)).toBe("10m");
    expect(scaleDuration("90s", 1)).toBe("90s");
    expect(scaleDuration("1d", 1)).toBe("1d");
    expect(formatDuration(7200)).toBe("2h");
    expect(formatDuration(61)).toBe("61s");
  });

  it("multiplies, rounds to whole seconds and never goes below 1 s", () => {
    expect(scaleDuration("10m", 0.01)).toBe("6s");
    expect(scaleDuration("3d", 0.01)).toBe("2592s");
    expect(scaleDuration("30s", 0.01)).toBe("1s");
    expect(scaleDuration("5m", 0.005)).toBe("2s"); // 1.5 s rounds to 2 s
    expect(scaleSeconds(0.2, 1)).toBe(1);
  });
});

describe("annotation templates render as Prometheus renders them", () => {
  it("humanize uses SI prefixes and four significant digits", () => {
    expect(humanize(0)).toBe("0");
    expect(humanize(1234567)).toBe("1.235M");
    expect(humanize(0.25)).toBe("250m");
    expect(humanize(42)).toBe("42");
  });

  it("humanizePercentage and humanizeDuration", () => {
    expect(humanizePercentage(0.0172)).toBe("1.72%");
    expect(humanizePercentage(0.2)).toBe("20%");
    expect(humanizeDuration(450)).toBe("7m 30s");
    expect(humanizeDuration(14 * 86400 - 60)).toBe("13d 23h 59m 0s");
    expect(humanizeDuration(3)).toBe("3s");
    expect(humanizeDuration(0.25)).toBe("250ms");
  });

  it("renders labels and filtered values, and refuses constructs it cannot render", () => {
    expect(renderTemplate("{{ $labels.service }} at {{ $value | humanizePercentage }}", { service: "web" }, 0.5)).toBe("web at 50%");
    expect(() => renderTemplate("{{ $labels.pod }}", {}, 1)).toThrow("template uses $labels.pod, which the alert does not carry");
    expect(() => renderTemplate('{{ printf "%.2f" $value }}', {}, 1)).toThrow('unsupported template construct {{ printf "%.2f" $value }}');
  });
});
