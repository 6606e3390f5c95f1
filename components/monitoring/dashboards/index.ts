import type { DashboardsConfig } from "./inputs";
import { backupsDashboard } from "./backups";
import type { BuiltDashboard } from "./panels";
import { postgresDashboard } from "./postgres";
import { redisDashboard } from "./redis";
import { releaseDashboard } from "./release";
import { serviceRedDashboard } from "./service-red";
import { sloDashboard } from "./slo";

export * from "./panels";
export type { DashboardsConfig } from "./inputs";
export { backupsDashboard, postgresDashboard, redisDashboard, releaseDashboard, serviceRedDashboard, sloDashboard };
export { errorBudget } from "./slo";

/** Every dashboard of the platform for one stack, in a stable order. */
export function buildDashboards(config: DashboardsConfig): BuiltDashboard[] {
  return [serviceRedDashboard, sloDashboard, releaseDashboard, postgresDashboard, redisDashboard, backupsDashboard].map((f) => f(config));
}

/** The JSON file a dashboard ships as (in its ConfigMap and under out/<stack>/grafana/dashboards/). */
export function dashboardJson(d: BuiltDashboard): string {
  return JSON.stringify(d.dashboard, null, 2) + "\n";
}
