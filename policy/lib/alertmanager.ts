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

type Matcher = { name: string; op: "=" | "!=" | "=~" | "!~"; value: string };

/** Parses one matcher of `matchers:` (`severity="critical"`, `alertname!~"A|B"`, unquoted values too). */
export function parseMatcher(text: string): Matcher {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/.exec(text);
  if (!m) throw new Error(`cannot parse matcher ${JSON.stringify(text)}`);
  let value = m[3];
  if (value.startsWith('"') && value.endsWith('"')) value = JSON.parse(value) as string;
  return { name: m[1], op: m[2] as Matcher["op"], value };
}

function matches(m: Matcher, labels: Record<string, string>): boolean {
  // A missing label has the empty value, as in Alertmanager; regexes are fully anchored.
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

function routeMatches(r: Route, labels: Record<string, string>): boolean {
  const ms: Matcher[] = [
    ...(r.matchers ?? []).flatMap((t) => t.replace(/^\{|\}$/g, "").split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).filter((s) => s.trim() !== "").map(parseMatcher)),
    ...Object.entries(r.match ?? {}).map(([name, value]) => ({ name, op: "=" as const, value })),
    ...Object.entries(r.match_re ?? {}).map(([name, value]) => ({ name, op: "=~" as const, value })),
  ];
  return ms.every((m) => matches(m, labels));
}

/**
 * The receivers an alert with `labels` reaches, with Alertmanager's routing semantics: the root
 * matches everything; a node's children are tried in order, the first match wins unless it
 * sets `continue`; a node no child matched delivers to its receiver (inherited from its parent).
 */
export function routeAlert(root: Route, labels: Record<string, string>): string[] {
  const walk = (node: Route, inherited: string | undefined): string[] => {
    const receiver = node.receiver ?? inherited;
    const out: string[] = [];
    for (const child of node.routes ?? []) {
      if (!routeMatches(child, labels)) continue;
      out.push(...walk(child, receiver));
      if (!child.continue) break;
    }
    return out.length > 0 ? out : receiver !== undefined ? [receiver] : [];
  };
  return walk(root, undefined);
}
