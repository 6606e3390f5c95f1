import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_BUCKETS, InstrumentedService } from "../../../tools/harness/app-service";
import { sleep } from "../../../tools/harness/processes";

describe("InstrumentedService", () => {
  let svc: InstrumentedService | undefined;
  afterEach(async () => {
    await svc?.close();
  });

  it("defaults to podinfo's buckets and 20 requests per second", async () => {
    svc = new InstrumentedService();
    await svc.start();
    await sleep(1000);
    const { served } = svc.stats();
    expect(served).toBeGreaterThanOrEqual(15);
    expect(served).toBeLessThanOrEqual(25);
    const text = svc.metricsText();
    for (const le of DEFAULT_BUCKETS) expect(text).toContain(`http_request_duration_seconds_bucket{method="GET",path="root",status="200",le="${le}"}`);
  });

  it("spreads injected errors evenly and exports them by status", async () => {
    svc = new InstrumentedService({ requestsPerSecond: 200 });
    svc.setFault({ errorRatio: 0.1 });
    await svc.start();
    await sleep(1000);
    const { served, failed } = svc.stats();
    expect(Math.abs(failed - Math.floor(served * 0.1))).toBeLessThanOrEqual(1);
    const text = svc.metricsText();
    expect(text).toMatch(/^http_requests_total\{status="500"\} [1-9]/m);
    expect(text).toMatch(/^http_requests_total\{status="200"\} [1-9]/m);
  });

  it("exports both status codes at 0 before any request", () => {
    svc = new InstrumentedService({ requestsPerSecond: 0 });
    expect(svc.metricsText()).toContain('http_requests_total{status="200"} 0\nhttp_requests_total{status="500"} 0');
  });

  it("delays answers by the injected latency, visible in the histogram", async () => {
    svc = new InstrumentedService({ requestsPerSecond: 20, buckets: [0.1, 0.5] });
    svc.setFault({ latencySeconds: 0.2 });
    await svc.start();
    await sleep(1000);
    const text = svc.metricsText();
    expect(text).toContain('http_request_duration_seconds_bucket{method="GET",path="root",status="200",le="0.1"} 0');
    expect(text).toMatch(/http_request_duration_seconds_bucket\{method="GET",path="root",status="200",le="0.5"\} [1-9]/);
  });

  it("counts probes and scrapes like podinfo: in http_requests_total, and in the histogram under their own paths", async () => {
    svc = new InstrumentedService({ requestsPerSecond: 0, probesPerSecond: 10 });
    await svc.start();
    await fetch(`http://127.0.0.1:${svc.port}/metrics`);
    await sleep(600);
    const text = svc.metricsText();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    const readyz = value(/^http_request_duration_seconds_count\{method="GET",path="readyz",status="200"\} (\d+)$/m);
    const healthz = value(/^http_request_duration_seconds_count\{method="GET",path="healthz",status="200"\} (\d+)$/m);
    const scrapes = value(/^http_request_duration_seconds_count\{method="GET",path="metrics",status="200"\} (\d+)$/m);
    expect(readyz).toBeGreaterThan(0);
    expect(healthz).toBeGreaterThan(0);
    expect(scrapes).toBe(1);
    // No user request, yet the plain counter moves: why the rules read the histogram by path.
    expect(svc.stats().served).toBe(0);
    expect(value(/^http_request_duration_seconds_count\{method="GET",path="root",status="200"\} (\d+)$/m)).toBe(0);
    expect(value(/^http_requests_total\{status="200"\} (\d+)$/m)).toBe(readyz + healthz + scrapes);
  });

  it("stops and resumes user traffic with setUserRate while probes go on", async () => {
    svc = new InstrumentedService({ requestsPerSecond: 100, probesPerSecond: 0 });
    await svc.start();
    await sleep(300);
    svc.setUserRate(0);
    await sleep(200);
    const idle = svc.stats().served;
    expect(idle).toBeGreaterThan(0);
    await sleep(500);
    expect(svc.stats().served).toBe(idle);
    svc.setUserRate(100);
    await sleep(500);
    expect(svc.stats().served).toBeGreaterThan(idle);
    expect(() => svc!.setUserRate(-1)).toThrow("requestsPerSecond (-1) must be >= 0");
  });

  it("takes its listener down and up on the same port", async () => {
    svc = new InstrumentedService({ requestsPerSecond: 0 });
    await svc.start();
    const port = svc.port;
    await svc.stop();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    await svc.start();
    expect(svc.port).toBe(port);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it("rejects faults out of range naming the value", () => {
    svc = new InstrumentedService({ requestsPerSecond: 0 });
    expect(() => svc!.setFault({ errorRatio: 2 })).toThrow("errorRatio (2) must be in [0, 1]");
    expect(() => svc!.setFault({ latencySeconds: -1 })).toThrow("latencySeconds (-1) must be >= 0");
  });
});
