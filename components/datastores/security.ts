/**
 * Pod and container security settings of every datastore and backup workload: non-root,
 * read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp
 * RuntimeDefault (the Pod Security "restricted" profile). Writable paths get emptyDir volumes.
 */
export function restrictedPodSecurity(uid: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    // Volumes (emptyDir, PVC) become group-writable for the image's user.
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container half of {@link restrictedPodSecurity}. */
export function restrictedContainerSecurity(): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
  };
}

/** An emptyDir volume with a size limit (Kubernetes evicts a pod that exceeds it). */
export function scratchVolume(name: string, sizeLimit: string, medium?: "Memory"): Record<string, unknown> {
  return { name, emptyDir: { sizeLimit, ...(medium ? { medium } : {}) } };
}
