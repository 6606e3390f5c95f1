import { durationSeconds } from "../../../lib/duration";
import { pct } from "./services";
import { clean, counter, gauge, num, series, utilisationAt, N } from "./series";
import { QUIET_AFTER_MINUTES } from "./promtool-tests";
import type { AlertCase, RuleGroupModule } from "./types";

/** How far back NodeDiskFillingUp fits the free space's trend (`predict_linear` over this range). */
export const NODE_DISK_FIT_WINDOW = "6h";

/** Step of the grid `platform check` tests rules on: promtool series and evaluations, 1 minute. */
const TEST_STEP_SECONDS = 60;

/**
 * The longest `for:` with which NodeDiskFillingUp fires for every disk that fills up at a steady
 * rate and stays full, whatever the phase of samples and evaluations on the 1-minute grid
 * `platform check` tests with. Worked out from the expression: `predict_linear(avail[6h], P) < 0`
 * turns true once the disk is due to be full within P, and stays true until the 6h fit window
 * holds only the full (flat) disk, when the fitted slope is 0 — at most P + 6h. On the grid the
 * last sample before full comes up to a minute before it (δ in (0, 1m]), the first true
 * evaluation is the first whose sample is due to be full within P, and the last true one the last
 * whose window still holds that sample: in the worst phase (δ = 1m) the expression holds through
 * ceil(P / 1m) x 1m + 6h - 2m of evaluations (P = 1m: 359m; P = 24h: 1798m).
 * test/components/monitoring/rules/node-disk-bound.test.ts shows both sides with promtool.
 */
export function nodeDiskFillingMaxForSeconds(predictWindowSeconds: number): number {
  const step = TEST_STEP_SECONDS;
  return Math.ceil(predictWindowSeconds / step) * step + durationSeconds(NODE_DISK_FIT_WINDOW) - 2 * step;
}

/** Filesystems worth watching: real disks, not tmpfs, overlays or squashfs images. */
const FS = `fstype!~"tmpfs|overlay|squashfs|nsfs|ramfs",mountpoint!~"/run.*|/var/lib/kubelet/pods.*"`;

