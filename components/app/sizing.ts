import type { ScalingRules, ServiceConfig } from "./service-spec";
import type { Color } from "../../lib/colors";
import { otherColor } from "../../lib/colors";
import { colorSelector, roleOf, type ServiceRole } from "./labels";

/** How one colour is sized. */
export interface ColorPlan {
  readonly color: Color;
  readonly role: ServiceRole;
  /** HPA minimum; 0 means the colour is scaled away (no HPA, no PDB, `spec.replicas: 0`). */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** True when this idle colour is held at `promotion.prescaleReplicas` (before a switch, or through the warm window after it). */
  readonly prescaled: boolean;
  readonly scaleUp: ScalingRules;
  readonly scaleDown: ScalingRules;
}

/**
 * True when a release is staged: the idle colour runs something other than the active colour
 * (another image reference, or the build). A switch is then a change of version, not a no-op.
 */
export function releaseStaged(s: ServiceConfig): boolean {
  const idle = otherColor(s.activeColor);
  if (s.build) return s.build.color === idle;
  return s.image[idle] !== s.image[s.activeColor];
}

/**
 * Sizes both colours of a service.
 *
 * - The active colour scales between `replicas.min` and `replicas.max`: its serving size is
 *   `replicas.min`.
 * - The idle colour runs `idleReplicas` (0 scales it away, except while a release is staged:
 *   the preview then runs at least one pod).
 * - While `promotion.prescale` is set the idle colour is held at `promotion.prescaleReplicas`
 *   (never below the above). `platform promote` sets it for the length of a release: before
 *   the switch it raises the new colour to the active colour's measured size, so that the flip
 *   lands on a colour Pulumi awaited Ready at that size (the Services depend on it, see
 *   {@link BlueGreenService}); after the switch the same setting keeps the old colour at that
 *   size through the warm window (`strategy.scaleDownDelaySeconds`), so that a rollback in the
 *   window is one update onto running pods. The release's last update removes it and the old
 *   colour shrinks to `idleReplicas`. The program reads no clock: the window is the time
 *   between two updates, and the render depends on the stack config alone.
 */
export function planColors(s: ServiceConfig): Record<Color, ColorPlan> {
  const staged = releaseStaged(s);
  const plan = (color: Color): ColorPlan => {
    const role = roleOf(color, s.activeColor);
    if (role === "active") {
      return {
        color, role, minReplicas: s.replicas.min, maxReplicas: s.replicas.max, prescaled: false,
        scaleUp: s.autoscaling.scaleUp, scaleDown: s.autoscaling.scaleDown,
      };
    }
    const prescaled = s.promotion.prescale;
    // A staged release always gets a pod, so that the preview Service has something to test.
    const idle = staged ? Math.max(1, s.idleReplicas) : s.idleReplicas;
    return {
      color,
      role,
      minReplicas: prescaled ? Math.max(s.promotion.prescaleReplicas, idle) : idle,
      maxReplicas: s.replicas.max,
      prescaled,
      scaleUp: s.autoscaling.scaleUp,
      scaleDown: s.autoscaling.scaleDown,
    };
  };
  return { blue: plan("blue"), green: plan("green") };
}

function behavior(r: ScalingRules): Record<string, unknown> {
  return {
    stabilizationWindowSeconds: r.stabilizationWindowSeconds,
    ...(r.selectPolicy ? { selectPolicy: r.selectPolicy } : {}),
    policies: r.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })),
  };
}

/**
 * The autoscaling/v2 HPA spec of one colour, or undefined for a colour scaled away (an HPA's
 * minimum cannot be 0 without an alpha feature gate, and it ignores a target at 0 replicas).
 */
export function hpaSpec(s: ServiceConfig, plan: ColorPlan, deploymentName: string): Record<string, unknown> | undefined {
  if (plan.minReplicas === 0) return undefined;
  const metrics: Record<string, unknown>[] = [
    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: s.autoscaling.cpuUtilization } } },
  ];
  if (s.autoscaling.memoryUtilization !== undefined) {
    metrics.push({ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: s.autoscaling.memoryUtilization } } });
  }
  const m = s.autoscaling.metric;
  if (m?.type === "Pods") {
    metrics.push({ type: "Pods", pods: { metric: { name: m.name }, target: { type: "AverageValue", averageValue: m.averageValue } } });
  } else if (m?.type === "External") {
    metrics.push({ type: "External", external: { metric: { name: m.name }, target: { type: "AverageValue", averageValue: m.averageValue } } });
  }
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
    minReplicas: plan.minReplicas,
    maxReplicas: plan.maxReplicas,
    metrics,
    behavior: { scaleUp: behavior(plan.scaleUp), scaleDown: behavior(plan.scaleDown) },
  };
}

/**
 * The PodDisruptionBudget spec of one colour, or undefined for a colour scaled away.
 *
 * `maxUnavailable: 1` rather than `minAvailable`: it stays right whatever size the HPA picks,
 * always lets a drain evict one pod (a `minAvailable` equal to the size would block every
 * eviction), and with the production minimum of 2 never lets the colour reach zero available.
 * Unhealthy pods never hold a drain up (`AlwaysAllow`): evicting a pod that serves nothing
 * costs nothing.
 */
export function pdbSpec(service: string, plan: ColorPlan): Record<string, unknown> | undefined {
  if (plan.minReplicas === 0) return undefined;
  return {
    maxUnavailable: 1,
    unhealthyPodEvictionPolicy: "AlwaysAllow",
    selector: { matchLabels: colorSelector(service, plan.color) },
  };
}
