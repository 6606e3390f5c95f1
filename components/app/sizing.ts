import type { ScalingRules, ServiceConfig } from "./service-spec";
import type { Color } from "../../lib/colors";
import { otherColor } from "../../lib/colors";
import { colorSelector, roleOf, type ServiceRole } from "./labels";

/** Kubernetes' upper bound for an HPA stabilisation window. */
export const MAX_STABILIZATION_SECONDS = 3600;

/** How one colour is sized. */
export interface ColorPlan {
  readonly color: Color;
  readonly role: ServiceRole;
  /** HPA minimum; 0 means the colour is scaled away (no HPA, no PDB, `spec.replicas: 0`). */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** True when this idle colour is held at `promotion.prescaleReplicas` (warm for a flip and a rollback). */
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
 * - With `promotion.prescale` (on in staging and production by default) the idle colour is
 *   held at `promotion.prescaleReplicas` (default `replicas.min`, the serving size) whether or
 *   not a release is staged: a flip then always lands on a colour that already runs the
 *   serving size and that Pulumi awaited Ready (the Services depend on it, see
 *   {@link BlueGreenService}), and the colour that is left keeps that size, so that a
 *   rollback is warm. A Pulumi program cannot read the live replica count without a cluster
 *   read at preview time, so the size is the configured one; set `prescaleReplicas` to the
 *   active colour's current size before a flip under heavy load (`platform promote` does).
 * - Without prescale the idle colour scales from `idleReplicas` (0 scales it away, except while
 *   a release is staged: the preview then runs at least one pod).
 * - Scale-down delay: the idle colour's HPA gets a scale-down stabilisation window of
 *   `promotion.scaleDownDelaySeconds`. After a switch, the old colour's HPA keeps the highest
 *   size it recommended within that window, so it shrinks from a size above its minimum only
 *   once the window has passed; it never goes below the prescale size while it is idle.
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
      scaleDown: {
        ...s.autoscaling.scaleDown,
        stabilizationWindowSeconds: Math.min(
          MAX_STABILIZATION_SECONDS,
          Math.max(s.autoscaling.scaleDown.stabilizationWindowSeconds, s.promotion.scaleDownDelaySeconds),
        ),
      },
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
