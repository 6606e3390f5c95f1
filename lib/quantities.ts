// Kubernetes resource quantities as numbers (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).

/** Converts a Kubernetes CPU quantity to millicores ("250m" -> 250, "1.5" -> 1500). */
export function cpuMillis(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1000);
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** Converts a Kubernetes byte quantity to bytes ("1Gi" -> 1073741824, "1G" -> 1e9). */
export function bytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]i?)?$/.exec(quantity);
  if (!m) throw new Error(`not a byte quantity: ${quantity}`);
  return Number(m[1]) * BYTE_UNITS[m[2] ?? ""]!;
}
