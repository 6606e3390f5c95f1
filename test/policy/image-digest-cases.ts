// The violating cases of image-digest (policy/policies/image-digest.ts): run by
// image-digest.test.ts, and counted by policies.test.ts's check that every policy of the pack has one.
import * as P from "../../policy/policies";
import type { RenderedResource } from "../../tools/render/mock-runtime";
import { backupCronJob, find, rec, urn, webDeployment, type PolicyCase } from "./fixtures";

type Case = PolicyCase;

const web = webDeployment;
export const app = (rs: RenderedResource[]) => web(rs).spec.template.spec.containers[0];
const cron = backupCronJob;
const DEPLOY = urn("kubernetes:apps/v1:Deployment", "web-blue");

export const IMAGE_DIGEST_CASES: Case[] = [
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
      spec.containers = [
        { name: "prometheus", args: ["--log.level=debug"] },
        { name: "oauth-proxy", image: "quay.io/oauth2-proxy/oauth2-proxy:v7.8.1" },
      ];
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
      rs.push(
        rec("kubernetes:monitoring.coreos.com/v1:Alertmanager", "alertmanager", {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "Alertmanager",
          metadata: { name: "main", namespace: "monitoring" },
          spec: { replicas: 3 },
        }),
      ),
    messages: [
      'Alertmanager monitoring/main sets no spec.image: the operator then runs its built-in default by tag, which changes with the operator; set spec.image to "<image>:<tag>@sha256:<digest>".',
    ],
    urn: urn("kubernetes:monitoring.coreos.com/v1:Alertmanager", "alertmanager"),
  },
];
