import { isKubernetesObject, kubernetesObject, type Artifact, type ArtifactExtractor } from "./extractor";
import { ALERTMANAGER_CONFIG_KEY, ALERTMANAGER_CONFIG_SECRET } from "../../components/monitoring/contract";
import { ruleFilePath, ruleFileText } from "../../components/monitoring/rules/files";
import type { RuleGroup } from "../../components/monitoring/rules/types";
import { CONFIG_HASH_ANNOTATION, sha256 } from "../../components/monitoring/alertmanager/component";

interface Obj {
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: { groups?: RuleGroup[] };
  stringData?: Record<string, unknown>;
}

/**
 * Every rule group of every rendered PrometheusRule, as promtool reads it, at
 * prometheus/rules/<group>.yaml: taken from the objects that ship, not rebuilt from config.
 */
export const ruleFilesExtractor: ArtifactExtractor = {
  name: "prometheus rules",
  extract(resources) {
    const out: Artifact[] = [];
    for (const r of resources.filter(isKubernetesObject)) {
      const obj = kubernetesObject(r) as Obj;
      if (obj.kind !== "PrometheusRule") continue;
      for (const group of obj.spec?.groups ?? []) out.push({ path: ruleFilePath(group.name), content: ruleFileText(group) });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  },
};

/**
 * alertmanager.yaml as shipped, at alertmanager/alertmanager.yaml. The provider marks a
 * Secret's data secret, so the text comes from the AlertmanagerConfig component's inputs and
 * must hash to the annotation on the configuration Secret that ships.
 */
export const alertmanagerExtractor: ArtifactExtractor = {
  name: "alertmanager config",
  extract(resources) {
    const component = resources.find((r) => r.type === "app-platform:monitoring:AlertmanagerConfig");
    if (!component) return [];
    const text = component.inputs[ALERTMANAGER_CONFIG_KEY];
    const secret = resources
      .filter(isKubernetesObject)
      .map((r) => kubernetesObject(r) as Obj)
      .find((o) => o.kind === "Secret" && o.metadata?.name === ALERTMANAGER_CONFIG_SECRET);
    const shipped = secret?.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
    if (typeof text !== "string" || shipped !== sha256(text)) {
      throw new Error(`alertmanager.yaml of ${component.urn} does not match the ${ALERTMANAGER_CONFIG_SECRET} Secret that ships (hash ${String(shipped)})`);
    }
    return [{ path: "alertmanager/alertmanager.yaml", content: text }];
  },
};
