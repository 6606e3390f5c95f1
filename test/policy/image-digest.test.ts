// image-digest (policy/policies/image-digest.ts): every image by digest, including the
// config-reloader image prometheus-operator injects and the operator's custom resources. Not yet in
// the pack: production's pack config must keep every policy mandatory (stacks/validate/production.ts),
// and production still runs four third-party images no two public sources confirm a digest for,
// the exact list the last test pins. Once they are pinned, the policy joins POLICY_FACTORIES and
// with it production's mandatory pack (dev: disabled, like pinned-images; staging: advisory).
import { describe, expect, it } from "vitest";
import * as P from "../../policy/policies";
import { createPolicies } from "../../policy/policies";
import type { RenderedResource } from "../../tools/render/mock-runtime";
import { renderInChild } from "../../tools/render/subprocess";
import { backupCronJob, compliantStack, find, messagesOf, rec, urn, violationsOf, webDeployment, type PolicyCase } from "./fixtures";

type Case = PolicyCase;

const web = webDeployment;
const app = (rs: RenderedResource[]) => web(rs).spec.template.spec.containers[0];
const cron = backupCronJob;
const DEPLOY = urn("kubernetes:apps/v1:Deployment", "web-blue");

const CASES: Case[] = [
  {
    policy: P.imageDigest(),
    fault: "a version tag without a digest",
    mutate: (rs) => (app(rs).image = "ghcr.io/org/web:1.4.2"),
    messages: [
      'container "app" runs "ghcr.io/org/web:1.4.2", which names no digest: a tag can be moved or re-pushed, so the same name can run different code on different nodes and a rollback may not restore what ran; pin "ghcr.io/org/web:1.4.2@sha256:<digest>".',
    ],
    urn: DEPLOY,
  },
  {
    policy: P.imageDigest(),
    fault: "a CronJob's init container by tag, and a digest that is no sha256",
    mutate: (rs) => {
      const pod = cron(rs).spec.jobTemplate.spec.template.spec;
      pod.initContainers = [{ ...pod.containers[0], name: "fetch", image: "ghcr.io/org/fetch:2.0.1" }];
      pod.containers[0].image = "ghcr.io/org/web@sha256:abc";
    },
    messages: [
      'init container "fetch" runs "ghcr.io/org/fetch:2.0.1", which names no digest: a tag can be moved or re-pushed, so the same name can run different code on different nodes and a rollback may not restore what ran; pin "ghcr.io/org/fetch:2.0.1@sha256:<digest>".',
      'container "app" runs "ghcr.io/org/web@sha256:abc", which names no digest: a tag can be moved or re-pushed, so the same name can run different code on different nodes and a rollback may not restore what ran; pin "ghcr.io/org/web@sha256:<digest>".',
    ],
    urn: urn("kubernetes:batch/v1:CronJob", "backup"),
  },
  {
    policy: P.imageDigest(),
    fault: "prometheus-operator told to inject a config reloader by tag",
    mutate: (rs) => (app(rs).args = ["--log-level=info", "--prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2"]),
    messages: [
      'container "app" has prometheus-operator add, to every Prometheus and Alertmanager pod, "quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2", which names no digest: a tag can be moved or re-pushed, so the same name can run different code on different nodes and a rollback may not restore what ran; pin "quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2@sha256:<digest>".',
    ],
    urn: DEPLOY,
  },
  {
    policy: P.imageDigest(),
    fault: "a Prometheus resource by tag, with a sidecar override by tag",
    mutate: (rs) => {
      const spec = find(rs, "prometheus", "kubernetes:monitoring.coreos.com/v1:Prometheus").spec;
      spec.image = "quay.io/prometheus/prometheus:v3.7.3";
      // An override of the operator's own container carries no image and is not judged.
      spec.containers = [{ name: "prometheus", args: ["--log.level=debug"] }, { name: "oauth-proxy", image: "quay.io/oauth2-proxy/oauth2-proxy:v7.8.1" }];
    },
    messages: [
      'Prometheus monitoring/prometheus runs spec.image "quay.io/prometheus/prometheus:v3.7.3", which names no digest: a tag can be moved or re-pushed, so the same name can run different code on different nodes and a rollback may not restore what ran; pin "quay.io/prometheus/prometheus:v3.7.3@sha256:<digest>".',
      'Prometheus monitoring/prometheus container "oauth-proxy" runs "quay.io/oauth2-proxy/oauth2-proxy:v7.8.1", which names no digest: a tag can be moved or re-pushed, so the same name can run different code on different nodes and a rollback may not restore what ran; pin "quay.io/oauth2-proxy/oauth2-proxy:v7.8.1@sha256:<digest>".',
    ],
    urn: urn("kubernetes:monitoring.coreos.com/v1:Prometheus", "prometheus"),
  },
  {
    policy: P.imageDigest(),
    fault: "an Alertmanager resource with no image (the operator's default, by tag)",
    mutate: (rs) =>
      rs.push(rec("kubernetes:monitoring.coreos.com/v1:Alertmanager", "alertmanager", { apiVersion: "monitoring.coreos.com/v1", kind: "Alertmanager", metadata: { name: "main", namespace: "monitoring" }, spec: { replicas: 3 } })),
    messages: [
      'Alertmanager monitoring/main sets no spec.image: the operator then runs its built-in default by tag, which changes with the operator; set spec.image to "<image>:<tag>@sha256:<digest>".',
    ],
    urn: urn("kubernetes:monitoring.coreos.com/v1:Alertmanager", "alertmanager"),
  },
];

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

  it("is not in the pack yet (see the head of this file)", () => {
    expect(createPolicies().map((p) => p.name)).not.toContain("image-digest");
  });
});

