import { z } from "zod";

/** The three environments, in increasing order of strictness. */
export const ENVIRONMENTS = ["dev", "staging", "production"] as const;
/** One of {@link ENVIRONMENTS}. */
export type Environment = (typeof ENVIRONMENTS)[number];

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

/** A duration in Prometheus notation: "30s", "5m", "1h", "7d". */
export const promDuration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d|w|y)$/, { error: 'must be a duration such as "30s", "5m" or "1h"' });

/** DNS-1123 label (namespaces, Kubernetes object names). */
export const dnsLabel = (maxLength: number) =>
  z
    .string()
    .max(maxLength, { error: `must be at most ${maxLength} characters` })
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, {
      error: "must be a DNS label: lowercase letters, digits and '-', starting with a letter",
    });

/** Converts a Kubernetes CPU quantity to millicores. */
export function cpuMillis(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1000);
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50,
};

/** Converts a Kubernetes byte quantity to bytes. */
export function bytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]i?)?$/.exec(quantity);
  if (!m) throw new Error(`not a byte quantity: ${quantity}`);
  return Number(m[1]) * BYTE_UNITS[m[2] ?? ""];
}

/** Converts a Prometheus duration to seconds. */
export function durationSeconds(duration: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(duration);
  if (!m) throw new Error(`not a duration: ${duration}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[m[2] as "s"];
  return Number(m[1]) * unit;
}
