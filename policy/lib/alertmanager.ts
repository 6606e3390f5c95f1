import { matchRoutes } from "../../lib/alertmanager-routing";

/** A route of an Alertmanager configuration (the subset that decides where an alert goes). */
export interface Route {
  readonly receiver?: string;
  readonly matchers?: readonly string[];
  readonly match?: Record<string, string>;
  readonly match_re?: Record<string, string>;
  readonly continue?: boolean;
  readonly routes?: readonly Route[];
}

/** An Alertmanager configuration (the parts routing needs). */
export interface AlertmanagerConfig {
  readonly route?: Route;
  readonly receivers?: readonly ({ name: string } & Record<string, unknown>)[];
}

export { parseMatcher, type Matcher } from "../../lib/alertmanager-routing";

/**
 * The receivers an alert with `labels` reaches, with Alertmanager's routing semantics: the root
 * matches everything; a node's children are tried in order, the first match wins unless it
 * sets `continue`; a node no child matched delivers to its receiver (inherited from its parent).
 */
export function routeAlert(root: Route, labels: Record<string, string>): string[] {
  return matchRoutes<Route, string | undefined>(root, labels, (node, inherited) => node.receiver ?? inherited).filter((r): r is string => r !== undefined);
}
