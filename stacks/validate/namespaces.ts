// Namespaces: each role (apps, monitoring, backup) gets a Namespace object of its own with its
// own Pod Security level; two roles on one name would be two Namespace objects for one
// namespace, their labels fighting on every update.
import { problem, type ConfigProblem } from "./problem";

/** Namespaces Kubernetes creates and manages itself; they take no Pod Security labels of ours. */
export const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

/** The part of the resolved config that these rules read. */
export interface NamespaceView {
  readonly namespaces: { readonly apps: string; readonly monitoring: string; readonly backup: string };
}

/** One namespace per role, and none of Kubernetes' own. */
export function checkNamespaces(config: NamespaceView): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const roles = ["apps", "monitoring", "backup"] as const;
  roles.forEach((role, i) => {
    const name = config.namespaces[role];
    const earlier = roles.slice(0, i).find((r) => config.namespaces[r] === name);
    if (earlier) {
      out.push(problem(["namespaces", role], name, `is also namespaces.${earlier}: each role needs its own namespace (the platform creates one Namespace per role, each with its own Pod Security level, and two would conflict); choose another name`));
    }
    if ((RESERVED_NAMESPACES as readonly string[]).includes(name)) {
      out.push(problem(["namespaces", role], name, `is a namespace Kubernetes manages itself (${RESERVED_NAMESPACES.join(", ")}): the platform would take it over and relabel it; choose another name`));
    }
  });
  return out;
}
