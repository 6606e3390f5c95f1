import type { EnforcementLevel } from "@pulumi/policy";
import { EXEMPTIONS_SCHEMA, exemptionFor, type WorkloadExemption } from "../lib/exemptions";
import { configSchema, DEFAULT_ENFORCEMENT, type PlatformPolicy } from "../lib/policy";
import { LONG_RUNNING, validateWorkloads } from "../lib/workloads";

type Probe = { httpGet?: { path?: string; port?: unknown }; tcpSocket?: { port?: unknown }; exec?: { command?: string[] }; grpc?: { port?: unknown; service?: string } };

/** What a probe asks, ignoring its timing: two probes with the same handler answer the same question. */
export function probeHandler(p: Probe): string {
  if (p.httpGet) return `http ${p.httpGet.port} ${p.httpGet.path ?? "/"}`;
  if (p.tcpSocket) return `tcp ${p.tcpSocket.port}`;
  if (p.exec) return `exec ${JSON.stringify(p.exec.command ?? [])}`;
  if (p.grpc) return `grpc ${p.grpc.port} ${p.grpc.service ?? ""}`;
  return "none";
}

/** Config of {@link readinessDiffersFromLiveness}. */
export interface ReadinessDiffersConfig {
  /**
   * Reviewed exemptions ({@link WorkloadExemption}), usually limited to `containers`: for a
   * process that serves a single health endpoint which a chart points both probes at. @default []
   */
  readonly allowedWorkloads: readonly WorkloadExemption[];
}

/**
 * Readiness and liveness ask different questions. When both hit the same endpoint, an
 * overloaded pod that should only be taken out of rotation is restarted instead, which turns
 * load into a cascading outage.
 */
export function readinessDiffersFromLiveness(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<ReadinessDiffersConfig> = {}): PlatformPolicy {
  return {
    name: "readiness-differs-from-liveness",
    description: "A container's readiness probe checks something other than its liveness probe.",
    severity: "medium",
    enforcementLevel,
    remediationSteps: "Point readinessProbe at a readiness endpoint (e.g. /readyz) and livenessProbe at a liveness endpoint (e.g. /healthz).",
    configSchema: configSchema<ReadinessDiffersConfig>({ allowedWorkloads: EXEMPTIONS_SCHEMA }, { allowedWorkloads: [] }, defaults),
    validateResource: validateWorkloads(
      (w, args, report) => {
        const exemptions = args.getConfig<ReadinessDiffersConfig>().allowedWorkloads;
        for (const c of w.pod.containers ?? []) {
          if (!c.readinessProbe || !c.livenessProbe) continue;
          if (exemptionFor(exemptions, w, args, c.name)) continue;
          const h = probeHandler(c.readinessProbe as Probe);
          if (h === probeHandler(c.livenessProbe as Probe)) {
            report(
              `container "${c.name}" uses the same check (${h}) for readiness and liveness: an overloaded pod would be restarted instead of taken out of rotation; give readinessProbe its own endpoint.`,
            );
          }
        }
      },
      LONG_RUNNING,
    ),
  };
}
