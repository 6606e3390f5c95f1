import { describe, expect, it } from "vitest";
import { prometheusConfig, resultSize } from "../../../tools/harness/prometheus";

describe("prometheusConfig", () => {
  const cfg = prometheusConfig({
    scrapeIntervalSeconds: 0.6,
    evaluationIntervalSeconds: 0.3,
    ruleFiles: ["/r/a.yaml"],
    alertmanagers: ["127.0.0.1:9093"],
    jobs: [
      { job: "podinfo", targets: [{ address: "127.0.0.1:1", labels: { service: "podinfo", role: "active" } }] },
      { job: "pg", targets: [{ address: "127.0.0.1:2" }], intervalSeconds: 2 },
      { job: "probe/shop", targets: [{ address: "http://127.0.0.1:3/" }], blackbox: { exporter: "127.0.0.1:9115", module: "http_2xx" } },
    ],
  }) as any;

  it("scales intervals in milliseconds with the timeout equal to the interval", () => {
    expect(cfg.global).toEqual({ scrape_interval: "600ms", scrape_timeout: "600ms", evaluation_interval: "300ms", external_labels: {} });
  });

  it("puts target labels on static configs and overrides a job's interval", () => {
    expect(cfg.scrape_configs[0]).toEqual({ job_name: "podinfo", metrics_path: "/metrics", static_configs: [{ targets: ["127.0.0.1:1"], labels: { service: "podinfo", role: "active" } }] });
    expect(cfg.scrape_configs[1]).toMatchObject({ scrape_interval: "2000ms", scrape_timeout: "2000ms" });
  });

  it("probes through the blackbox exporter with the URL as target and instance", () => {
    expect(cfg.scrape_configs[2]).toMatchObject({
      metrics_path: "/probe",
      params: { module: ["http_2xx"] },
      relabel_configs: [
        { source_labels: ["__address__"], target_label: "__param_target" },
        { source_labels: ["__param_target"], target_label: "instance" },
        { target_label: "__address__", replacement: "127.0.0.1:9115" },
      ],
    });
  });

  it("sends alerts to every Alertmanager and loads the rule files", () => {
    expect(cfg.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:9093"] }] }] });
    expect(cfg.rule_files).toEqual(["/r/a.yaml"]);
  });

  it("counts series of vectors and matrices, 1 for scalars", () => {
    expect(resultSize({ resultType: "vector", result: [1, 2] })).toBe(2);
    expect(resultSize({ resultType: "scalar", result: [0, "1"] })).toBe(1);
  });
});

describe("prometheusConfig with a scrape config name apart from the job", () => {
  it("names the scrape config and puts the job label on its targets, as the operator does for Probes", () => {
    const cfg = prometheusConfig({
      scrapeIntervalSeconds: 1,
      evaluationIntervalSeconds: 1,
      ruleFiles: [],
      alertmanagers: [],
      jobs: [{ job: "blackbox", name: "probe/monitoring/probe-shop", targets: [{ address: "http://x/", labels: { probe: "shop" } }], blackbox: { exporter: "127.0.0.1:1", module: "http_2xx" } }],
    }) as any;
    expect(cfg.scrape_configs[0].job_name).toBe("probe/monitoring/probe-shop");
    expect(cfg.scrape_configs[0].static_configs[0].labels).toEqual({ job: "blackbox", probe: "shop" });
  });
});
