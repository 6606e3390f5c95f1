/** The two colours of a blue-green service: one serves traffic, the other is idle or the preview. */
export const COLORS = ["blue", "green"] as const;
/** One of {@link COLORS}. */
export type Color = (typeof COLORS)[number];

/** The colour a release moves traffic to: the one that is not `color`. */
export function otherColor(color: Color): Color {
  return color === "blue" ? "green" : "blue";
}
