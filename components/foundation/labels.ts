/** Label keys and values every object of the platform carries. */
export const PART_OF = "app-platform";

/** Recommended Kubernetes labels for an object of the platform. */
export function standardLabels(args: {
  readonly environment: string;
  readonly component: string;
  readonly name?: string;
  readonly instance?: string;
}): Record<string, string> {
  return {
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/component": args.component,
    ...(args.name ? { "app.kubernetes.io/name": args.name } : {}),
    ...(args.instance ? { "app.kubernetes.io/instance": args.instance } : {}),
    "app-platform/environment": args.environment,
  };
}
