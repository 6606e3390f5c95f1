import { gauge, series } from "./series";
import type { AlertCase, RuleContext, RuleGroupModule } from "./types";

/** Matcher of the platform's namespaces (apps, monitoring, backup). */
export function platformNamespaces(ctx: RuleContext): string {
  const n = ctx.config.namespaces;
  return `namespace=~"${[n.apps, n.monitoring, n.backup].join("|")}"`;
}

/**
 * Workload alerts from kube-state-metrics, limited to the platform's namespaces: crash loops,
 * pods not ready, Deployments short of replicas, HPAs at their maximum or unable to scale, and
 * PodDisruptionBudgets that block node drains.
 */
export const workloadsGroup: RuleGroupModule = {
  name: "app-platform-workloads",
  build(ctx) {
    const ns = platformNamespaces(ctx);
    const t = ctx.thresholds;
    const hpa = "kube_horizontalpodautoscaler";
    const alerts = [
      ctx.alert({
        name: "PodCrashLooping",
        expr: `max_over_time(kube_pod_container_status_waiting_reason{${ns},reason="CrashLoopBackOff"}[${ctx.dur("5m")}]) >= 1`,
        for: ctx.durOf("crashLoopFor"),
        severity: "warning",
        summary: "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping",
        description: "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been waiting in CrashLoopBackOff for " + t.crashLoopFor + " (value {{ $value | humanize }}).",
        runbook: {
          meaning: "The container starts, exits and is restarted with growing back-off. The pod serves nothing meanwhile.",
          check: [
            "`kubectl -n <namespace> logs <pod> -c <container> --previous` — why did it exit?",
            "`kubectl -n <namespace> describe pod <pod>` — exit code, OOMKilled, failing probes, missing Secret or ConfigMap.",
          ],
          fix: [
            "Fix the configuration or image that makes it exit; for an application service, keep `activeColor` on the healthy colour.",
            "If it is OOMKilled, raise `resources.limits.memory` of the service.",
          ],
        },
      }),
      ctx.alert({
        name: "PodNotReady",
        expr: `max by (namespace, pod) (kube_pod_status_ready{${ns},condition="false"}) == 1\nunless on (namespace, pod)\nmax by (namespace, pod) (kube_pod_status_phase{${ns},phase=~"Succeeded|Failed"}) == 1`,
        for: ctx.durOf("podNotReadyFor"),
        severity: "warning",
        summary: "Pod {{ $labels.namespace }}/{{ $labels.pod }} is not ready",
        description: "Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for " + t.podNotReadyFor + " (ready=false is {{ $value | humanize }}).",
        runbook: {
          meaning: "The pod runs but fails its readiness probe (or is still Pending), so it receives no traffic. Capacity is reduced. Finished pods (Succeeded, or Failed and kept by a Job's history limit) are not counted: their Job's own alerts cover them.",
          check: ["`kubectl -n <namespace> describe pod <pod>` — events, probe failures, scheduling problems.", "`kubectl -n <namespace> logs <pod>`."],
          fix: ["Fix what the readiness probe depends on (often a datastore); if Pending, free quota or node capacity."],
        },
      }),
      ctx.alert({
        name: "DeploymentReplicasMismatch",
        expr: `kube_deployment_spec_replicas{${ns}} > kube_deployment_status_replicas_available{${ns}}`,
        for: ctx.durOf("replicasMismatchFor"),
        severity: "warning",
        summary: "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} lacks available replicas",
        description: "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} wants {{ $value | humanize }} replicas but fewer have been available for " + t.replicasMismatchFor + ".",
        runbook: {
          meaning: "A Deployment has had fewer available pods than desired for a long time: a rollout is stuck or pods cannot be scheduled.",
          check: ["`kubectl -n <namespace> rollout status deployment/<deployment>`", "`kubectl -n <namespace> get pods -l app.kubernetes.io/name=<name>` and describe the pods that are not available."],
          fix: ["Fix the failing pods (see PodCrashLooping / PodNotReady); add node capacity or quota if pods are Pending."],
        },
      }),
      ctx.alert({
        name: "HPAAtMaxForLong",
        expr: `${hpa}_status_current_replicas{${ns}} >= ${hpa}_spec_max_replicas{${ns}}\nand ${hpa}_spec_min_replicas{${ns}} < ${hpa}_spec_max_replicas{${ns}}`,
        for: ctx.durOf("hpaMaxFor"),
        severity: "warning",
        summary: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at its maximum for long",
        description: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run {{ $value | humanize }} replicas, its maximum, for " + t.hpaMaxFor + ": it cannot add capacity.",
        runbook: {
          meaning: "The autoscaler wants more pods than `replicas.max` allows. Latency and errors rise if load grows further.",
          check: ["`kubectl -n <namespace> describe hpa <hpa>` — current vs target utilisation.", "Check ServiceHighLatency and the RED dashboard."],
          fix: ["Raise `services[].replicas.max` (and the namespace quota if needed) and run `pulumi up`; or find why each pod handles less load than before."],
        },
      }),
      ctx.alert({
        name: "HPAUnableToScale",
        expr: `${hpa}_status_condition{${ns},condition="AbleToScale",status="false"} == 1`,
        for: ctx.durOf("hpaUnableFor"),
        severity: "warning",
        summary: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} is unable to scale",
        description: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has reported AbleToScale=false for " + t.hpaUnableFor + " (value {{ $value | humanize }}).",
        runbook: {
          meaning: "The autoscaler cannot change the replica count of its target (missing scale subresource, RBAC, or the target is gone).",
          check: ["`kubectl -n <namespace> describe hpa <hpa>` — the AbleToScale condition's reason and message."],
          fix: ["Fix the target reference or permissions named in the condition; run `pulumi up` to restore the HPA's target."],
        },
      }),
      ctx.alert({
        name: "HPAMetricsUnavailable",
        expr: `${hpa}_status_condition{${ns},condition="ScalingActive",status="false"} == 1`,
        for: ctx.durOf("hpaUnableFor"),
        severity: "warning",
        summary: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} cannot read its metrics",
        description: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has reported ScalingActive=false for " + t.hpaUnableFor + " (value {{ $value | humanize }}): it does not scale on load.",
        runbook: {
          meaning: "The autoscaler has no metrics to act on (metrics-server down, or a custom metric missing), so it will not scale out under load.",
          check: ["`kubectl -n <namespace> describe hpa <hpa>` — ScalingActive reason.", "`kubectl top pods -n <namespace>` — does metrics-server answer?"],
          fix: ["Restore metrics-server or the custom-metrics adapter; check `services[].autoscaling.metric` names."],
        },
      }),
      ctx.alert({
        name: "PDBBlockingEvictions",
        expr: `kube_poddisruptionbudget_status_pod_disruptions_allowed{${ns}} == 0\nand on (namespace, poddisruptionbudget)\nkube_poddisruptionbudget_status_expected_pods{${ns}} > 0`,
        for: ctx.durOf("pdbBlockingFor"),
        severity: "warning",
        summary: "PodDisruptionBudget {{ $labels.namespace }}/{{ $labels.poddisruptionbudget }} blocks evictions",
        description: "PodDisruptionBudget {{ $labels.namespace }}/{{ $labels.poddisruptionbudget }} has allowed {{ $value | humanize }} disruptions for " + t.pdbBlockingFor + ": node drains and upgrades will hang.",
        runbook: {
          meaning: "No pod covered by the budget may be evicted, usually because pods are already unhealthy or the budget equals the replica count. Node drains (upgrades, scale-in) wait forever.",
          check: ["`kubectl -n <namespace> get pdb <pdb> -o wide` — expected, healthy and allowed pods.", "Are pods of the workload not ready (PodNotReady)?"],
          fix: ["Make the pods healthy, or raise `replicas.min` so that one pod can go; never delete the budget to push a drain through."],
        },
      }),
    ];
    const apps = ctx.config.namespaces.apps;
    const pod = { namespace: apps, pod: "web-blue-0" };
    const hpaLabels = { namespace: apps, horizontalpodautoscaler: "web-blue" };
    const deploy = { namespace: apps, deployment: "web-blue" };
    const pdb = { namespace: apps, poddisruptionbudget: "web" };
    const waiting = { ...pod, container: "app", reason: "CrashLoopBackOff" };
    const cond = (condition: string, v: number) => series(`${hpa}_status_condition`, { ...hpaLabels, condition, status: "false" }, gauge(v));
    const hpaSeries = (current: number) => [
      series(`${hpa}_status_current_replicas`, hpaLabels, gauge(current)),
      series(`${hpa}_spec_max_replicas`, hpaLabels, gauge(6)),
      series(`${hpa}_spec_min_replicas`, hpaLabels, gauge(2)),
    ];
    const pdbSeries = (allowed: number) => [
      series("kube_poddisruptionbudget_status_pod_disruptions_allowed", pdb, gauge(allowed)),
      series("kube_poddisruptionbudget_status_expected_pods", pdb, gauge(2)),
    ];
    const cases: AlertCase[] = [
      { alert: "PodCrashLooping", firing: [series("kube_pod_container_status_waiting_reason", waiting, gauge(1))], quiet: [series("kube_pod_container_status_waiting_reason", waiting, gauge(0))], labels: waiting, value: 1 },
      {
        alert: "PodNotReady",
        firing: [series("kube_pod_status_ready", { ...pod, condition: "false" }, gauge(1)), series("kube_pod_status_phase", { ...pod, phase: "Running" }, gauge(1))],
        // A finished Job's pod is never ready, and that is fine.
        quiet: [series("kube_pod_status_ready", { ...pod, condition: "false" }, gauge(1)), series("kube_pod_status_phase", { ...pod, phase: "Succeeded" }, gauge(1))],
        labels: pod,
        value: 1,
      },
      { alert: "PodNotReady", firing: [series("kube_pod_status_ready", { ...pod, condition: "false" }, gauge(1))], quiet: [series("kube_pod_status_ready", { ...pod, condition: "false" }, gauge(0))], labels: pod, value: 1 },
      {
        alert: "PodNotReady",
        firing: [series("kube_pod_status_ready", { ...pod, condition: "false" }, gauge(1)), series("kube_pod_status_phase", { ...pod, phase: "Pending" }, gauge(1))],
        // A failed Job's pod, kept by failedJobsHistoryLimit, is never ready again: the Job's
        // own failure alert (BackupJobFailed, ...) speaks for it, not a warning that never resolves.
        quiet: [series("kube_pod_status_ready", { ...pod, condition: "false" }, gauge(1)), series("kube_pod_status_phase", { ...pod, phase: "Failed" }, gauge(1))],
        labels: pod,
        value: 1,
      },
      {
        alert: "DeploymentReplicasMismatch",
        firing: [series("kube_deployment_spec_replicas", deploy, gauge(3)), series("kube_deployment_status_replicas_available", deploy, gauge(2))],
        quiet: [series("kube_deployment_spec_replicas", deploy, gauge(3)), series("kube_deployment_status_replicas_available", deploy, gauge(3))],
        labels: deploy,
        value: 3,
      },
      { alert: "HPAAtMaxForLong", firing: hpaSeries(6), quiet: hpaSeries(5), labels: hpaLabels, value: 6 },
      { alert: "HPAUnableToScale", firing: [cond("AbleToScale", 1)], quiet: [cond("AbleToScale", 0)], labels: { ...hpaLabels, condition: "AbleToScale", status: "false" }, value: 1 },
      { alert: "HPAMetricsUnavailable", firing: [cond("ScalingActive", 1)], quiet: [cond("ScalingActive", 0)], labels: { ...hpaLabels, condition: "ScalingActive", status: "false" }, value: 1 },
      { alert: "PDBBlockingEvictions", firing: pdbSeries(0), quiet: pdbSeries(1), labels: pdb, value: 0 },
    ];
    return { group: { name: this.name, rules: alerts.map((a) => a.rule) }, alerts, cases, exprCases: [] };
  },
};
