import { z } from "zod";
import { CHART_IMAGES, CHART_IMAGE_ROLES, DEFAULT_CHART_VERSION, type ChartImageRole } from "../../components/monitoring/chart-images";
import { EXPORTER_IMAGES, type ExporterKind } from "../../components/exporters/workloads";
import { imageRef } from "./services";
import "./meta";

/** What each chart image is, for its description. */
const CHART_IMAGE_WHAT: Record<ChartImageRole, string> = {
  prometheus: "Prometheus (the operator's Prometheus resource)",
  alertmanager: "Alertmanager (the operator's Alertmanager resource)",
  prometheusOperator: "prometheus-operator (which must match the chart's CRDs)",
  prometheusConfigReloader: "the config reloader prometheus-operator adds to every Prometheus and Alertmanager pod",
  grafana: "Grafana",
  grafanaSidecar: "Grafana's sidecar that loads the dashboards and datasources",
  kubeStateMetrics: "kube-state-metrics",
  nodeExporter: "node-exporter (the DaemonSet in the host-agents namespace)",
};

/** The exporters the program runs besides the chart's, by their `images` key. */
export const EXPORTER_IMAGE_KEYS: Record<`${ExporterKind}Exporter`, ExporterKind> = {
  postgresExporter: "postgres",
  redisExporter: "redis",
  blackboxExporter: "blackbox",
};

const PIN_HINT =
  "Production requires a digest (`<ref>@sha256:<digest>`): `platform pin-images production` resolves the tag where the registry is reachable and writes it here. A mirror of the same image and tag (your own registry) is accepted.";

const chartImage = (role: ChartImageRole) =>
  imageRef.optional().meta({
    description: `Image of ${CHART_IMAGE_WHAT[role]}. Its tag must be the one the chart version runs. ${PIN_HINT}`,
    defaultText: `the chart version's image (chart ${DEFAULT_CHART_VERSION}: \`${CHART_IMAGES[DEFAULT_CHART_VERSION][role]}\`)`,
    examples: [CHART_IMAGES[DEFAULT_CHART_VERSION][role]],
  });

const exporterImage = (kind: ExporterKind) =>
  imageRef.optional().meta({
    description: `Image of the ${kind} exporter. ${PIN_HINT}`,
    defaultText: `\`${EXPORTER_IMAGES[kind]}\``,
    examples: [EXPORTER_IMAGES[kind]],
  });

/**
 * `app-platform:images`: the third-party images the platform runs (the chart's and the
 * exporters'), each overridable, e.g. with a digest or a mirror in the user's own registry.
 */
export const imagesSchema = z.strictObject({
  ...(Object.fromEntries(CHART_IMAGE_ROLES.map((r) => [r, chartImage(r)])) as Record<ChartImageRole, ReturnType<typeof chartImage>>),
  ...(Object.fromEntries(Object.entries(EXPORTER_IMAGE_KEYS).map(([key, kind]) => [key, exporterImage(kind)])) as Record<keyof typeof EXPORTER_IMAGE_KEYS, ReturnType<typeof exporterImage>>),
});
