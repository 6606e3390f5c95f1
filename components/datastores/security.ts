/** An emptyDir volume with a size limit (Kubernetes evicts a pod that exceeds it). */
export function scratchVolume(name: string, sizeLimit: string, medium?: "Memory"): Record<string, unknown> {
  return { name, emptyDir: { sizeLimit, ...(medium ? { medium } : {}) } };
}
