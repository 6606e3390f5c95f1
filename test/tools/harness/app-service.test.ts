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
    for (const le of DEFAULT_BUCKETS) expect(text).toContain(`http_request_duration_seconds_bucket{le="${le}"}`);
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
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.1"} 0');
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.5"\} [1-9]/);
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
