import { stringifyYaml11Safe } from "./yaml11";
import type { RenderedResource } from "./harness";
import { blackboxExtractor, dashboardsExtractor } from "./monitoring-artifacts";
import { alertmanagerExtractor, ruleFilesExtractor } from "./alerting-artifacts";

/** A file produced from a render, relative to the output folder. */
export interface Artifact {
  readonly path: string;
  readonly content: string;
}

/** Turns rendered resources into files of one kind (manifests, rule files, dashboards...). */
export interface ArtifactExtractor {
  readonly name: string;
  extract(resources: readonly RenderedResource[]): Artifact[];
}

/** True for resources that are Kubernetes objects (not Helm releases, charts or providers). */
export function isKubernetesObject(r: RenderedResource): boolean {
  return (
    r.custom &&
    r.type.startsWith("kubernetes:") &&
    !r.type.startsWith("kubernetes:helm.sh/") &&
    !r.type.startsWith("kubernetes:yaml/") &&
    !r.type.startsWith("kubernetes:kustomize/") &&
    typeof r.inputs.kind === "string"
  );
}

/** The Kubernetes object a resource describes, with the fields in the usual order. */
export function kubernetesObject(r: RenderedResource): Record<string, unknown> {
  const { apiVersion, kind, metadata, ...rest } = r.inputs as Record<string, unknown>;
  return { apiVersion, kind, metadata, ...rest };
}

function manifestPath(obj: Record<string, unknown>): string {
  const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string };
  const ns = meta.namespace ?? "_cluster";
  return `manifests/${ns}/${String(obj.kind).toLowerCase()}-${meta.name ?? "unnamed"}.yaml`;
}

/** Every Kubernetes object as one YAML file under manifests/<namespace>/. */
export const manifestsExtractor: ArtifactExtractor = {
  name: "manifests",
  extract(resources) {
    return resources.filter(isKubernetesObject).map((r) => {
      const obj = kubernetesObject(r);
      // kubectl and schema validators read YAML 1.1: "off" must stay a string there too.
      return { path: manifestPath(obj), content: stringifyYaml11Safe(obj) };
    });
  },
};

/**
 * Extractors run by `platform render`, in order. Capabilities that produce files for real
 * tools (rule files for promtool, alertmanager.yaml for amtool, dashboards) add theirs here.
 */
export const ARTIFACT_EXTRACTORS: ArtifactExtractor[] = [manifestsExtractor, dashboardsExtractor, blackboxExtractor, ruleFilesExtractor, alertmanagerExtractor];
