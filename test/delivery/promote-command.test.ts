import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { REPO_ROOT } from "../../tools/render/mock-runtime";
import { stackFolder } from "../../tools/render/subprocess";
import { DEFAULT_ANALYSIS } from "../../tools/delivery/analysis";
import { DEFAULT_PROMETHEUS_URL, promotionRequest, releaseRequest, runPromotion } from "../../tools/commands/promote";
import { CommandError } from "../../tools/commands/shared";
import { freePort } from "../../tools/harness/processes";
import type { StackOps } from "../../tools/delivery/promotion";

const staging = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.staging.yaml"), "utf8");

function withAnalysis(analysis: unknown): string {
  const doc = YAML.parse(staging);
  doc.config["delivery:analysis"] = analysis;
  return YAML.stringify(doc);
}

describe("promotionRequest", () => {
  it("reads thresholds from delivery:analysis and the apps namespace from config", () => {
    const dir = stackFolder("staging", withAnalysis({ maxErrorRatio: 0.002, services: { podinfo: { window: "10m" } } }));
    const { req, prometheusUrl } = promotionRequest("staging", "podinfo", { prometheus: "http://prom:9090" }, dir);
    const { nonUserPaths, ...rest } = req;
    // Staging's warm window: 10 minutes unless the service sets strategy.scaleDownDelaySeconds.
    expect(rest).toEqual({ service: "podinfo", namespace: "apps", settings: { ...DEFAULT_ANALYSIS, maxErrorRatio: 0.002, window: "10m" }, scaleDownDelaySeconds: 600 });
    // The service sets no probes nor metrics path: podinfo's own (/healthz, /readyz, /metrics).
    expect(nonUserPaths).toMatchObject({ metricsPath: "/metrics", probes: { liveness: { path: "/healthz" }, readiness: { path: "/readyz" }, startup: { path: "/healthz" } } });
    expect(prometheusUrl).toBe("http://prom:9090");
  });

  it("uses the defaults without delivery:analysis, and PROMETHEUS_URL or the port-forward address", () => {
    const dir = stackFolder("staging", staging);
    const saved = process.env.PROMETHEUS_URL;
    try {
      delete process.env.PROMETHEUS_URL;
      expect(promotionRequest("staging", "orders-api", {}, dir)).toMatchObject({ req: { settings: DEFAULT_ANALYSIS }, prometheusUrl: DEFAULT_PROMETHEUS_URL });
      expect(DEFAULT_PROMETHEUS_URL).toBe("http://127.0.0.1:9090");
      process.env.PROMETHEUS_URL = "http://from-env:9090";
      expect(promotionRequest("staging", "orders-api", {}, dir).prometheusUrl).toBe("http://from-env:9090");
    } finally {
      if (saved === undefined) delete process.env.PROMETHEUS_URL;
      else process.env.PROMETHEUS_URL = saved;
    }
  });

  it("refuses an unknown service and bad thresholds, naming the field and value", () => {
    const dir = stackFolder("staging", withAnalysis({ latencyQuantile: 1.5 }));
    expect(() => promotionRequest("staging", "nope", {}, stackFolder("staging", staging))).toThrow('service "nope" is not in Pulumi.staging.yaml (known: podinfo, orders-api)');
    expect(() => promotionRequest("staging", "podinfo", {}, dir)).toThrow(CommandError);
    expect(() => promotionRequest("staging", "podinfo", {}, dir)).toThrow(/^Pulumi\.staging\.yaml: delivery:analysis\.latencyQuantile \(1\.5\)/);
  });
});

describe("runPromotion", () => {
  it("stops before changing anything when Prometheus cannot be reached", async () => {
    const calls: string[] = [];
    const fake: StackOps = {
      getConfig: async () => ({ value: JSON.stringify([{ name: "podinfo", activeColor: "blue", image: { blue: "p:1", green: "p:2" }, replicas: { min: 1 } }]) }),
      setConfig: async (k) => void calls.push(`set ${k}`),
      removeConfig: async (k) => void calls.push(`rm ${k}`),
      up: async () => (calls.push("up"), { summary: { result: "succeeded" } }),
    };
    const closed = `http://127.0.0.1:${await freePort()}`;
    const err = await runPromotion("promote", ["staging", "podinfo", "--prometheus", closed], async () => fake).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err.message).toMatch(/^platform promote: cannot query Prometheus at http:\/\/127\.0\.0\.1:\d+/);
    // The last line says how to reach Prometheus in the cluster.
    expect(err.message.split("\n").at(-1)).toBe(
      "Prometheus runs in the cluster: forward it with `kubectl -n monitoring port-forward svc/prometheus-operated 9090:9090`, or pass --prometheus URL (or set PROMETHEUS_URL).",
    );
    expect(calls).toEqual([]);
    await expect(runPromotion("rollback", ["staging"], async () => fake)).rejects.toThrow("usage: platform rollback <stack> <service> [--prometheus URL]");
  });
});

describe("releaseRequest", () => {
  it("takes the strategy, steps, dwell, migration and smoke test of the service from the stack file", () => {
    const { req } = releaseRequest("staging", "orders-api", {}, stackFolder("staging", staging));
    expect(req).toMatchObject({
      strategy: "canary",
      steps: [10, 50, 100],
      dwellSeconds: 120,
      backup: false,
      migration: "schema",
      smokeTest: { baseUrl: "https://orders-preview.staging.example.com", requests: [{ path: "/ready", status: 200 }, { path: "/v1/orders/does-not-exist", status: 404 }], timeoutSeconds: 10 },
    });
  });

  it("backs up first in production only, and --preview-url replaces the smoke test's base URL", () => {
    const production = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.production.yaml"), "utf8");
    const { req } = releaseRequest("production", "orders-api", { "preview-url": "http://127.0.0.1:8081" }, stackFolder("production", production));
    expect(req).toMatchObject({ backup: true, dwellSeconds: 300, smokeTest: { baseUrl: "http://127.0.0.1:8081" } });
    expect(releaseRequest("staging", "podinfo", {}, stackFolder("staging", staging)).req).toMatchObject({ strategy: "blueGreen", prescale: true, backup: false, migration: undefined });
  });

  it("puts the service's own thresholds over delivery:analysis", () => {
    const doc = YAML.parse(staging);
    doc.config["delivery:analysis"] = { maxErrorRatio: 0.002, minRequests: 300 };
    doc.config["app-platform:services"][1].strategy.analysis = { maxErrorRatio: 0.05 };
    const { req } = releaseRequest("staging", "orders-api", {}, stackFolder("staging", YAML.stringify(doc)));
    expect(req.settings).toEqual({ ...DEFAULT_ANALYSIS, maxErrorRatio: 0.05, minRequests: 300 });
  });
});
