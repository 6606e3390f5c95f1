import { parser } from "@prometheus-io/lezer-promql";
import { describe, expect, it } from "vitest";
import { APP_METRICS } from "../../../components/monitoring/contract";
import { buildDashboards, dashboardJson, errorBudget } from "../../../components/monitoring/dashboards";
import { edited, load } from "../../stacks/fixtures";
import { stackConfig } from "./fixtures";

/** Grafana replaces its variables before a query reaches Prometheus; these stand in for them. */
function interpolate(expr: string): string {
  return expr.replace(/\$__rate_interval|\$\{__rate_interval\}|\$__interval|\$__range/g, "5m").replace(/\$\{?([A-Za-z_]\w*)\}?/g, "value-of-$1");
}

/** PromQL parse errors of an expression (lezer's error nodes), empty when it parses. */
function parseErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
    },
  });
  return errors;
}

interface PanelLike {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { uid?: string };
  targets?: { expr?: string; refId?: string; datasource?: { uid?: string } }[];
  panels?: PanelLike[];
}
const panelsOf = (d: { panels?: PanelLike[] }) => (d.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);

/** Every instant-vector selector of an expression: metric name and label matchers as written. */
function selectors(expr: string): { metric: string; matchers: { label: string; op: string; value: string }[] }[] {
  const out: { metric: string; matchers: { label: string; op: string; value: string }[] }[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name !== "VectorSelector") return;
      const text = expr.slice(node.from, node.to);
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(.*)\})?$/s.exec(text);
      if (!m) throw new Error(`unexpected selector ${text}`);
      const matchers = [...(m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => ({
        label: x[1]!,
        op: x[2]!,
        value: x[3]!,
      }));
      out.push({ metric: m[1] ?? "", matchers });
    },
  });
  return out;
}

/** Whether a Prometheus label matcher regex (fully anchored, as Prometheus applies it) matches. */
const fullMatch = (re: string, value: string) => new RegExp(`^(?:${re})$`).test(value);

/**
 * podinfo's `path` label values of the probe and metrics routes of each stack's services, and of
 * a user route, worked out by hand from the stack files (podinfo labels `/healthz` as
 * `healthz`, `/` as `root`): podinfo probes /readyz and /healthz everywhere, orders-api /ready
 * and /live; every service is scraped on /metrics.
 */
const NON_USER_PATHS: Readonly<Record<string, readonly string[]>> = {
  dev: ["readyz", "healthz", "metrics"],
  staging: ["readyz", "healthz", "ready", "live", "metrics"],
  production: ["readyz", "healthz", "ready", "live", "metrics"],
};

describe("the PromQL check itself", () => {
  it("finds errors in broken expressions and none in good ones", () => {
    expect(parseErrors("sum(rate(x[5m]))")).toEqual([]);
    expect(parseErrors("sum(rate(x[5m])) by (a")).not.toEqual([]);
    expect(parseErrors("rate(x[$__rate_interval])")).not.toEqual([]);
    expect(parseErrors(interpolate("rate(x[$__rate_interval])"))).toEqual([]);
    expect(parseErrors('x{a="1",}} + ')).not.toEqual([]);
  });
});

