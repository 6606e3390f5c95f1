import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import {
  DashboardBuilder,
  DashboardCursorSync,
  QueryVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  type Dashboard,
  type Panel,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as StatBuilder } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TextBuilder } from "@grafana/grafana-foundation-sdk/text";
import { PanelBuilder as TimeseriesBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { APP_METRICS } from "../contract";
import { DATASOURCE_UIDS } from "../values";

/** The provisioned Prometheus datasource every panel queries. */
export const PROMETHEUS_DS = { type: "prometheus", uid: DATASOURCE_UIDS.prometheus } as const;

/** One PromQL query of a panel and its legend. */
export interface Query {
  readonly expr: string;
  readonly legend?: string;
}

/** A dashboard built by the SDK, with the file name it ships under. */
export interface BuiltDashboard {
  /** File and ConfigMap key stem, e.g. `service-red`. */
  readonly slug: string;
  readonly dashboard: Dashboard;
}

function targets(queries: readonly Query[]): cog.Builder<cog.Dataquery>[] {
  return queries.map((q, i) =>
    new DataqueryBuilder()
      .expr(q.expr)
      .legendFormat(q.legend ?? "__auto")
      .refId(String.fromCharCode(65 + i))
      .datasource(PROMETHEUS_DS),
  );
}

/** Options shared by the panel helpers. */
export interface PanelOptions {
  readonly unit?: string;
  readonly description?: string;
  readonly width?: number;
  readonly height?: number;
  readonly min?: number;
  readonly max?: number;
  /** Threshold steps above the base colour (green), e.g. `[[0.8, "orange"], [0.9, "red"]]`. */
  readonly thresholds?: readonly (readonly [number, string])[];
}

function thresholds(steps: readonly (readonly [number, string])[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([{ value: null, color: "green" }, ...steps.map(([value, color]) => ({ value, color }))]);
}

/** A time-series panel. */
export function timeseries(title: string, queries: readonly Query[], o: PanelOptions = {}): cog.Builder<Panel> {
  let p = new TimeseriesBuilder()
    .title(title)
    .datasource(PROMETHEUS_DS)
    .targets(targets(queries))
    .unit(o.unit ?? "short")
    .span(o.width ?? 12)
    .height(o.height ?? 8);
  if (o.description) p = p.description(o.description);
  if (o.min !== undefined) p = p.min(o.min);
  if (o.max !== undefined) p = p.max(o.max);
  if (o.thresholds) p = p.thresholds(thresholds(o.thresholds));
  return p;
}

/** A single-value panel. */
export function stat(title: string, queries: readonly Query[], o: PanelOptions = {}): cog.Builder<Panel> {
  let p = new StatBuilder()
    .title(title)
    .datasource(PROMETHEUS_DS)
    .targets(targets(queries))
    .unit(o.unit ?? "short")
    .span(o.width ?? 6)
    .height(o.height ?? 4);
  if (o.description) p = p.description(o.description);
  if (o.min !== undefined) p = p.min(o.min);
  if (o.max !== undefined) p = p.max(o.max);
  if (o.thresholds) p = p.thresholds(thresholds(o.thresholds));
  return p;
}

/** A Markdown note panel (no query). */
export function note(title: string, markdown: string, width = 24, height = 3): cog.Builder<Panel> {
  return new TextBuilder().title(title).content(markdown).span(width).height(height);
}

/** A dashboard with the platform's common settings: UTC, shared crosshair, tags, 30 s refresh. */
export function platformDashboard(uid: string, title: string, tags: readonly string[]): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .tags(["app-platform", ...tags])
    .timezone("utc")
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: "now-6h", to: "now" })
    .refresh("30s")
    .readonly();
}

/** A template variable filled from a label's values. */
export function labelVariable(name: string, label: string, metric: string, matcher = ""): QueryVariableBuilder {
  const query = `label_values(${metric}${matcher}, ${label})`;
  return new QueryVariableBuilder(name)
    .label(name)
    .datasource(PROMETHEUS_DS)
    .query({ query, refId: "PrometheusVariableQueryEditor-VariableQuery", qryType: 1 })
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged);
}

/**
 * Gives every panel (rows included) a stable, unique id in layout order: Grafana needs ids to
 * link to panels, and the SDK leaves them unset.
 */
export function numberPanels(d: Dashboard): Dashboard {
  let id = 1;
  for (const p of d.panels ?? []) {
    (p as { id?: number }).id = id++;
    for (const inner of (p as { panels?: { id?: number }[] }).panels ?? []) inner.id = id++;
  }
  return d;
}

/**
 * `errors / all`, where no error series at all means 0: podinfo (like most client libraries)
 * creates a status code's series on its first request, so a healthy service has no 5xx series
 * and a plain ratio would show "no data" instead of 0%. A window without any user request has
 * no ratio: `all > 0` leaves it out, so the panel shows "no data" beside 0 requests / s rather
 * than 0/0 = NaN.
 */
export function errorRatio(errors: string, all: string): string {
  return `(${errors} or 0 * ${all}) / (${all} > 0)`;
}

/**
 * A latency quantile of user requests over `$__rate_interval`, per `by` labels, that shows no
 * data where there was no user request: every bucket's rate is then 0, and histogram_quantile
 * would answer NaN.
 */
export function latencyQuantile(q: number, buckets: string, requests: string, by: readonly string[] = []): string {
  const per = by.length > 0 ? ` by (${by.join(", ")})` : "";
  return `histogram_quantile(${q}, sum by (${["le", ...by].join(", ")}) (rate(${buckets}[$__rate_interval]))) and on (${by.join(", ")}) (sum${per} (rate(${requests}[$__rate_interval])) > 0)`;
}

/**
 * The `service` variable: every service that exports the request histogram. Its probe and
 * scrape series exist from the pod's first probe, so a service without users is listed too and
 * its panels read 0 requests / s.
 */
export function serviceVariable(): QueryVariableBuilder {
  return labelVariable("service", "service", APP_METRICS.durationCount);
}