describe("production's render against image-digest", () => {
  it("fails exactly at the four third-party images no two sources confirm a digest for, and nowhere else", async () => {
    const r = await renderInChild({ stack: "production" });
    if (!r.ok) throw new Error(`render of production failed (${r.exitCode}): ${r.stderr}`);
    const vs = await violationsOf(P.imageDigest(), r.result.resources);
    const why = "which names no digest: a tag can be moved or re-pushed, so the same name can run different code on different nodes and a rollback may not restore what ran";
    expect(vs.map((v) => `${v.urn?.split("::").pop()}: ${v.message}`).sort()).toEqual(
      [
        `monitoring-chart:monitoring/kube-prometheus-stack-grafana: container "grafana-sc-dashboard" runs "quay.io/kiwigrid/k8s-sidecar:1.30.10", ${why}; pin "quay.io/kiwigrid/k8s-sidecar:1.30.10@sha256:<digest>".`,
        `monitoring-chart:monitoring/kube-prometheus-stack-grafana: container "grafana-sc-datasources" runs "quay.io/kiwigrid/k8s-sidecar:1.30.10", ${why}; pin "quay.io/kiwigrid/k8s-sidecar:1.30.10@sha256:<digest>".`,
        `monitoring-chart:monitoring/kube-prometheus-stack-operator: container "kube-prometheus-stack" has prometheus-operator add, to every Prometheus and Alertmanager pod, "quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2", ${why}; pin "quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2@sha256:<digest>".`,
        `monitoring-chart:monitoring/kube-prometheus-stack-operator: container "kube-prometheus-stack" runs "quay.io/prometheus-operator/prometheus-operator:v0.86.2", ${why}; pin "quay.io/prometheus-operator/prometheus-operator:v0.86.2@sha256:<digest>".`,
        `exporters-redis-exporter: container "exporter" runs "quay.io/oliver006/redis_exporter:v1.74.0", ${why}; pin "quay.io/oliver006/redis_exporter:v1.74.0@sha256:<digest>".`,
      ].sort(),
    );
  }, 120_000);
});
