import { describe, expect, it } from "vitest";
import { appServiceMonitor, appServiceMonitors, metaLabel } from "../../../components/monitoring/monitors";
import { stackConfig } from "./fixtures";

describe("app ServiceMonitors", () => {
  it("one per configured service", () => {
    expect(appServiceMonitors(stackConfig("production"), {}).map((m) => m.metadata.name)).toEqual(["app-podinfo", "app-orders-api"]);
    expect(appServiceMonitors(stackConfig("dev"), {}).map((m) => m.metadata.name)).toEqual(["app-podinfo"]);
  });
  it("selects the active and preview Services of the service in the apps namespace and writes service, role, color", () => {
    const c = stackConfig("production");
    const m = appServiceMonitor(c.services[1], c, { a: "b" });
    expect(m.metadata).toEqual({ name: "app-orders-api", namespace: "monitoring", labels: { a: "b", "app-platform/monitoring": "true" } });
    expect(m.spec).toEqual({
      namespaceSelector: { matchNames: ["apps"] },
      selector: {
        matchLabels: { "app.kubernetes.io/name": "orders-api" },
        matchExpressions: [{ key: "app-platform/role", operator: "In", values: ["active", "preview"] }],
      },
      endpoints: [
        {
          port: "metrics",
          path: "/metrics",
          interval: "15s",
          relabelings: [
            { action: "replace", targetLabel: "service", replacement: "orders-api" },
            { action: "replace", sourceLabels: ["__meta_kubernetes_service_label_app_platform_role"], targetLabel: "role" },
            { action: "replace", sourceLabels: ["__meta_kubernetes_pod_label_app_platform_color"], targetLabel: "color" },
          ],
        },
      ],
    });
  });
  it("metaLabel sanitises label keys as Prometheus does", () => {
    expect(metaLabel("app.kubernetes.io/name")).toBe("app_kubernetes_io_name");
    expect(metaLabel("app-platform/color")).toBe("app_platform_color");
  });
});
