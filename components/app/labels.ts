import type { Color } from "../../lib/colors";

/** The other colour (defined once, in lib/colors; re-exported for the app components). */
export { otherColor } from "../../lib/colors";
import { standardLabels } from "../foundation/labels";
import { APP_LABELS } from "../monitoring/contract";

/** Which Service a colour is behind: the active one carries traffic, the preview one tests. */
export type ServiceRole = "active" | "preview";


/** The role of `color` when `activeColor` is active. */
export function roleOf(color: Color, activeColor: Color): ServiceRole {
  return color === activeColor ? "active" : "preview";
}

/**
 * Selector of one colour's pods. Deployments, PDBs, HPAs' targets and topology spread select on
 * it; it never mentions the role, so that a switch leaves pods and Deployments untouched.
 */
export function colorSelector(service: string, color: Color): Record<string, string> {
  return { [APP_LABELS.name]: service, [APP_LABELS.color]: color };
}

/** Labels of a colour's pods and Deployment: the monitoring contract's name and colour, plus the standard set. */
export function colorLabels(environment: string, service: string, color: Color): Record<string, string> {
  return {
    ...standardLabels({ environment, component: "app", name: service, instance: `${service}-${color}` }),
    ...colorSelector(service, color),
  };
}

/** Labels of objects that belong to the service as a whole (ServiceAccount, ConfigMap, NetworkPolicy). */
export function serviceLabels(environment: string, service: string): Record<string, string> {
  return standardLabels({ environment, component: "app", name: service, instance: service });
}

/** Labels of the active or preview Service (and Ingress): the contract's name and role. */
export function roleLabels(environment: string, service: string, role: ServiceRole): Record<string, string> {
  return { ...serviceLabels(environment, service), [APP_LABELS.role]: role };
}

/** Kubernetes name of the Service (and Ingress) of a role: `<service>` or `<service>-preview`. */
export function roleServiceName(service: string, role: ServiceRole): string {
  return role === "active" ? service : `${service}-preview`;
}
