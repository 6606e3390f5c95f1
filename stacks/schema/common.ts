import { z } from "zod";

// Shared pure code lives in lib/ (components use it too); re-exported here for the schema modules.
export { ENVIRONMENTS, type Environment } from "../../lib/environment";
export { bytes, cpuMillis } from "../../lib/quantities";
export { durationSeconds } from "../../lib/duration";

/**
 * Kubernetes quantity for CPU: cores ("0.5", "2") or millicores ("250m"). Zero is refused (a
 * container, quota or limit of no CPU cannot work), and so is a precision finer than 1m, which
 * Kubernetes does not allow for CPU (Kubernetes docs, "Resource units in Kubernetes").
 */
export const cpuQuantity = z
  .string()
  .regex(/^(\d+(\.\d+)?|\d+m)$/, { error: 'must be a CPU quantity such as "250m" or "1"' })
  .refine((q) => !/^[\d.]+m?$/.test(q) || Number(q.replace(/m$/, "")) > 0, {
    error: 'must be greater than zero: nothing runs on no CPU; write a quantity such as "100m"',
    abort: true,
  })
  .refine((q) => q.endsWith("m") || !/^\d+(\.\d+)?$/.test(q) || Number.isInteger(Math.round(Number(q) * 1e6) / 1000), {
    error: 'must be a whole number of millicores: Kubernetes does not allow CPU precision finer than 1m; write e.g. "1m" instead of "0.0005"',
  });

/**
 * Kubernetes quantity for memory or storage: "128Mi", "2Gi", "512M". Zero is refused: a
 * container, quota or volume of no bytes cannot work.
 */
export const bytesQuantity = z
  .string()
  .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|K|M|G|T|P)?$/, { error: 'must be a byte quantity such as "256Mi" or "10Gi"' })
  .refine((q) => !/^[\d.]+[KMGTP]?i?$/.test(q) || Number(/^[\d.]+/.exec(q)![0]) > 0, {
    error: 'must be greater than zero: nothing fits in no memory or storage; write a quantity such as "256Mi"',
  });

/**
 * Any Kubernetes quantity ("100", "250m", "1.5k", "2Gi", "1e3"), as the API's resource.Quantity
 * parses it (a number with an optional binary, decimal or exponent suffix), and above zero.
 */
export const positiveQuantity = z
  .string()
  .regex(/^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/, { error: 'must be a Kubernetes quantity such as "100", "250m" or "2k"' })
  .refine((q) => !/^[\d.]/.test(q) || Number(/^(\d+(\.\d*)?|\.\d+)/.exec(q)?.[0] ?? "1") > 0, {
    error: 'must be greater than zero: a target of zero keeps the autoscaler at its maximum; write e.g. "100"',
  });

/** A duration in Prometheus notation: "30s", "5m", "1h", "7d". */
export const promDuration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d|w|y)$/, { error: 'must be a duration such as "30s", "5m" or "1h"' })
  .refine((d) => !/^\d+(ms|s|m|h|d|w|y)$/.test(d) || Number(/^\d+/.exec(d)![0]) > 0, {
    error: 'must be greater than zero: write a duration such as "30s", "5m" or "1h"',
  });

/** DNS-1123 label (namespaces, Kubernetes object names). */
export const dnsLabel = (maxLength: number) =>
  z
    .string()
    .max(maxLength, { error: `must be at most ${maxLength} characters` })
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, {
      error: "must be a DNS label: lowercase letters, digits and '-', starting with a letter",
    });