for (const stack of ["dev", "staging", "production"] as const) {
  describe(`dashboards of ${stack}`, () => {
    const config = stackConfig(stack);
    const built = buildDashboards(config);

    it("ships the six dashboards with unique uids", () => {
      expect(built.map((d) => d.slug)).toEqual(["service-red", "slo", "release", "postgres", "redis", "backups"]);
      const uids = built.map((d) => d.dashboard.uid);
      expect(new Set(uids).size).toBe(6);
      for (const u of uids) expect(u).toMatch(/^app-platform-/);
    });

    it("each is valid JSON that round-trips, from the SDK (schemaVersion set)", () => {
      for (const d of built) {
        const text = dashboardJson(d);
        const parsed = JSON.parse(text);
        expect(parsed).toEqual(JSON.parse(JSON.stringify(d.dashboard)));
        expect(parsed.schemaVersion).toBeGreaterThan(30);
        expect(parsed.title).toBeTruthy();
        expect(parsed.tags).toContain("app-platform");
      }
    });

    it("every panel has a unique id; every query panel uses the provisioned Prometheus", () => {
      for (const d of built) {
        const panels = panelsOf(d.dashboard as never);
        const ids = panels.map((p) => p.id);
        expect(
          ids.every((i) => typeof i === "number"),
          d.slug,
        ).toBe(true);
        expect(new Set(ids).size, d.slug).toBe(ids.length);
        for (const p of panels.filter((x) => x.type !== "row" && x.type !== "text")) {
          expect(p.datasource?.uid, `${d.slug}/${p.title}`).toBe("prometheus");
          expect(p.targets?.length, `${d.slug}/${p.title}`).toBeGreaterThan(0);
          const refIds = p.targets!.map((t) => t.refId);
          expect(new Set(refIds).size).toBe(refIds.length);
        }
      }
    });

    it("every panel query parses as PromQL", () => {
      let count = 0;
      for (const d of built) {
        for (const p of panelsOf(d.dashboard as never)) {
          for (const t of p.targets ?? []) {
            expect(t.expr, `${d.slug}/${p.title}`).toBeTruthy();
            expect(parseErrors(interpolate(t.expr!)), `${d.slug}/${p.title}: ${t.expr}`).toEqual([]);
            count++;
          }
        }
      }
      expect(count).toBeGreaterThan(40);
    });

    it("template variables query label values that the ServiceMonitors write", () => {
      for (const d of built.filter((x) => ["service-red", "release"].includes(x.slug))) {
        const vars = (d.dashboard.templating?.list ?? []) as { name: string; definition?: string }[];
        expect(vars.map((v) => v.name)).toEqual(["service"]);
        // The request histogram: its probe series make an idle service selectable too.
        expect(vars[0].definition).toBe("label_values(http_request_duration_seconds_count, service)");
      }
    });

    it("no panel or variable reads podinfo's plain request counter, which counts probes and scrapes", () => {
      const json = JSON.stringify(built.map((d) => d.dashboard));
      expect(json).not.toContain("http_requests_total");
    });

    it("every selector of the request histogram leaves out this stack's probe and metrics paths, and keeps user routes", () => {
      let checked = 0;
      for (const d of built) {
        for (const p of panelsOf(d.dashboard as never)) {
          for (const t of p.targets ?? []) {
            for (const s of selectors(interpolate(t.expr!)).filter((x) => x.metric.startsWith("http_request_duration_seconds"))) {
              const path = s.matchers.filter((m) => m.label === "path");
              expect(
                path.map((m) => m.op),
                `${d.slug}/${p.title}`,
              ).toEqual(["!~"]);
              for (const v of NON_USER_PATHS[stack]!) expect(fullMatch(path[0]!.value, v), `${d.slug}/${p.title}: ${v}`).toBe(true);
              for (const v of ["root", "api_info", "orders"]) expect(fullMatch(path[0]!.value, v), `${d.slug}/${p.title}: ${v}`).toBe(false);
              checked++;
            }
          }
        }
      }
      expect(checked).toBeGreaterThanOrEqual(20);
    });

    it("the RED and release views split by colour", () => {
      const exprs = (slug: string) =>
        built.find((d) => d.slug === slug)!.dashboard.panels!.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr as string));
      expect(exprs("service-red").some((e) => e.includes("by (color)") && e.includes(APP_METRICS.durationCount))).toBe(true);
      // Kubelet probes and scrapes are not user traffic (podinfo labels /healthz as path="healthz").
      expect(
        exprs("service-red")
          .filter((e) => e.includes(APP_METRICS.durationCount))
          .every((e) => /path!~"[^"]*\bhealthz\b/.test(e)),
      ).toBe(true);
      expect(exprs("service-red").some((e) => e.includes("by (le, color)") && e.includes(APP_METRICS.durationBucket))).toBe(true);
      expect(exprs("release").some((e) => e.includes('color="blue"'))).toBe(true);
      expect(exprs("release").some((e) => e.includes('color="green"'))).toBe(true);
    });

    it("the SLO view has one row per service, with that service's objective", () => {
      const slo = built.find((d) => d.slug === "slo")!.dashboard;
      const rows = (slo.panels ?? []).filter((p: any) => p.type === "row") as { title: string }[];
      expect(rows.length).toBe(config.services.length);
      for (const [i, s] of config.services.entries()) {
        expect(rows[i].title.startsWith(`${s.name}: availability ${(s.slo.availability * 100).toFixed(2)}%`)).toBe(true);
        const budget = errorBudget(s.slo.availability);
        const json = JSON.stringify(slo);
        expect(json).toContain(`/ ${budget}`);
        // The budget panels read the very series SLOErrorBudgetLow alerts on.
        expect(json).toContain(`slo:error_budget_remaining:ratio{service=\\"${s.name}\\",slo=\\"availability\\"}`);
        // The burn-rate panel reads the ratios the burn-rate alerts compare, one per window.
        for (const w of ["5m", "1h", "6h", "3d"])
          expect(json).toContain(`slo:sli_error:ratio_rate${w}{service=\\"${s.name}\\",slo=\\"availability\\"} / ${budget}`);
      }
    });
  });
}

describe("dashboard builders", () => {
  it("errorBudget rounds away floating-point noise", () => {
    expect(1 - 0.999).not.toBe(0.001);
    expect(errorBudget(0.999)).toBe(0.001);
    expect(errorBudget(0.9995)).toBe(0.0005);
  });
  it("a stack without services gets an explanatory SLO note instead of rows", () => {
    const c = load(edited("dev", (v) => delete v.services));
    const slo = buildDashboards(c).find((d) => d.slug === "slo")!.dashboard;
    expect(slo.panels!.map((p: any) => p.type)).toEqual(["text"]);
  });
  it("backups off: the backups dashboard says so", () => {
    const c = load(edited("dev", (v) => (v.backup = { enabled: false })));
    const d = buildDashboards(c).find((x) => x.slug === "backups")!.dashboard;
    expect((d.panels![0] as any).type).toBe("text");
  });
});
