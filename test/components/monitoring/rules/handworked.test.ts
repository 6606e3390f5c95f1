// Hand-written promtool cases whose expected values were worked out by hand, not derived from
// the rules' own parameters: the Google SRE workbook's multiwindow burn-rate table ("Alerting
// on SLOs", table 5-8: for a 99.9% objective over 30 days, page at 14.4x over 1h — an error
// ratio of 1.44% — and at 6x over 6h — 0.6%), and error budgets computed from request counts.
// They run against the production stack's rendered rules (podinfo: availability 0.999,
// namespace "apps"; `for:` 2m for the 1h page and 15m for the 6h page) with the real promtool.
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { buildRuleGroups } from "../../../../components/monitoring/rules/catalogue";
import { ruleFileText } from "../../../../components/monitoring/rules/files";
import { promtool } from "../../../../tools/check/promtool";
import { PROGRAMS, requireProgram, tempDir } from "../../../../tools/harness/processes";
import { stackConfig } from "../fixtures";

const POD = 'namespace="apps",role="active",service="podinfo",color="blue",pod="podinfo-blue-0"';
// podinfo's histogram (pkg/api/http/metrics.go): `path` is the route, `/` is "root".
const ok = (code: string) => `http_request_duration_seconds_count{${POD},method="GET",path="root",status="${code}"}`;
// The kubelet's readiness and liveness probes: ~0.4/s per pod, always 200 while the pod lives.
const PROBES = [
  { series: `http_request_duration_seconds_count{${POD},method="GET",path="readyz",status="200"}`, values: "0+12x120" },
  { series: `http_request_duration_seconds_count{${POD},method="GET",path="healthz",status="200"}`, values: "0+6x120" },
];
const podinfo = (slo: string) => `{namespace="apps",service="podinfo",slo="${slo}"}`;
const firing = (alert: string) => `ALERTS{alertname="${alert}",alertstate="firing",service="podinfo"}`;
const alertLabels = (alert: string) => `ALERTS{alertname="${alert}",alertstate="firing",namespace="apps",service="podinfo",severity="critical",slo="availability"}`;

let dir: string;

beforeAll(() => {
  requireProgram(PROGRAMS.promtool);
  dir = tempDir("handworked");
  const config = stackConfig("production");
  for (const g of buildRuleGroups(config)) fs.writeFileSync(path.join(dir, `${g.group.name}.yaml`), ruleFileText(g.group));
});

async function run(name: string, tests: unknown[], ruleFile = "app-platform-slo.yaml"): Promise<{ ok: boolean; output: string }> {
  const file = path.join(dir, `${name}.test.yaml`);
  fs.writeFileSync(file, YAML.stringify({ rule_files: [ruleFile], evaluation_interval: "1m", tests }, { lineWidth: 0 }));
  return promtool(["test", "rules", file], dir);
}

