// Alertmanager's routing semantics in one place, for the policy pack (does a critical alert
// page?) and the harness's latency model (which timers apply?). Matcher syntax as Alertmanager
// documents it (https://prometheus.io/docs/alerting/latest/configuration/#matcher): `name op value`
// with op one of = != =~ !~, the value quoted or not; a `matchers:` entry may also hold several
// comma-separated matchers in braces, `{severity="critical", team="db"}`. The deprecated
// `match`/`match_re` maps are read too.

/** One parsed matcher. */
export interface Matcher {
  readonly name: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

/** A route of an Alertmanager configuration: the fields routing reads (others pass through). */
export interface RouteNode {
  readonly receiver?: string;
  readonly matchers?: readonly string[];
  readonly match?: Readonly<Record<string, string>>;
  readonly match_re?: Readonly<Record<string, string>>;
  readonly continue?: boolean;
  readonly routes?: readonly RouteNode[];
}

/**
 * Parses one matcher (`severity="critical"`, `alertname!~"A|B"`, `team!=ops`). Throws naming the
 * text when it is not one.
 */
export function parseMatcher(text: string): Matcher {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not an Alertmanager matcher (e.g. severity="critical")`);
  const raw = m[3]!;
  const value = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? (JSON.parse(raw) as string) : raw;
  return { name: m[1]!, op: m[2] as Matcher["op"], value };
}

/** Parses one `matchers:` entry: a single matcher, or several comma-separated in braces. */
export function parseMatchers(text: string): Matcher[] {
  return text
    .trim()
    .replace(/^\{|\}$/g, "")
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .filter((s) => s.trim() !== "")
    .map(parseMatcher);
}

/** Whether `labels` satisfy `m`; a missing label has the empty value and regexes are fully anchored, as in Alertmanager. */
export function matcherMatches(m: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.name] ?? "";
  switch (m.op) {
    case "=":
      return v === m.value;
    case "!=":
      return v !== m.value;
    case "=~":
      return new RegExp(`^(?:${m.value})$`).test(v);
    case "!~":
      return !new RegExp(`^(?:${m.value})$`).test(v);
  }
}

/** Every matcher of a route: `matchers`, `match` (equality) and `match_re` (regex). */
export function routeMatchers(route: RouteNode): Matcher[] {
  return [
    ...(route.matchers ?? []).flatMap(parseMatchers),
    ...Object.entries(route.match ?? {}).map(([name, value]) => ({ name, op: "=" as const, value })),
    ...Object.entries(route.match_re ?? {}).map(([name, value]) => ({ name, op: "=~" as const, value })),
  ];
}

/** Whether a route's matchers all accept `labels`. */
export function routeMatches(route: RouteNode, labels: Readonly<Record<string, string>>): boolean {
  return routeMatchers(route).every((m) => matcherMatches(m, labels));
}

/**
 * The routes an alert with `labels` is notified through, as Alertmanager's dispatcher picks
 * them: the root matches everything; children are tried in order, depth first, and the first
 * match wins unless it sets `continue: true`; a route none of whose children matched is itself
 * the match. `resolve` folds each route into what the caller needs (receiver, inherited timers)
 * given its parent's result.
 */
export function matchRoutes<R extends RouteNode, T>(root: R, labels: Readonly<Record<string, string>>, resolve: (route: R, parent: T | undefined) => T): T[] {
  const walk = (route: R, resolved: T): T[] => {
    const out: T[] = [];
    for (const child of (route.routes ?? []) as readonly R[]) {
      if (!routeMatches(child, labels)) continue;
      out.push(...walk(child, resolve(child, resolved)));
      if (!child.continue) break;
    }
    return out.length > 0 ? out : [resolved];
  };
  return walk(root, resolve(root, undefined));
}
