import type { EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";

const TOKEN = "kubernetes:monitoring.coreos.com/v1:Prometheus";

/** Bytes of a Prometheus size ("80GB", "512MB"): Prometheus reads KB, MB, GB... as powers of 1024. */
export function prometheusSizeBytes(size: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(B|KB|MB|GB|TB|PB|EB)$/.exec(size);
  if (!m) return undefined;
  return Number(m[1]) * 1024 ** ["B", "KB", "MB", "GB", "TB", "PB", "EB"].indexOf(m[2]);
}

/** Bytes of a Kubernetes quantity ("100Gi", "50G", "512Mi"). */
export function quantityBytes(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(q);
  if (!m) return undefined;
  const binary: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
  const decimal: Record<string, number> = { k: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };
  const unit = m[2] ?? "";
  return Number(m[1]) * (unit in binary ? 1024 ** binary[unit] : unit in decimal ? 1000 ** decimal[unit] : 1);
}

/** Config of {@link prometheusRetentionWithinVolume}. */
export interface PrometheusRetentionWithinVolumeConfig {
  /** Largest share of the volume `retentionSize` may take (the WAL and compaction need the rest). @default 0.85 */
  readonly maxShare: number;
}

/**
 * A Prometheus with a persistent volume sets `retentionSize` to at most `maxShare` of it:
 * without it, or above it, the WAL and compaction fill the volume and Prometheus stops.
 */
export function prometheusRetentionWithinVolume(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<PrometheusRetentionWithinVolumeConfig> = {}): PlatformPolicy {
  return {
    name: "prometheus-retention-within-volume",
    description: "A Prometheus with a volume sets retentionSize to at most maxShare (85%) of it.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Set spec.retentionSize to at most 85% of the volume, in Prometheus units (GB = 2^30 bytes).",
    configSchema: configSchema<PrometheusRetentionWithinVolumeConfig>({ maxShare: { type: "number", exclusiveMinimum: 0, maximum: 1 } }, { maxShare: 0.85 }, defaults),
    validateResource: (args, report) => {
      if (args.type !== TOKEN) return args.notApplicable(`Policy only applies to resources of type '${TOKEN}'`);
      const spec = (args.props as { spec?: { retentionSize?: string; storage?: { volumeClaimTemplate?: { spec?: { resources?: { requests?: { storage?: string } } } } } } }).spec ?? {};
      const volume = spec.storage?.volumeClaimTemplate?.spec?.resources?.requests?.storage;
      if (!volume) return;
      const who = `Prometheus ${objectKey(args.props as { metadata?: { name?: string; namespace?: string } }, args.name)}`;
      const { maxShare } = args.getConfig<PrometheusRetentionWithinVolumeConfig>();
      const volumeBytes = quantityBytes(volume);
      if (!spec.retentionSize) {
        report(`${who} has a ${volume} volume and no retentionSize: only the time limit bounds its data, so the volume fills and Prometheus stops; set retentionSize to at most ${Math.round(maxShare * 100)}% of the volume.`);
        return;
      }
      const size = prometheusSizeBytes(spec.retentionSize);
      if (size === undefined || volumeBytes === undefined) return;
      if (size > maxShare * volumeBytes) {
        report(`${who} retentionSize ${spec.retentionSize} is ${Math.round((size / volumeBytes) * 100)}% of its ${volume} volume (Prometheus counts GB as 2^30 bytes): the WAL and compaction need the rest, or Prometheus stops when the volume fills; keep it at most ${Math.round(maxShare * 100)}%.`);
      }
    },
  };
}
