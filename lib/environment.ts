/** The three environments, in increasing order of strictness. */
export const ENVIRONMENTS = ["dev", "staging", "production"] as const;
/** One of {@link ENVIRONMENTS}. */
export type Environment = (typeof ENVIRONMENTS)[number];

/** Cluster platforms; managed ones (eks, gke, aks) hide the control plane from Prometheus. */
export const CLUSTER_PLATFORMS = ["eks", "gke", "aks", "kind", "generic"] as const;
/** One of {@link CLUSTER_PLATFORMS}. */
export type ClusterPlatform = (typeof CLUSTER_PLATFORMS)[number];
