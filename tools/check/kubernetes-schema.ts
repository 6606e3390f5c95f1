import type { CheckStage } from "./stage";
import { isKubernetesObject, kubernetesObject } from "../render/artifacts";
import { CrdValidator, crdSchemas } from "./crd-schemas";

type ModelClass = { new (data: unknown): { validate(): void } };

function groupModule(apiVersion: string): string[] {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return [`kubernetes-models/${version}`];
  if (group === "monitoring.coreos.com") return [`@kubernetes-models/prometheus-operator/${group}/${version}`];
  return [`kubernetes-models/${group}/${version}`];
}

/** prometheus-operator models by apiVersion, loaded by {@link loadCrdModels}. */
const crdModels = new Map<string, Record<string, unknown>>();

/**
 * Loads the prometheus-operator and Gateway API models. The package is ESM-only with an "import"-only exports
 * map, so `require` cannot reach it; call this (once) before validating monitoring.coreos.com
 * objects.
 */
export async function loadCrdModels(): Promise<void> {
  if (crdModels.size > 0) return;
  crdModels.set("monitoring.coreos.com/v1", await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1"));
  crdModels.set("monitoring.coreos.com/v1alpha1", await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1"));
  // HTTPRoutes of canary routers (components/app/traffic-router.ts): the Gateway API CRD schemas.
  crdModels.set("gateway.networking.k8s.io/v1", await import("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1"));
}

/**
 * Finds the kubernetes-models class for an apiVersion and kind (Kubernetes v1.33 OpenAPI
 * schemas, and the prometheus-operator CRDs), or undefined when there is none.
 */
export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const crd = crdModels.get(apiVersion);
  if (crd) return crd[kind] as ModelClass | undefined;
  for (const mod of groupModule(apiVersion)) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const m = require(`${mod}/${kind}`);
      return (m[kind] ?? m.default) as ModelClass;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/** Validates one object; returns the schema errors as readable lines (empty when valid). */
export function validateObject(obj: Record<string, unknown>): string[] {
  const Model = modelFor(String(obj.apiVersion), String(obj.kind));
  if (!Model) return [`no schema for ${obj.apiVersion} ${obj.kind}`];
  // The Kubernetes SDK marks a Secret's whole data/stringData secret, so the render holds
  // "[secret]" where a map belongs; its contents are opaque strings, so an empty map stands in.
  const checked = obj.kind === "Secret" ? { ...obj, ...(obj.data === "[secret]" ? { data: {} } : {}), ...(obj.stringData === "[secret]" ? { stringData: {} } : {}) } : obj;
  try {
    new Model(checked).validate();
    return [];
  } catch (e) {
    const err = e as { errors?: { instancePath?: string; message?: string; params?: unknown }[]; message: string };
    if (err.errors?.length) {
      return err.errors.map((x) => `${x.instancePath || "/"} ${x.message ?? ""} ${x.params ? JSON.stringify(x.params) : ""}`.trim());
    }
    return [err.message];
  }
}

/**
 * Every Kubernetes object of the render against the Kubernetes v1.33 schemas; custom resources
 * against the CRDs that ship in the render (the chart's, so ours and the chart's
 * ServiceMonitors, Probes and PrometheusRules meet the real CRDs), else the
 * prometheus-operator models.
 */
export const kubernetesSchemaStage: CheckStage = {
  name: "kubernetes schemas",
  async run(ctx) {
    await loadCrdModels();
    const objects = ctx.result.resources.filter(isKubernetesObject);
    const crds = new CrdValidator(crdSchemas(ctx.result.resources));
    const problems: string[] = [];
    for (const r of objects) {
      const obj = kubernetesObject(r);
      for (const line of crds.validate(obj) ?? validateObject(obj)) problems.push(`${r.urn}: ${line}`);
    }
    return {
      ok: problems.length === 0,
      summary: `${objects.length - new Set(problems.map((p) => p.split(": ")[0])).size}/${objects.length} objects valid`,
      problems,
    };
  },
};
