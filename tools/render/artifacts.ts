import { stringifyYaml11Safe } from "./yaml11";
import { isKubernetesObject, kubernetesObject, type ArtifactExtractor } from "./extractor";
import { chartManifestText } from "./chart";
import { blackboxExtractor, dashboardsExtractor } from "./monitoring-artifacts";
import { alertmanagerExtractor, ruleFilesExtractor } from "./alerting-artifacts";

export { isKubernetesObject, kubernetesObject, type Artifact, type ArtifactExtractor } from "./extractor";

function manifestPath(obj: Record<string, unknown>, chartChild: boolean): string {
  const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string };
  const ns = meta.namespace ?? "_cluster";
  // A chart's objects sit apart from ours: the same kind and name may exist on both sides.
  return `manifests/${ns}/${chartChild ? "chart/" : ""}${String(obj.kind).toLowerCase()}-${meta.name ?? "unnamed"}.yaml`;
}

/** Every Kubernetes object as one YAML file under manifests/<namespace>/ (a chart's under manifests/<namespace>/chart/). */
export const manifestsExtractor: ArtifactExtractor = {
  name: "manifests",
  extract(resources) {
    return resources.filter(isKubernetesObject).map((r) => {
      const obj = kubernetesObject(r);
      // A chart's object as Helm printed it (the text the provider parses); ours: kubectl and
      // schema validators read YAML 1.1, so "off" must stay a string there too.
      const helmText = r.chartChild ? chartManifestText(r.inputs) : undefined;
      return { path: manifestPath(obj, r.chartChild === true), content: helmText ?? stringifyYaml11Safe(obj) };
    });
  },
};

/**
 * Extractors run by `platform render`, in order. Capabilities that produce files for real
 * tools (rule files for promtool, alertmanager.yaml for amtool, dashboards) add theirs here.
 */
export const ARTIFACT_EXTRACTORS: ArtifactExtractor[] = [manifestsExtractor, dashboardsExtractor, blackboxExtractor, ruleFilesExtractor, alertmanagerExtractor];