/** Node alerts from node-exporter and kube-state-metrics: CPU, memory, disks filling up, NotReady. */
export const nodesGroup: RuleGroupModule = {
  name: "app-platform-nodes",
  build(ctx) {
    const t = ctx.thresholds;
    const predict = ctx.secs(t.nodeDiskPredictWindow);
    const memory = "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes";
    const memoryRunbook = {
      meaning: "Little memory is left on the node. The kernel will OOM-kill containers, and the kubelet evicts pods under memory pressure.",
      check: ["`kubectl top pods -A --sort-by=memory` on the node's pods (`kubectl get pods -A --field-selector spec.nodeName=<node>`).", "Node dashboard in Grafana: is usage growing (a leak) or a step (a new workload)?"],
      fix: ["Lower memory limits of over-provisioned workloads or add nodes; fix the leaking process."],
    };
    const alerts = [
      ctx.alert({
        name: "NodeHighCPU",
        expr: `1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[${ctx.dur("5m")}])) > ${t.nodeCpuWarning}`,
        for: ctx.durOf("nodeCpuFor"),
        severity: "warning",
        summary: "Node {{ $labels.instance }} CPU at {{ $value | humanizePercentage }}",
        description: "CPU utilisation of node {{ $labels.instance }} has been {{ $value | humanizePercentage }} for " + t.nodeCpuFor + " (threshold " + pct(t.nodeCpuWarning) + ").",
        runbook: {
          meaning: "The node's CPUs are nearly saturated. Pods on it are throttled and slow.",
          check: ["`kubectl top pods -A --sort-by=cpu` for the node's pods.", "Node dashboard: steal time, iowait, which cgroups use the CPU."],
          fix: ["Spread load (pod anti-affinity, more replicas on other nodes), lower CPU-hungry workloads, or add nodes."],
        },
      }),
      ctx.alert({
        name: "NodeHighMemory",
        expr: `${memory} > ${t.nodeMemoryWarning}`,
        for: ctx.durOf("nodeMemoryFor"),
        severity: "warning",
        summary: "Node {{ $labels.instance }} memory at {{ $value | humanizePercentage }}",
        description: "Memory utilisation of node {{ $labels.instance }} has been {{ $value | humanizePercentage }} for " + t.nodeMemoryFor + " (warning above " + pct(t.nodeMemoryWarning) + ").",
        runbook: memoryRunbook,
      }),
      ctx.alert({
        name: "NodeMemoryCritical",
        expr: `${memory} > ${t.nodeMemoryCritical}`,
        for: ctx.durOf("nodeMemoryFor"),
        severity: "critical",
        summary: "Node {{ $labels.instance }} memory at {{ $value | humanizePercentage }}",
        description: "Memory utilisation of node {{ $labels.instance }} has been {{ $value | humanizePercentage }} for " + t.nodeMemoryFor + " (critical above " + pct(t.nodeMemoryCritical) + "); OOM kills and evictions are imminent.",
        runbook: memoryRunbook,
      }),
      ctx.alert({
        name: "NodeDiskFillingUp",
        expr: `node_filesystem_avail_bytes{${FS}} / node_filesystem_size_bytes{${FS}} < 0.4\nand predict_linear(node_filesystem_avail_bytes{${FS}}[${ctx.dur(NODE_DISK_FIT_WINDOW)}], ${predict}) < 0\nand node_filesystem_readonly{${FS}} == 0`,
        for: ctx.durOf("nodeDiskFillingFor"),
        severity: "warning",
        summary: "Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} will fill up within " + t.nodeDiskPredictWindow,
        description: "Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} has {{ $value | humanizePercentage }} free and, at the rate of the last 6h, fills up within " + t.nodeDiskPredictWindow + ".",
        runbook: {
          meaning: "At the current growth rate the filesystem is full within the prediction window. Full disks stop the kubelet, container runtime and databases.",
          check: ["`kubectl debug node/<node> -it --image=busybox -- df -h /host<mountpoint>`", "What grows: container logs, images (`crictl images`), emptyDir volumes, Prometheus data?"],
          fix: ["Remove unused images (`crictl rmi --prune`), rotate logs, move data to a volume, or grow the disk."],
        },
      }),
      ctx.alert({
        name: "NodeDiskAlmostFull",
        expr: `node_filesystem_avail_bytes{${FS}} / node_filesystem_size_bytes{${FS}} < ${t.nodeDiskFreeCritical}\nand node_filesystem_readonly{${FS}} == 0`,
        for: ctx.durOf("nodeDiskFullFor"),
        severity: "critical",
        summary: "Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value | humanizePercentage }} free",
        description: "Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} has only {{ $value | humanizePercentage }} free (critical below " + pct(t.nodeDiskFreeCritical) + ").",
        runbook: {
          meaning: "The filesystem is nearly full. Writes will fail soon: pods get evicted for disk pressure, databases stop.",
          check: ["`kubectl describe node <node>` — DiskPressure condition.", "`du -xh --max-depth=2 <mountpoint>` on the node."],
          fix: ["Free space now (prune images, delete old logs), then grow the disk or move the data."],
        },
      }),
      ctx.alert({
        name: "NodeNotReady",
        expr: `kube_node_status_condition{condition="Ready",status="true"} == 0`,
        for: ctx.durOf("nodeNotReadyFor"),
        severity: "warning",
        summary: "Node {{ $labels.node }} is not Ready",
        description: "Node {{ $labels.node }} has not been Ready for " + t.nodeNotReadyFor + " (Ready=true is {{ $value | humanize }}); its pods are being rescheduled.",
        runbook: {
          meaning: "The kubelet of the node does not report Ready. Pods on it are lost after the eviction timeout.",
          check: ["`kubectl describe node <node>` — conditions and last heartbeat.", "Cloud console: is the instance running? kubelet logs (`journalctl -u kubelet`)."],
          fix: ["Restart the kubelet or replace the node (cordon, drain, terminate; the node group replaces it)."],
        },
      }),
    ];
    const node = { instance: "node-1:9100", job: "node-exporter" };
    const cpu = (util: number) => [series("node_cpu_seconds_total", { ...node, cpu: "0", mode: "idle" }, counter(clean(60 * (1 - util))))];
    const mem = (util: number) => [
      series("node_memory_MemTotal_bytes", node, gauge(16e9)),
      series("node_memory_MemAvailable_bytes", node, gauge(clean(16e9 * (1 - util)))),
    ];
    const fs = { ...node, device: "/dev/nvme0n1p1", fstype: "ext4", mountpoint: "/" };
    const size = 100e9;
    // Free space from `startFree`, changing by `perMinute` every minute; a draining disk stops at
    // 0 (full) instead of going negative.
    const disk = (startFree: number, perMinute: number) => {
      const full = perMinute < 0 ? Math.floor(startFree / -perMinute) : Infinity;
      const avail = full === Infinity ? `${num(startFree)}+${num(perMinute)}x${N}` : `${num(startFree)}-${num(-perMinute)}x${full} 0x${N}`;
      return [series("node_filesystem_size_bytes", fs, gauge(size)), series("node_filesystem_avail_bytes", fs, avail), series("node_filesystem_readonly", fs, gauge(0))];
    };
    // Starts 30% free. Firing is full exactly one prediction window after its first sample and
    // stays full: due to be full within the window from minute 1 (the first evaluation with two
    // samples), with its last sample before full a whole minute early (the worst phase), so it
    // holds exactly as long as nodeDiskFillingMaxForSeconds allows. Quiet loses half of what is
    // left when the quiet side is checked over the window, so that it is still predicted not to
    // fill up then even when the window is shorter than the test.
    const start = 0.3 * size;
    const fillingAt = ctx.secs(t.nodeDiskFillingFor) / 60 + 1;
    const quietAt = fillingAt + QUIET_AFTER_MINUTES;
    const firingDrain = -start / (predict / 60);
    const quietDrain = -(start * 0.5) / (predict / 60 + quietAt);
    const freeAt = (perMinute: number, minute: number) => {
      const full = Math.floor(start / -perMinute);
      return minute <= full ? start + perMinute * minute : 0;
    };
    const between = (a: number, b: number) => clean((a + b) / 2);
    const cases: AlertCase[] = [
      { alert: "NodeHighCPU", firing: cpu(between(t.nodeCpuWarning, 1)), quiet: cpu(t.nodeCpuWarning / 2), onsetMinutes: 1, labels: { instance: node.instance }, value: utilisationAt(between(t.nodeCpuWarning, 1), 1 + ctx.secs(t.nodeCpuFor) / 60, 5) },
      { alert: "NodeHighMemory", firing: mem(between(t.nodeMemoryWarning, 1)), quiet: mem(t.nodeMemoryWarning * 0.9), labels: node, value: between(t.nodeMemoryWarning, 1) },
      { alert: "NodeMemoryCritical", firing: mem(between(t.nodeMemoryCritical, 1)), quiet: mem(between(t.nodeMemoryWarning, t.nodeMemoryCritical)), labels: node, value: between(t.nodeMemoryCritical, 1) },
      {
        alert: "NodeDiskFillingUp",
        firing: disk(start, firingDrain),
        quiet: disk(start, quietDrain),
        onsetMinutes: 1,
        labels: fs,
        value: clean(freeAt(firingDrain, fillingAt) / size),
      },
      { alert: "NodeDiskAlmostFull", firing: disk(size * t.nodeDiskFreeCritical * 0.5, 0), quiet: disk(size * t.nodeDiskFreeCritical * 1.5, 0), labels: fs, value: clean(t.nodeDiskFreeCritical * 0.5) },
      {
        alert: "NodeNotReady",
        firing: [series("kube_node_status_condition", { node: "node-1", condition: "Ready", status: "true" }, gauge(0))],
        quiet: [series("kube_node_status_condition", { node: "node-1", condition: "Ready", status: "true" }, gauge(1))],
        labels: { node: "node-1", condition: "Ready", status: "true" },
        value: 0,
      },
    ];
    return { group: { name: this.name, rules: alerts.map((a) => a.rule) }, alerts, cases, exprCases: [] };
  },
};
