import type { RenderedResource } from "./rendered-resource";

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
