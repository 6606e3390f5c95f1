import * as fs from "node:fs";
import * as path from "node:path";
import { parser } from "@prometheus-io/lezer-promql";
import { describe, expect, it } from "vitest";
import { buildDashboards } from "../../../components/monitoring/dashboards";
import { buildRuleGroups } from "../../../components/monitoring/rules/catalogue";
import { isAlertingRule } from "../../../components/monitoring/rules/types";
import { edited, load } from "../../stacks/fixtures";

// kube-state-metrics and the kubelet's cAdvisor cannot run here, so what they export comes from
// their upstream documentation, transcribed into test/fixtures/ with the source named in its
// header. Every kube_* / container_* / machine_* name our rules and dashboards select, and every
// label they match or group by, must be documented there.

const FIXTURE = path.join(__dirname, "../../fixtures/kube-state-metrics-2.17.0.metrics.txt");

/** metric -> documented label names, from a `<metric> <label>...` fixture (# lines are comments). */
function documented(file: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const [metric, ...labels] = line.trim().split(/\s+/);
    out.set(metric!, new Set(labels));
  }
  return out;
}

/** Labels Prometheus adds to every scraped series (the chart's ServiceMonitor honours the exporter's own). */
const SCRAPE_LABELS = new Set(["job", "instance", "service", "endpoint"]);

const OWNED = /^(kube_|container_|machine_)/;

/**
 * What `expr` selects from kube-state-metrics or cAdvisor that `docs` does not list: unknown
 * metric names, labels matched on such a selector that its metric lacks, and labels of by/on
 * clauses that none of the expression's metrics carries (checked only when every metric the
 * expression reads is one of theirs).
 */
function undocumented(expr: string, docs: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  const metrics: string[] = [];
  const grouping: string[] = [];
  parser.parse(expr).iterate({
    enter(n) {
      if (n.type.name === "VectorSelector") {
        const id = n.node.getChild("Identifier");
        const metric = id ? expr.slice(id.from, id.to) : "";
        metrics.push(metric);
        if (!OWNED.test(metric)) return false;
        const labels = docs.get(metric);
        if (!labels) {
          out.push(`metric ${metric}`);
          return false;
        }
        const matched: string[] = [];
        n.node.cursor().iterate((c) => {
          if (c.type.name === "LabelName") matched.push(expr.slice(c.from, c.to));
        });
        for (const l of matched) if (l !== "__name__" && !SCRAPE_LABELS.has(l) && !labels.has(l)) out.push(`label ${l} on ${metric}`);
        return false;
      }
      if (n.type.name === "LabelName") grouping.push(expr.slice(n.from, n.to));
      return undefined;
    },
  });
  if (metrics.length > 0 && metrics.every((m) => OWNED.test(m) && docs.has(m))) {
    const carried = new Set(metrics.flatMap((m) => [...docs.get(m)!]));
    for (const l of new Set(grouping)) if (!SCRAPE_LABELS.has(l) && !carried.has(l)) out.push(`label ${l} in by/on of ${metrics.join(", ")}`);
  }
  return out;
}

/** Every PromQL expression of our rules and dashboards for a stack, named by where it lives. */
function expressions(env: "dev" | "staging" | "production"): [string, string][] {
  const config = load(edited(env, () => undefined));
  const out: [string, string][] = [];
  for (const g of buildRuleGroups(config)) {
    for (const r of g.group.rules) out.push([`${env} rule ${g.group.name}/${isAlertingRule(r) ? r.alert : r.record}`, r.expr]);
  }
  for (const d of buildDashboards(config)) {
    const panels = [...(((d.dashboard as any).panels ?? []) as any[])];
    while (panels.length) {
      const p = panels.shift();
      panels.push(...(p.panels ?? []));
      for (const t of p.targets ?? []) {
        if (t.expr) out.push([`${env} dashboard ${d.slug}/"${p.title}"`, String(t.expr).replace(/\$__rate_interval/g, "5m").replace(/\$__range/g, "1h")]);
      }
    }
  }
  return out;
}

describe("kube-state-metrics and cAdvisor names against their documentation", () => {
  const docs = documented(FIXTURE);

  it("the fixture names its source and lists documented families", () => {
    const text = fs.readFileSync(FIXTURE, "utf8");
    expect(text).toMatch(/^# source: https:\/\/github\.com\/kubernetes\/kube-state-metrics/m);
    expect(text).toMatch(/^# path: docs\/metrics\//m);
    // The chart's subchart ships this version (kube-prometheus-stack 79.7.1, kube-state-metrics 6.4.1).
    expect(text).toMatch(/appVersion 2\.17\.0/);
    expect(docs.size).toBeGreaterThan(50);
  });

  it("flags an undocumented metric, a label its metric lacks, and a by/on label nobody carries", () => {
    // Hand-made expressions: the first two are as upstream documents them; the rest are wrong.
    expect(undocumented(`kube_node_status_condition{condition="Ready",status="true"} == 0`, docs)).toEqual([]);
    expect(undocumented(`max by (namespace, job_name) (kube_job_status_failed{namespace="backup"}) > 0`, docs)).toEqual([]);
    expect(undocumented(`kube_cronjob_status_last_success_time{cronjob="x"}`, docs)).toEqual(["metric kube_cronjob_status_last_success_time"]);
    expect(undocumented(`kube_job_status_failed{job="x",cronjob="y"}`, docs)).toEqual(["label cronjob on kube_job_status_failed"]);
    expect(undocumented(`max by (cronjob) (kube_job_status_failed)`, docs)).toEqual(["label cronjob in by/on of kube_job_status_failed"]);
    expect(undocumented(`container_memory_working_set_bytes{pod="x"}`, docs)).toEqual(["metric container_memory_working_set_bytes"]);
  });

  for (const env of ["dev", "staging", "production"] as const) {
    it(`every kube_*/container_*/machine_* name and label ${env} rules and dashboards select is documented`, () => {
      const all = expressions(env);
      const checked = all.filter(([, e]) => /\b(kube_|container_|machine_)/.test(e));
      // Our backup, workload and node rules read kube-state-metrics: the check is not vacuous.
      expect(checked.length).toBeGreaterThan(10);
      const found = all.flatMap(([where, e]) => undocumented(e, docs).map((x) => `${where}: ${x}`));
      expect(found).toEqual([]);
    });
  }
});
