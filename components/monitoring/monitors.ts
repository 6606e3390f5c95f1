import type { NamespacesSpec } from "../foundation/namespaces-spec";
import type { MonitoringSpec } from "./monitoring-spec";
import type { ServiceConfig } from "../app/service-spec";
import { APP_LABELS, METRICS_PORT_NAME, MONITORING_LABEL } from "./contract";

/** A prometheus-operator object as plain data (apiVersion monitoring.coreos.com/v1). */
export interface MonitoringObject {
  readonly apiVersion: "monitoring.coreos.com/v1";
  readonly kind: "ServiceMonitor" | "PodMonitor" | "Probe";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

/** Roles of the two Services of a blue-green app: `active` serves traffic, `preview` the idle colour. */
export const APP_SERVICE_ROLES = ["active", "preview"] as const;

/** Turns a Kubernetes label key into the suffix of Prometheus' `__meta_kubernetes_*_label_<x>`. */
export function metaLabel(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, "_");
}

/** The slice of stack config the services' ServiceMonitors depend on. */
export interface ServiceMonitorsConfig {
  readonly services: readonly ServiceConfig[];
  readonly namespaces: Pick<NamespacesSpec, "apps" | "monitoring">;
  readonly monitoring: Pick<MonitoringSpec, "scrapeInterval">;
}

/**
 * The ServiceMonitor of one app service. It selects both the active and the preview
 * Service (by name and role) in the apps namespace, and writes the labels rules and
 * dashboards select on: `service` (the name from config, replacing the operator's
 * Kubernetes Service name), `role` (from the Service) and `color` (from the pod).
 */
export function appServiceMonitor(service: ServiceConfig, config: ServiceMonitorsConfig, labels: Record<string, string>): MonitoringObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: `app-${service.name}`, namespace: config.namespaces.monitoring, labels: { ...labels, ...MONITORING_LABEL } },
    spec: {
      namespaceSelector: { matchNames: [config.namespaces.apps] },
      selector: {
        matchLabels: { [APP_LABELS.name]: service.name },
        matchExpressions: [{ key: APP_LABELS.role, operator: "In", values: [...APP_SERVICE_ROLES] }],
      },
      endpoints: [
        {
          port: METRICS_PORT_NAME,
          path: service.metricsPath,
          interval: config.monitoring.scrapeInterval,
          relabelings: [
            { action: "replace", targetLabel: "service", replacement: service.name },
            { action: "replace", sourceLabels: [`__meta_kubernetes_service_label_${metaLabel(APP_LABELS.role)}`], targetLabel: "role" },
            { action: "replace", sourceLabels: [`__meta_kubernetes_pod_label_${metaLabel(APP_LABELS.color)}`], targetLabel: "color" },
          ],
        },
      ],
    },
  };
}

/** One ServiceMonitor per app service of the stack. */
export function appServiceMonitors(config: ServiceMonitorsConfig, labels: Record<string, string>): MonitoringObject[] {
  return config.services.map((s) => appServiceMonitor(s, config, labels));
}
