/**
 * PriorityClasses of the platform (cluster-scoped, one set per cluster). Under node pressure the
 * kubelet evicts, and the scheduler preempts, lower priorities first: the platform's own
 * workloads (Prometheus, Alertmanager, exporters, backups, the operator) outrank applications,
 * so that an overloaded node keeps the monitoring that reports the overload. Both stay below
 * Kubernetes' system-cluster-critical (2000000000) and system-node-critical.
 */
export const PRIORITY_CLASSES = {
  /** Monitoring, alerting, exporters, backups and the other platform workloads. */
  platform: { name: "app-platform-critical", value: 1_000_000 },
  /** Application services and their jobs. */
  apps: { name: "app-platform-apps", value: 100_000 },
} as const;

/** Which tier a workload is in. */
export type PriorityTier = keyof typeof PRIORITY_CLASSES;

/** The priorityClassName of a tier's pods. */
export function priorityClassName(tier: PriorityTier): string {
  return PRIORITY_CLASSES[tier].name;
}
