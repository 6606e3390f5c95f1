// Validates custom resources against the CustomResourceDefinitions that ship in the same render
// (the chart's crds/), as the API server would: the version's openAPIV3Schema, with unknown
// fields refused where the schema does not preserve them (server-side apply with strict field
// validation reports them; without it they would be silently pruned, which hides typos).
import Ajv, { type ValidateFunction } from "ajv";
import { isKubernetesObject, kubernetesObject } from "../render/artifacts";
import type { RenderedResource } from "../render/mock-runtime";

type Schema = Record<string, unknown>;

/**
 * A copy of a structural schema with `additionalProperties: false` on every object that lists
 * its properties and does not set `x-kubernetes-preserve-unknown-fields`.
 */
export function strictSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "properties" && v && typeof v === "object") {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([p, s]) => [p, strictSchema(s)]));
    } else if ((k === "items" || k === "additionalProperties") && v && typeof v === "object" && !Array.isArray(v)) {
      out[k] = strictSchema(v as Schema);
    } else if ((k === "allOf" || k === "anyOf" || k === "oneOf") && Array.isArray(v)) {
      out[k] = v.map((s) => strictSchema(s as Schema));
    } else if (k === "pattern" && typeof v === "string" && !jsRegExp(v)) {
      // Go's RE2 syntax (the API server's) has forms JavaScript lacks, e.g. `(?i)`: such a
      // pattern is left to the API server rather than mis-checked here.
      continue;
    } else {
      out[k] = v;
    }
  }
  if (out.properties && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) {
    // Every object carries apiVersion/kind/metadata at the top; CRD schemas often omit them.
    out.additionalProperties = false;
  }
  return out;
}

function jsRegExp(p: string): boolean {
  try {
    new RegExp(p, "u");
    return true;
  } catch {
    return false;
  }
}

/** The top-level fields every object may carry whatever the CRD schema lists. */
const OBJECT_FIELDS = { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" } };

/** Schemas of the CRDs in a render, by `group/version/Kind`. */
export function crdSchemas(resources: readonly RenderedResource[]): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const r of resources.filter(isKubernetesObject)) {
    const o = kubernetesObject(r) as { kind?: string; spec?: { group?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: Schema } }[] } };
    if (o.kind !== "CustomResourceDefinition") continue;
    for (const v of o.spec?.versions ?? []) {
      const s = v.schema?.openAPIV3Schema;
      if (!s || v.served === false) continue;
      const top = strictSchema(s);
      top.properties = { ...OBJECT_FIELDS, ...((top.properties as Schema) ?? {}) };
      out.set(`${o.spec?.group}/${v.name}/${o.spec?.names?.kind}`, top);
    }
  }
  return out;
}

/** Validators compiled from a render's CRDs; {@link validate} answers undefined for kinds it has no CRD for. */
export class CrdValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  constructor(private readonly schemas: Map<string, Schema>) {}

  /** Kinds (`group/version/Kind`) with a CRD in the render. */
  get kinds(): string[] {
    return [...this.schemas.keys()];
  }

  /** Schema errors of one object as readable lines, or undefined when no CRD of the render defines its kind. */
  validate(obj: Record<string, unknown>): string[] | undefined {
    const key = `${obj.apiVersion}/${obj.kind}`;
    const schema = this.schemas.get(key);
    if (!schema) return undefined;
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(schema);
      this.compiled.set(key, fn);
    }
    if (fn(obj)) return [];
    return (fn.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${e.keyword === "additionalProperties" ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)}) — unknown field, the API server would drop it` : ""}`.trim());
  }
}