describe("SLO rules against hand-worked numbers (production, podinfo at 99.9%)", () => {
  it("2% errors (above the workbook's 1.44% for 14.4x) page through the 1h tier after its 2m for:", async () => {
    // 1000 requests a minute, 20 of them failing. The ratio is defined from minute 1 (two
    // samples), so the alert is pending from 1m and fires at 3m, not at 2m.
    const r = await run("fast-burn", [
      {
        interval: "1m",
        input_series: [
          ...PROBES,
          { series: ok("200"), values: "0+980x120" },
          { series: ok("500"), values: "0+20x120" },
        ],
        promql_expr_test: [
          { expr: `round(slo:sli_error:ratio_rate1h${podinfo("availability")} * 10000)`, eval_time: "10m", exp_samples: [{ labels: `{namespace="apps",service="podinfo",slo="availability"}`, value: 200 }] },
          { expr: firing("ErrorBudgetBurn1h"), eval_time: "2m", exp_samples: [] },
          { expr: firing("ErrorBudgetBurn1h"), eval_time: "3m", exp_samples: [{ labels: alertLabels("ErrorBudgetBurn1h"), value: 1 }] },
        ],
      },
    ]);
    expect(r.ok, r.output).toBe(true);
  });

  it("1% errors stay under the 1h page (1.44%) but exceed the 6h page (0.6%): it fires at 16m, not 15m", async () => {
    const r = await run("slow-burn", [
      {
        interval: "1m",
        input_series: [
          ...PROBES,
          { series: ok("200"), values: "0+990x120" },
          { series: ok("500"), values: "0+10x120" },
        ],
        promql_expr_test: [
          { expr: firing("ErrorBudgetBurn1h"), eval_time: "60m", exp_samples: [] },
          { expr: firing("ErrorBudgetBurn6h"), eval_time: "15m", exp_samples: [] },
          { expr: firing("ErrorBudgetBurn6h"), eval_time: "16m", exp_samples: [{ labels: alertLabels("ErrorBudgetBurn6h"), value: 1 }] },
        ],
      },
    ]);
    expect(r.ok, r.output).toBe(true);
  });

  it("an idle half hour counts as no errors: 1 failure in 2000 requests leaves half the budget, not NaN", async () => {
    // 30 minutes of 2000 requests a minute with 1 failure a minute, then 30 minutes without
    // any request. Failed share of all requests: 30 / 60000 = 0.0005; budget 0.001; left
    // 1 - 0.0005 / 0.001 = 0.5. The 5-minute ratio of the idle minutes is 0, not 0/0.
    const r = await run("idle", [
      {
        interval: "1m",
        input_series: [
          // Probes go on through the idle half hour: they are not users.
          ...PROBES,
          { series: ok("200"), values: "0+1999x30 59970x29" },
          { series: ok("500"), values: "0+1x30 30x29" },
        ],
        promql_expr_test: [
          { expr: `slo:sli_error:ratio_rate5m${podinfo("availability")}`, eval_time: "50m", exp_samples: [{ labels: `slo:sli_error:ratio_rate5m{namespace="apps",service="podinfo",slo="availability"}`, value: 0 }] },
          { expr: `round(slo:error_budget_remaining:ratio${podinfo("availability")} * 1000000)`, eval_time: "60m", exp_samples: [{ labels: `{namespace="apps",service="podinfo",slo="availability"}`, value: 500000 }] },
        ],
      },
    ]);
    expect(r.ok, r.output).toBe(true);
  });

  it("a service that only its probes call has its whole budget left", async () => {
    const r = await run("never-called", [
      {
        interval: "1m",
        input_series: [...PROBES, { series: ok("200"), values: "0x60" }],
        promql_expr_test: [
          { expr: `slo:error_budget_remaining:ratio${podinfo("availability")}`, eval_time: "30m", exp_samples: [{ labels: `slo:error_budget_remaining:ratio{namespace="apps",service="podinfo",slo="availability"}`, value: 1 }] },
        ],
      },
    ]);
    expect(r.ok, r.output).toBe(true);
  });
});

describe("traffic and release alerts against hand-worked timelines (production: noTrafficFor 15m, bothColorsFor 10m)", () => {
  const up = (color: string, values: string) => ({ series: `up{namespace="apps",role="active",service="podinfo",color="${color}",pod="podinfo-${color}-0"}`, values });

  it("ServiceNoTraffic fires for a pod that only the kubelet and Prometheus call (podinfo counts them in http_requests_total)", async () => {
    const r = await run(
      "no-traffic",
      [
        {
          interval: "1m",
          input_series: [
            ...PROBES,
            // podinfo's plain counter: every probe and scrape is a request with status 200.
            { series: `http_requests_total{${POD},status="200"}`, values: "0+20x120" },
            up("blue", "1x120"),
          ],
          promql_expr_test: [
            { expr: firing("ServiceNoTraffic"), eval_time: "14m", exp_samples: [] },
            { expr: firing("ServiceNoTraffic"), eval_time: "15m", exp_samples: [{ labels: 'ALERTS{alertname="ServiceNoTraffic",alertstate="firing",namespace="apps",service="podinfo",severity="info"}', value: 1 }] },
          ],
        },
      ],
      "app-platform-services.yaml",
    );
    expect(r.ok, r.output).toBe(true);
  });

  it("BothColorsServing stays silent through a switch (one scrape of overlap) and fires when the selector keeps both colours", async () => {
    const r = await run(
      "both-colors",
      [
        {
          // blue -> green at minute 5: the old colour's targets go stale as the new ones appear.
          interval: "1m",
          input_series: [up("blue", "1x5 stale"), up("green", "_x4 1x60")],
          promql_expr_test: [{ expr: firing("BothColorsServing"), eval_time: "20m", exp_samples: [] }],
        },
        {
          // A selector without the colour: both colours stay behind the active Service.
          interval: "1m",
          input_series: [up("blue", "1x60"), up("green", "1x60")],
          promql_expr_test: [
            { expr: firing("BothColorsServing"), eval_time: "9m", exp_samples: [] },
            { expr: firing("BothColorsServing"), eval_time: "10m", exp_samples: [{ labels: 'ALERTS{alertname="BothColorsServing",alertstate="firing",namespace="apps",service="podinfo",severity="warning"}', value: 1 }] },
          ],
        },
      ],
      "app-platform-releases.yaml",
    );
    expect(r.ok, r.output).toBe(true);
  });
});
