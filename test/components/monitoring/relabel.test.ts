import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { appServiceMonitor, metaLabel } from "../../../components/monitoring/monitors";
import { APP_LABELS } from "../../../components/monitoring/contract";
import { PROGRAMS, ProcessGroup, freePort, httpOk, requireProgram } from "../../../tools/harness/processes";
import { StaticExporter } from "../../../tools/harness/static-exporter";
import { stackConfig } from "./fixtures";

const group = new ProcessGroup();
const exporters: StaticExporter[] = [];
afterAll(async () => {
  for (const e of exporters) await e.stop();
  await group.stopAll();
});

/** prometheus-operator relabelings (camelCase) as Prometheus relabel_configs. */
function toPrometheus(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { action: r.action };
  if (r.sourceLabels) out.source_labels = r.sourceLabels;
  if (r.targetLabel) out.target_label = r.targetLabel;
  if (r.replacement !== undefined) out.replacement = r.replacement;
  return out;
}

describe("the app ServiceMonitor's relabelings, run by real Prometheus", () => {
  it("put service (config name), role (from the Service) and color (from the pod) on every series", async () => {
    const prom = requireProgram(PROGRAMS.prometheus);
    const config = stackConfig("production");
    const svc = config.services.find((s) => s.name === "orders-api")!;
    const monitor = appServiceMonitor(svc, config, {});
    const relabelings = ((monitor.spec.endpoints as { relabelings: Record<string, unknown>[] }[])[0].relabelings).map(toPrometheus);

    // One pod behind the active Service (green) and one behind the preview Service (blue).
    const pods = [
      { service: "orders-api", role: "active", color: "green" },
      { service: "orders-api-preview", role: "preview", color: "blue" },
    ];
    const targets = [];
    for (const p of pods) {
      const e = new StaticExporter();
      e.set("http_requests_total", { status: "200" }, 7);
      await e.start();
      exporters.push(e);
      targets.push({
        targets: [e.target],
        // What Kubernetes service discovery attaches to an endpoint target of these objects.
        labels: {
          __meta_kubernetes_service_name: p.service,
          [`__meta_kubernetes_service_label_${metaLabel(APP_LABELS.role)}`]: p.role,
          [`__meta_kubernetes_pod_label_${metaLabel(APP_LABELS.color)}`]: p.color,
        },
      });
    }
    const dir = group.tempDir("relabel");
    const port = await freePort();
    const file = path.join(dir, "prometheus.yml");
    fs.writeFileSync(
      file,
      YAML.stringify({
        global: { scrape_interval: "1s", scrape_timeout: "1s" },
        scrape_configs: [
          {
            job_name: "serviceMonitor/monitoring/app-orders-api/0",
            static_configs: targets,
            // The operator's own rule comes first (service = Kubernetes Service name); ours follow.
            relabel_configs: [{ source_labels: ["__meta_kubernetes_service_name"], target_label: "service" }, ...relabelings],
          },
        ],
      }),
    );
    await group.start("prometheus", prom, [`--config.file=${file}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`], {
      ready: () => httpOk(`http://127.0.0.1:${port}/-/ready`),
      readyTimeoutMs: 30_000,
    });

    let series: Record<string, string>[] = [];
    for (let i = 0; i < 60 && series.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent("http_requests_total")}`);
      series = ((await res.json()) as any).data.result.map((r: any) => r.metric);
    }
    const seen = series.map((m) => ({ service: m.service, role: m.role, color: m.color })).sort((a, b) => a.role.localeCompare(b.role));
    expect(seen).toEqual([
      { service: "orders-api", role: "active", color: "green" },
      { service: "orders-api", role: "preview", color: "blue" },
    ]);
    // Without our relabelings the preview pod would report service="orders-api-preview".
    for (const m of series) expect(Object.keys(m).filter((k) => k.startsWith("__meta"))).toEqual([]);
  }, 60_000);
});
