// Digests of the images kube-prometheus-stack deploys, per chart version. A digest is a fact about
// what a registry serves, and a wrong one is an outage (ImagePullBackOff), so each is pinned only
// when two independent public sources give the same manifest digest for the image and tag (or the
// registry's own listing does). The machines this project is built on reach no registry; where
// there is network, check one with `crane digest <image>:<tag>` (it prints the multi-arch index
// digest, which is what a pin must be so every node architecture pulls its own image), or
// `platform pin-images`'s own request: HEAD /v2/<repo>/manifests/<tag>, Docker-Content-Digest.

import { parseImage } from "../../lib/images";

/**
 * kube-prometheus-stack chart version used unless a stack pins another (a published release of
 * prometheus-community/helm-charts, tag kube-prometheus-stack-79.7.1).
 */
export const DEFAULT_CHART_VERSION = "79.7.1";

/** The images kube-prometheus-stack runs, by the name `app-platform:images` gives each. */
export const CHART_IMAGE_ROLES = [
  "prometheus",
  "alertmanager",
  "prometheusOperator",
  "prometheusConfigReloader",
  "grafana",
  "grafanaSidecar",
  "kubeStateMetrics",
  "nodeExporter",
] as const;
/** One of {@link CHART_IMAGE_ROLES}. */
export type ChartImageRole = (typeof CHART_IMAGE_ROLES)[number];

/** A full image reference (`registry/repository:tag`, with `@sha256:<digest>` when pinned) per chart image. */
export type ChartImages = Readonly<Partial<Record<ChartImageRole, string>>>;

/**
 * The images each chart version runs by default, pinned by digest where the digest is
 * confirmed. Another chart version has no entry: the chart then runs its own defaults, and
 * `app-platform:images` (written by `platform pin-images`) pins them.
 *
 * Left at their tags at 79.7.1, because no two independent sources were found (the one
 * candidate each is named, to be confirmed where a registry is reachable; production's stack
 * file carries the placeholder digest for them until `platform pin-images production` runs):
 * - quay.io/prometheus-operator/prometheus-operator:v0.86.2 (candidate
 *   sha256:92757e4b90027e153dc09f2e01254c8402fd5268827d95532760836c2a117062, a single Nix image
 *   list generated for RKE2 from kube-prometheus-stack 79.5.0 and 79.12.0);
 * - quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2 (no public source found);
 * - quay.io/kiwigrid/k8s-sidecar:1.30.10 (candidate
 *   sha256:835d79d8fbae62e42d8a86929d4e3c5eec2e869255dd37756b5a3166c2f22309, the same single Nix list).
 */
