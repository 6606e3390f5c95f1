import { isKubernetesObject, kubernetesObject, type Artifact, type ArtifactExtractor } from "./extractor";
import type { RenderedResource } from "./mock-runtime";
import { DASHBOARD_LABEL } from "../../components/monitoring/values";
import { BLACKBOX_CONFIG_FILE } from "../../components/exporters/blackbox";

interface ConfigMapLike {
  kind?: string;
  metadata?: { labels?: Record<string, string> };
  data?: Record<string, string>;
}

function configMaps(resources: readonly RenderedResource[], pick: (cm: ConfigMapLike) => boolean): ConfigMapLike[] {
  return resources
    .filter(isKubernetesObject)
    .map((r) => kubernetesObject(r) as ConfigMapLike)
    .filter((o) => o.kind === "ConfigMap" && pick(o));
}

/** Every dashboard ConfigMap's JSON, as shipped, under grafana/dashboards/. */
export const dashboardsExtractor: ArtifactExtractor = {
  name: "grafana dashboards",
  extract(resources) {
    const out: Artifact[] = [];
    for (const cm of configMaps(resources, (c) => c.metadata?.labels?.[DASHBOARD_LABEL.key] === DASHBOARD_LABEL.value)) {
      for (const [file, content] of Object.entries(cm.data ?? {})) out.push({ path: `grafana/dashboards/${file}`, content });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  },
};

/** The blackbox exporter's module file, as shipped, at blackbox/blackbox.yml (checked by `platform check`). */
export const blackboxExtractor: ArtifactExtractor = {
  name: "blackbox config",
  extract(resources) {
    const cms = configMaps(resources, (c) => c.metadata?.labels?.["app.kubernetes.io/name"] === "blackbox-exporter" && typeof c.data?.[BLACKBOX_CONFIG_FILE] === "string");
    return cms.map((cm) => ({ path: `blackbox/${BLACKBOX_CONFIG_FILE}`, content: cm.data![BLACKBOX_CONFIG_FILE] }));
  },
};
