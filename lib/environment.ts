/** The three environments, in increasing order of strictness. */
export const ENVIRONMENTS = ["dev", "staging", "production"] as const;
/** One of {@link ENVIRONMENTS}. */
export type Environment = (typeof ENVIRONMENTS)[number];