export const CHART_IMAGES: Readonly<Record<string, Readonly<Record<ChartImageRole, string>>>> = {
  "79.7.1": {
    // Sources: an OpenDataHub operator e2e monitoring test (quay.io/prometheus/prometheus:v3.7.3@sha256:4921...);
    // the Nix image list for RKE2 of kube-prometheus-stack 79.5.0 (quay.io, finalImageTag
    // v3.7.3); the same digest pinned for prom/prometheus:v3.7.3 in several Compose and Terraform
    // files (the project pushes one manifest list to both registries).
    prometheus: "quay.io/prometheus/prometheus:v3.7.3@sha256:49214755b6153f90a597adcbff0252cc61069f8ab69ce8411285cd4a560e8038",
    // Sources: the Nix image list for RKE2 of kube-prometheus-stack 79.5.0/79.12.0 (quay.io,
    // finalImageTag v0.29.0); an unrelated observability installer's scripts and tests pinning
    // prom/alertmanager:v0.29.0 to the same digest.
    alertmanager: "quay.io/prometheus/alertmanager:v0.29.0@sha256:88743b63b3e09ea6e31e140ced5bf45f4a8e82c617c2a963f78841f4995ad1d7",
    prometheusOperator: "quay.io/prometheus-operator/prometheus-operator:v0.86.2",
    prometheusConfigReloader: "quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2",
    // Sources: the Nix image list for RKE2 of kube-prometheus-stack 79.12.0 (finalImageTag
    // 12.3.0); a deployment README listing grafana/grafana:12.3.0@sha256:70d9...; an
    // npm-audit/Trivy inventory script of another project.
    grafana: "docker.io/grafana/grafana:12.3.0@sha256:70d9599b186ce287be0d2c5ba9a78acb2e86c1a68c9c41449454d0fc3eeb84e8",
    grafanaSidecar: "quay.io/kiwigrid/k8s-sidecar:1.30.10",
    // Sources: the Nix image list for RKE2 of kube-prometheus-stack 79.5.0 (finalImageTag
    // v2.17.0); an AIOps pilot's manifest test pinning
    // registry.k8s.io/kube-state-metrics/kube-state-metrics@sha256:2bbc... (no tag).
    kubeStateMetrics: "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.17.0@sha256:2bbc915567334b13632bf62c0a97084aff72a36e13c4dabd5f2f11c898c5bacd",
    // Sources: `kubectl get pods` output of a kube-prometheus-stack install (image
    // quay.io/prometheus/node-exporter:v1.10.2, imageID ...@sha256:337f...); `podman ps` output of
    // another host; two NixOS modules pulling quay.io/prometheus/node-exporter v1.10.2 by this
    // digest; the RKE2 Nix image list. (Docker Hub's prom/node-exporter:v1.10.2 is another
    // digest, 3ac34ce0...: the quay.io one is pinned.)
    nodeExporter: "quay.io/prometheus/node-exporter:v1.10.2@sha256:337ff1d356b68d39cef853e8c6345de11ce7556bb34cda8bd205bcf2ed30b565",
  },
};

/**
 * kube-prometheus-stack values that run each given image, each in the keys its template reads:
 * `registry`, `repository`, `tag`, and the digest as `sha` (hex only; the template adds
 * `@sha256:`) for Prometheus, Alertmanager, the operator, the config reloader, Grafana and its
 * sidecar; `sha` with the `sha256:` prefix for kube-state-metrics (its helper prints `tag@sha`);
 * `digest` for node-exporter (which fails on `sha`). An image not given keeps the chart's default.
 */
export function chartImageValues(images: ChartImages): Record<string, unknown> {
  const image = (ref: string | undefined, digestKey: "sha" | "digest", prefixed: boolean) => {
    if (ref === undefined) return {};
    const k = parseImage(ref);
    const digest = k.digest === undefined ? {} : { [digestKey]: prefixed ? k.digest : k.digest.replace(/^sha256:/, "") };
    return { image: { registry: k.registry, repository: k.repository, ...(k.tag === undefined ? {} : { tag: k.tag }), ...digest } };
  };
  return prune({
    prometheus: { prometheusSpec: image(images.prometheus, "sha", false) },
    alertmanager: { alertmanagerSpec: image(images.alertmanager, "sha", false) },
    prometheusOperator: {
      ...image(images.prometheusOperator, "sha", false),
      prometheusConfigReloader: image(images.prometheusConfigReloader, "sha", false),
    },
    grafana: { ...image(images.grafana, "sha", false), sidecar: image(images.grafanaSidecar, "sha", false) },
    "kube-state-metrics": image(images.kubeStateMetrics, "sha", true),
    "prometheus-node-exporter": image(images.nodeExporter, "digest", true),
  });
}

/** Drops empty objects, so that an unpinned image leaves no trace in the values. */
function prune(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    const kept = typeof v === "object" && v !== null && !Array.isArray(v) ? prune(v as Record<string, unknown>) : v;
    if (typeof kept === "object" && kept !== null && !Array.isArray(kept) && Object.keys(kept).length === 0) continue;
    out[k] = kept;
  }
  return out;
}

/** Deep merge of chart values: objects merge key by key, anything else from `over` wins. */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
    out[k] = isObj(b) && isObj(v) ? mergeValues(b, v) : v;
  }
  return out;
}
