// image-digest (policy/policies/image-digest.ts): every image by digest, including the
// config-reloader image prometheus-operator injects and the operator's custom resources. In the
// pack: disabled in dev (like pinned-images), advisory in staging, mandatory in production, whose
// render (the real chart included) it passes.
import { describe, expect, it } from "vitest";
import * as P from "../../policy/policies";
import { createPolicies } from "../../policy/policies";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { renderInChild, stackFolder } from "../../tools/render/subprocess";
import { REPO_ROOT } from "../../tools/render/paths";
import { compliantStack, messagesOf, violationsOf } from "./fixtures";

import { IMAGE_DIGEST_CASES as CASES, app } from "./image-digest-cases";

describe.each(CASES)("image-digest: $fault", (c) => {
  it("catches it with its exact message", async () => {
    const rs = compliantStack();
    c.mutate(rs);
    const vs = await violationsOf(c.policy, rs);
    expect(vs.map((v) => v.message)).toEqual(c.messages);
    expect(vs.every((v) => v.enforcementLevel === "mandatory" && v.kind === "violation" && v.policyName === "image-digest")).toBe(true);
    if (c.urn) expect(vs[0].urn).toBe(c.urn);
  });
});

describe("image-digest", () => {
  it("passes the compliant stack (images, an operator resource, all by digest)", async () => {
    expect(await messagesOf(P.imageDigest(), compliantStack())).toEqual([]);
  });

  it("is stricter than pinned-images: a version tag passes that and fails this", async () => {
    const rs = compliantStack();
    app(rs).image = "ghcr.io/org/web:1.4.2";
    expect(await messagesOf(P.pinnedImages(), rs)).toEqual([]);
    expect(await messagesOf(P.imageDigest(), rs)).toHaveLength(1);
  });

  it("is in the pack", () => {
    expect(createPolicies().map((p) => p.name)).toContain("image-digest");
  });
});

describe("production's render against image-digest", () => {
  it("passes: every container, init container, the injected config reloader and the operator's resources name a digest", async () => {
    const r = await renderInChild({ stack: "production" });
    if (!r.ok) throw new Error(`render of production failed (${r.exitCode}): ${r.stderr}`);
    // The render holds the chart's objects (Helm's output), so the policy saw the operator and its flag too.
    const operator = r.result.resources.find(
      (x) => x.chartChild && x.type === "kubernetes:apps/v1:Deployment" && x.name.endsWith("/kube-prometheus-stack-operator"),
    );
    expect((operator?.inputs as any)?.spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining([expect.stringMatching(/^--prometheus-config-reloader=.+@sha256:[0-9a-f]{64}$/)]),
    );
    expect(await violationsOf(P.imageDigest(), r.result.resources)).toEqual([]);
  }, 120_000);

  it("is preceded by the loader: a production stack file without its `images` is refused, one problem per third-party image left at its tag", async () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.production.yaml"), "utf8");
    const doc = YAML.parseDocument(text);
    expect(doc.deleteIn(["config", "app-platform:images"])).toBe(true);
    const r = await renderInChild({ stack: "production", rootDir: stackFolder("production", doc.toString()) });
    if (r.ok) throw new Error("production rendered without digests for the chart's operator, reloader, sidecar and the redis exporter");
    const lines = r.stderr.split("\n").filter((l) => l.includes("app-platform:images."));
    expect(lines.map((l) => /app-platform:(images\.\w+)/.exec(l)![1]).sort()).toEqual([
      "images.grafanaSidecar",
      "images.prometheusConfigReloader",
      "images.prometheusOperator",
      "images.redisExporter",
    ]);
    expect(lines.find((l) => l.includes("images.prometheusOperator"))).toContain('"quay.io/prometheus-operator/prometheus-operator:v0.86.2@sha256:<digest>"');
    for (const l of lines) expect(l).toContain("platform pin-images production");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
