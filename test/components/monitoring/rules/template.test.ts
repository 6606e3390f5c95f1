import { describe, expect, it } from "vitest";
import { humanize, humanizeDuration, humanizePercentage, renderTemplate } from "../../../../components/monitoring/rules/template";

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
