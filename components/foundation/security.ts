/**
 * The platform's secure defaults for every workload it runs — our services, exporters, dev
 * datastores, backup jobs and the chart's workloads: the Pod Security "restricted" profile and
 * then some (read-only root filesystem, not privileged). One definition, so that no component
 * can drift from it; writable paths get emptyDir volumes instead.
 */

/** Pod securityContext: non-root with a fixed UID/GID (volumes group-writable), seccomp RuntimeDefault. */
export function restrictedPod(uid: number): Record<string, unknown> {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } };
}

/**
 * Container securityContext: no privilege escalation, read-only root filesystem, not
 * privileged, every capability dropped, seccomp RuntimeDefault; with `runAsUser`, also pinned
 * to that non-root UID/GID (otherwise the pod's settings apply).
 */
export function restrictedContainer(runAsUser?: number): Record<string, unknown> {
  return {
    ...(runAsUser === undefined ? {} : { runAsNonRoot: true, runAsUser, runAsGroup: runAsUser }),
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}
