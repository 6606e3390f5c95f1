import type { PrometheusServer } from "./prometheus";

/** One PromQL query of a dashboard panel. */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
}

/** A template variable of a dashboard: its name and the label_values() query that fills it. */
export interface DashboardVariable {
  readonly name: string;
  /** `label_values(<selector>, <label>)` parts, when the variable is such a query. */
  readonly labelValues?: { readonly selector?: string; readonly label: string };
  readonly multi: boolean;
  readonly includeAll: boolean;
}

/** Every Prometheus query of every panel, rows' nested panels included. */
export function dashboardQueries(file: string, dashboard: any): PanelQuery[] {
  const out: PanelQuery[] = [];
  const visit = (panels: any[] | undefined) => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) {
        if (typeof t.expr === "string" && t.expr.trim() !== "") out.push({ dashboard: file, panel: p.title ?? `#${p.id}`, refId: t.refId ?? "?", expr: t.expr });
      }
      visit(p.panels);
    }
  };
  visit(dashboard.panels);
  return out;
}

/** The template variables of a dashboard. */
export function dashboardVariables(dashboard: any): DashboardVariable[] {
  return (dashboard.templating?.list ?? []).map((v: any) => {
    const q = typeof v.query === "string" ? v.query : (v.query?.query ?? v.definition ?? "");
    const m = /^\s*label_values\(\s*(?:(.*?)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(q);
    return { name: v.name, labelValues: m ? { selector: m[1] || undefined, label: m[2]! } : undefined, multi: !!v.multi, includeAll: !!v.includeAll };
  });
}

/** Values Grafana's built-in interval variables take for a query; seconds. */
export interface BuiltinIntervals {
  /** `$__interval` and `$__rate_interval`'s base: the step of the range query. */
  readonly interval: number;
  /** `$__range`: the dashboard's time range. */
  readonly range: number;
  /** The datasource's scrape interval, which `$__rate_interval` depends on. @default interval */
  readonly scrape?: number;
}

/**
 * A panel query with Grafana's variables replaced as Grafana would for the given values:
 * `$var`, `${var}`, `${var:regex}`, `[[var]]`, and the built-ins `$__rate_interval`
 * (Grafana's max(interval + scrape, 4 x scrape)), `$__interval`, `$__range`, `$__range_s`.
 */
export function expandQuery(expr: string, values: Readonly<Record<string, string>>, b: BuiltinIntervals): string {
  const ms = (s: number) => `${Math.max(1, Math.round(s * 1000))}ms`;
  const builtins: Record<string, string> = {
    __rate_interval: ms(Math.max(b.interval + (b.scrape ?? b.interval), 4 * (b.scrape ?? b.interval))),
    __interval: ms(b.interval),
    __interval_ms: String(Math.round(b.interval * 1000)),
    __range: ms(b.range),
    __range_s: String(Math.round(b.range)),
    __range_ms: String(Math.round(b.range * 1000)),
  };
  const lookup = (name: string): string => {
    if (name in builtins) return builtins[name]!;
    if (name in values) return values[name]!;
    throw new Error(`query uses the variable $${name}, which the dashboard does not define: ${expr}`);
  };
  return expr
    .replace(/\$\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-z]+)?\}/g, (_, n: string) => lookup(n))
    .replace(/\[\[([a-zA-Z_][a-zA-Z0-9_]*)\]\]/g, (_, n: string) => lookup(n))
    .replace(/\$([a-zA-Z_][a-zA-Z0-9_]*)/g, (_, n: string) => lookup(n));
}

/**
 * Fills every variable from this Prometheus as Grafana would on load: the values of the label
 * among the series the selector matches; multi-value and "All" variables take every value as a
 * regex alternation, single-value ones the first (or `prefer`, when it is among them).
 */
export async function resolveVariables(prom: PrometheusServer, vars: readonly DashboardVariable[], prefer: Readonly<Record<string, string>> = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const v of vars) {
    if (!v.labelValues) continue;
    const selector = v.labelValues.selector ? expandQuery(v.labelValues.selector, out, { interval: 1, range: 60 }) : undefined;
    const params = new URLSearchParams();
    if (selector) params.append("match[]", selector);
    const res = await fetch(`${prom.url}/api/v1/label/${v.labelValues.label}/values?${params}`);
    const body = (await res.json()) as { status: string; data: string[]; error?: string };
    if (body.status !== "success") throw new Error(`variable $${v.name}: ${body.error}`);
    const values = body.data.sort();
    if (v.multi || v.includeAll) out[v.name] = values.length ? values.join("|") : "$^";
    else out[v.name] = values.includes(prefer[v.name] ?? "") ? prefer[v.name]! : (values[0] ?? "");
  }
  return out;
}
