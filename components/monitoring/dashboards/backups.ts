import type { DashboardsConfig } from "./inputs";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { BACKUP_CRONJOB, RESTORE_DRILL_CRONJOB } from "../contract";
import { note, numberPanels, platformDashboard, stat, timeseries, type BuiltDashboard } from "./panels";

/**
 * Backups and restore drills, from kube-state-metrics' CronJob and Job series: how old the
 * last success is, failures, and run durations.
 */
export function backupsDashboard(config: DashboardsConfig): BuiltDashboard {
  const ns = config.namespaces.backup;
  let d = platformDashboard("app-platform-backups", "Backups and restore drills", ["backups"]).time({ from: "now-7d", to: "now" });
  if (!config.backup.enabled) {
    d = d.withPanel(note("Backups are off", "`backup.enabled` is false in this stack: nothing is backed up."));
  }
  for (const [title, cronjob, dayLimit] of [
    ["Backup", BACKUP_CRONJOB, 1],
    ["Restore drill", RESTORE_DRILL_CRONJOB, 7],
  ] as const) {
    const sel = `namespace="${ns}",cronjob="${cronjob}"`;
    const jobs = `namespace="${ns}",job_name=~"${cronjob}-.*"`;
    d = d
      .withRow(new RowBuilder(`${title} (${cronjob})`))
      .withPanel(
        stat("Since last success", [{ expr: `time() - max(kube_cronjob_status_last_successful_time{${sel}})` }], {
          unit: "s",
          width: 6,
          thresholds: [[dayLimit * 86400 + 3600, "orange"], [dayLimit * 2 * 86400, "red"]],
        }),
      )
      .withPanel(stat("Failed jobs (7d)", [{ expr: `sum(max_over_time(kube_job_status_failed{${jobs}}[7d]))` }], { width: 6, thresholds: [[1, "red"]] }))
      .withPanel(stat("Running now", [{ expr: `sum(kube_cronjob_status_active{${sel}})` }], { width: 6 }))
      .withPanel(stat("Suspended", [{ expr: `max(kube_cronjob_spec_suspend{${sel}})` }], { width: 6, thresholds: [[1, "red"]] }))
      .withPanel(
        timeseries("Job durations", [{ expr: `max by (job_name) (kube_job_status_completion_time{${jobs}} - kube_job_status_start_time{${jobs}})`, legend: "{{job_name}}" }], {
          unit: "s",
          width: 24,
        }),
      );
  }
  return { slug: "backups", dashboard: numberPanels(d.build()) };
}
