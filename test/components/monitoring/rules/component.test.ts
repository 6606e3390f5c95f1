import { describe, expect, it, vi } from "vitest";
import { MONITORING_LABEL } from "../../../../components/monitoring/contract";
import { stackConfig } from "../fixtures";
import { captureRegistrations } from "../../../support/mocks";

const { settle, children } = captureRegistrations();

describe("AlertRules", () => {
  it("defaults: one PrometheusRule per group named <name>-<group>, in config.namespaces.monitoring, labelled for Prometheus", async () => {
    const { AlertRules } = await import("../../../../components/monitoring/rules/component");
    const { buildRuleGroups } = await import("../../../../components/monitoring/rules/catalogue");
    const config = stackConfig("production");
    const rules = new AlertRules("ar-defaults", { config });
    await settle();
    const kids = children("ar-defaults");
    const groups = buildRuleGroups(config).map((g) => g.group.name);
    expect(rules.groupNames).toEqual(groups);
    expect(kids.map((k) => k.name).sort()).toEqual(groups.map((g) => `ar-defaults-${g}`).sort());
    for (const k of kids) {
      expect(k.type).toBe("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
      expect(k.inputs.metadata.namespace).toBe("monitoring");
      expect(k.inputs.metadata.labels).toMatchObject({ ...MONITORING_LABEL, "app.kubernetes.io/component": "alerting", "app-platform/environment": "production" });
      expect(k.inputs.spec.groups).toHaveLength(1);
    }
  });

  it("uses the namespace it is given", async () => {
    const { AlertRules } = await import("../../../../components/monitoring/rules/component");
    new AlertRules("ar-ns", { config: stackConfig("dev"), namespace: "observability" });
    await settle();
    expect(children("ar-ns").every((k) => k.inputs.metadata.namespace === "observability")).toBe(true);
  });

  it("refuses alert names defined twice", async () => {
    vi.resetModules();
    vi.doMock("../../../../components/monitoring/rules/catalogue", async (importOriginal) => {
      const orig = await importOriginal<typeof import("../../../../components/monitoring/rules/catalogue")>();
      return { ...orig, buildRuleGroups: (c: Parameters<typeof orig.buildRuleGroups>[0]) => {
        const g = orig.buildRuleGroups(c);
        return [...g, g.find((x) => x.group.name === "app-platform-redis")!];
      } };
    });
    const { AlertRules } = await import("../../../../components/monitoring/rules/component");
    expect(() => new AlertRules("ar-dup", { config: stackConfig("dev") })).toThrow(
      "alert names (RedisDown, RedisMemoryNearMax, RedisRejectedConnections, RedisEvictingKeys) are defined by more than one rule: rename one of each",
    );
    vi.doUnmock("../../../../components/monitoring/rules/catalogue");
    vi.resetModules();
  });
});
