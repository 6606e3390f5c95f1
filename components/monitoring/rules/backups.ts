import { durationSeconds } from "../../../lib/duration";
import { cronPeriodSeconds } from "../../../lib/cron";
import { BACKUP_CRONJOB, RESTORE_DRILL_CRONJOB } from "../contract";
import { gauge, series } from "./series";
import type { AlertCase, AlertDefinition, RuleContext, RuleGroupModule } from "./types";

/**
 * Age a CronJob's last success may reach: its schedule's longest gap plus the grace, scaled by
 * `timeScale` like every other duration of the rules.
 */
export function allowedAgeSeconds(ctx: RuleContext, schedule: string): number {
  return ctx.secs(cronPeriodSeconds(schedule) + durationSeconds(ctx.thresholds.backupGrace));
}

function freshnessExpr(ns: string, cronjob: string, allowed: number): string {
  // kube-state-metrics exports last_successful_time only after a first success; a CronJob that
  // never succeeded is as old as the CronJob itself.
  const sel = `{namespace="${ns}",cronjob="${cronjob}"}`;
  return `time() - max by (namespace, cronjob) (\n  kube_cronjob_status_last_successful_time${sel}\n  or kube_cronjob_created${sel}\n) > ${allowed}`;
}

/** Backup alerts from kube-state-metrics: stale or failed backups and restore drills, suspended CronJobs. */
export const backupsGroup: RuleGroupModule = {
  name: "app-platform-backups",
  enabled: (config) => config.backup.enabled,
  build(ctx) {
    const ns = ctx.config.namespaces.backup;
    const b = ctx.config.backup;
    const t = ctx.thresholds;
    const backupAge = allowedAgeSeconds(ctx, b.schedule);
    const drillAge = allowedAgeSeconds(ctx, b.drill.schedule);
    const failed = (name: string, cronjob: string, what: string): AlertDefinition =>
      ctx.alert({
        name,
        expr: `max by (namespace, job_name) (kube_job_status_failed{namespace="${ns}",job_name=~"${cronjob}-[0-9]+"}) > 0`,
        for: ctx.durOf("backupFor"),
        severity: "warning",
        summary: `${what} job {{ $labels.job_name }} failed`,
        description: `${what} job {{ $labels.namespace }}/{{ $labels.job_name }} has {{ $value | humanize }} failed pods.`,
        runbook: {
          meaning: `A run of the ${what.toLowerCase()} CronJob ${cronjob} failed. ${cronjob === BACKUP_CRONJOB ? "No new backup was written by this run." : "This run could not prove that the last backup restores."}`,
          check: [`\`kubectl -n ${ns} logs job/<job_name>\` — which step failed (dump, upload, restore, verification)?`, `\`kubectl -n ${ns} describe job <job_name>\` — OOMKilled, deadline exceeded, image pull errors.`],
          fix: [
            "Fix the cause (credentials, S3 permissions or Object Lock settings, database reachability, scratch space) and start a run now: `kubectl -n " + ns + " create job --from=cronjob/" + cronjob + " " + cronjob + "-manual`.",
            "Delete the failed Job once understood so that the alert resolves.",
          ],
        },
      });
    const alerts = [
      ctx.alert({
        name: "BackupStale",
        expr: freshnessExpr(ns, BACKUP_CRONJOB, backupAge),
        for: ctx.durOf("backupFor"),
        severity: "critical",
        summary: "The last successful Postgres backup is {{ $value | humanizeDuration }} old",
        description: `CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} last succeeded {{ $value | humanizeDuration }} ago; its schedule "${b.schedule}" allows ${backupAge}s including a grace of ${t.backupGrace}.`,
        runbook: {
          meaning: "No backup has succeeded within the schedule's period plus grace. A data loss now would lose more than the promised recovery point.",
          check: [`\`kubectl -n ${ns} get cronjob ${BACKUP_CRONJOB}\` — LAST SCHEDULE, SUSPEND.`, `\`kubectl -n ${ns} get jobs --sort-by=.metadata.creationTimestamp\` and the logs of the latest job.`, "Is BackupJobFailed or BackupCronJobSuspended firing?"],
          fix: [`Fix the failing job, then run one now: \`kubectl -n ${ns} create job --from=cronjob/${BACKUP_CRONJOB} ${BACKUP_CRONJOB}-manual\`.`, "The alert resolves when the run succeeds."],
        },
      }),
      failed("BackupJobFailed", BACKUP_CRONJOB, "Backup"),
      ctx.alert({
        name: "BackupCronJobMissing",
        // BackupStale and RestoreDrillStale compare the series of an existing CronJob; when the
        // CronJob is gone (deleted, renamed, never applied) they have nothing to compare and
        // stay silent while no backup runs. `absent` keeps the equality matchers as labels.
        expr: [BACKUP_CRONJOB, RESTORE_DRILL_CRONJOB].map((c) => `absent(kube_cronjob_created{namespace="${ns}",cronjob="${c}"})`).join("\nor "),
        for: ctx.durOf("backupFor"),
        severity: "critical",
        summary: "CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} does not exist",
        description: "kube-state-metrics reports no CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} (absent={{ $value | humanize }}): no backup or restore drill runs, and the staleness alerts cannot fire.",
        runbook: {
          meaning: "The backup or restore-drill CronJob is not in the cluster, so nothing runs and the freshness alerts (BackupStale, RestoreDrillStale) have no series to judge. If kube-state-metrics is down too, every CronJob looks absent: check that first.",
          check: [`\`kubectl -n ${ns} get cronjobs\` — is ${BACKUP_CRONJOB} / ${RESTORE_DRILL_CRONJOB} there?`, "Is kube-state-metrics up (`up{job=\"kube-state-metrics\"}`)?", "`pulumi preview` — does the stack still declare it (backup.enabled)?"],
          fix: ["Run `pulumi up` to recreate the CronJob; then start a run now with `kubectl create job --from=cronjob/<cronjob>`."],
        },
      }),
      ctx.alert({
        name: "RestoreDrillStale",
        expr: freshnessExpr(ns, RESTORE_DRILL_CRONJOB, drillAge),
        for: ctx.durOf("backupFor"),
        severity: "warning",
        summary: "The last successful restore drill is {{ $value | humanizeDuration }} old",
        description: `CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} last succeeded {{ $value | humanizeDuration }} ago; its schedule "${b.drill.schedule}" allows ${drillAge}s.`,
        runbook: {
          meaning: "Backups have not been proven restorable within the drill's schedule. A backup that is never restored may not restore when needed.",
          check: [`\`kubectl -n ${ns} get cronjob ${RESTORE_DRILL_CRONJOB}\` and the logs of its latest job.`],
          fix: [`Fix the drill and run it now: \`kubectl -n ${ns} create job --from=cronjob/${RESTORE_DRILL_CRONJOB} ${RESTORE_DRILL_CRONJOB}-manual\`.`],
        },
      }),
      failed("RestoreDrillFailed", RESTORE_DRILL_CRONJOB, "Restore drill"),
      ctx.alert({
        name: "BackupCronJobSuspended",
        expr: `kube_cronjob_spec_suspend{namespace="${ns}",cronjob=~"${BACKUP_CRONJOB}|${RESTORE_DRILL_CRONJOB}"} == 1`,
        for: ctx.durOf("backupFor"),
        severity: "warning",
        summary: "CronJob {{ $labels.cronjob }} is suspended",
        description: "CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} is suspended (suspend={{ $value | humanize }}): no run will start until it is resumed.",
        runbook: {
          meaning: "Someone suspended the CronJob (often during maintenance) and it was not resumed. Backups or drills silently stop.",
          check: [`\`kubectl -n ${ns} get cronjob <cronjob> -o jsonpath='{.spec.suspend}'\``],
          fix: ["Run `pulumi up` to restore the declared state (suspend: false), or `kubectl -n " + ns + " patch cronjob <cronjob> -p '{\"spec\":{\"suspend\":false}}'`."],
        },
      }),
    ];
    // A timestamp `allowed - 300` s before the start: the age passes the limit at minute 6.
    const stale = (allowed: number) => -allowed + 300;
    const fresh = (cronjob: string, metric: string, value: number) => series(metric, { namespace: ns, cronjob }, gauge(value));
    const labels = (cronjob: string) => ({ namespace: ns, cronjob });
    const ageAt = (allowed: number) => allowed - 300 + (6 + ctx.secs(t.backupFor) / 60) * 60;
    const jobLabels = (cronjob: string) => ({ namespace: ns, job_name: `${cronjob}-29012345` });
    const jobFailed = (cronjob: string, v: number) => [series("kube_job_status_failed", jobLabels(cronjob), gauge(v))];
    const cases: AlertCase[] = [
      {
        alert: "BackupStale",
        firing: [fresh(BACKUP_CRONJOB, "kube_cronjob_status_last_successful_time", stale(backupAge)), fresh(BACKUP_CRONJOB, "kube_cronjob_created", -30 * 86400)],
        quiet: [fresh(BACKUP_CRONJOB, "kube_cronjob_status_last_successful_time", 0), fresh(BACKUP_CRONJOB, "kube_cronjob_created", -30 * 86400)],
        onsetMinutes: 6,
        labels: labels(BACKUP_CRONJOB),
        value: ageAt(backupAge),
      },
      // Never succeeded: the CronJob's creation time stands in for the last success.
      {
        alert: "BackupStale",
        firing: [fresh(BACKUP_CRONJOB, "kube_cronjob_created", stale(backupAge))],
        quiet: [fresh(BACKUP_CRONJOB, "kube_cronjob_created", 0)],
        onsetMinutes: 6,
        labels: labels(BACKUP_CRONJOB),
        value: ageAt(backupAge),
      },
      {
        alert: "RestoreDrillStale",
        firing: [fresh(RESTORE_DRILL_CRONJOB, "kube_cronjob_status_last_successful_time", stale(drillAge)), fresh(RESTORE_DRILL_CRONJOB, "kube_cronjob_created", -30 * 86400)],
        quiet: [fresh(RESTORE_DRILL_CRONJOB, "kube_cronjob_status_last_successful_time", 0), fresh(RESTORE_DRILL_CRONJOB, "kube_cronjob_created", -30 * 86400)],
        onsetMinutes: 6,
        labels: labels(RESTORE_DRILL_CRONJOB),
        value: ageAt(drillAge),
      },
      // Deleted CronJob: the other one's series exist, its own do not.
      {
        alert: "BackupCronJobMissing",
        firing: [fresh(RESTORE_DRILL_CRONJOB, "kube_cronjob_created", -86400)],
        quiet: [fresh(BACKUP_CRONJOB, "kube_cronjob_created", -86400), fresh(RESTORE_DRILL_CRONJOB, "kube_cronjob_created", -86400)],
        labels: labels(BACKUP_CRONJOB),
        value: 1,
      },
      // The drill's failed Job does not count as a failed backup and vice versa.
      { alert: "BackupJobFailed", firing: jobFailed(BACKUP_CRONJOB, 1), quiet: [...jobFailed(BACKUP_CRONJOB, 0), ...jobFailed(RESTORE_DRILL_CRONJOB, 1)], labels: jobLabels(BACKUP_CRONJOB), value: 1 },
      { alert: "RestoreDrillFailed", firing: jobFailed(RESTORE_DRILL_CRONJOB, 2), quiet: [...jobFailed(RESTORE_DRILL_CRONJOB, 0), ...jobFailed(BACKUP_CRONJOB, 1)], labels: jobLabels(RESTORE_DRILL_CRONJOB), value: 2 },
      {
        alert: "BackupCronJobSuspended",
        firing: [series("kube_cronjob_spec_suspend", labels(BACKUP_CRONJOB), gauge(1))],
        quiet: [series("kube_cronjob_spec_suspend", labels(BACKUP_CRONJOB), gauge(0))],
        labels: labels(BACKUP_CRONJOB),
        value: 1,
      },
    ];
    return { group: { name: this.name, rules: alerts.map((a) => a.rule) }, alerts, cases, exprCases: [] };
  },
};
