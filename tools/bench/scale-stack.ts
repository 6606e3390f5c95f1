// Stacks of N services generated from the production stack, for the bench section "scale"
// (and anyone measuring growth): the production stack file with its services repeated,
// renamed and given their own hosts, everything else as committed.
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { ENVIRONMENT_DEFAULTS } from "../../stacks/schema/defaults";

const SERVICES_KEY = "app-platform:services";
const NAMESPACES_KEY = "app-platform:namespaces";

/** A quantity ("64", "128Gi", 300) times a whole factor, in the same unit. */
function scaleQuantity<T extends string | number>(q: T, factor: number): T {
  return (typeof q === "number" ? q * factor : q.replace(/^\d+(\.\d+)?/, (n) => String(Number(n) * factor))) as T;
}

/**
 * The text of a stack file like `yamlText` with exactly `count` services: the file's own
 * services cycled in order, the k-th copy (k >= 1) named `<name>-<k>` with hosts
 * `<name>-<k>.<domain>`, so that names and hosts stay unique; the apps namespace's quota
 * (the file's, else the environment's default) grows by the same factor as the services, so
 * the stack stays valid. Everything else is unchanged.
 */
export function scaledStackYaml(yamlText: string, count: number): string {
  if (!Number.isInteger(count) || count < 1) throw new Error(`service count (${count}) must be a whole number >= 1`);
  const doc = YAML.parseDocument(yamlText);
  const services = (doc.toJS() as { config?: Record<string, unknown> }).config?.[SERVICES_KEY];
  if (!Array.isArray(services) || services.length === 0) throw new Error(`the stack file has no ${SERVICES_KEY} to repeat`);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const base = services[i % services.length] as { name: string; ingress?: Record<string, unknown> };
    const copy = Math.floor(i / services.length);
    if (copy === 0) {
      out.push(base);
      continue;
    }
    const name = `${base.name}-${copy}`;
    const rename = (host: unknown) => (typeof host === "string" ? host.replace(/^[^.]+/, (first) => first.replace(base.name, name)) : host);
    const ingress = base.ingress && { ...base.ingress, host: rename(base.ingress.host), previewHost: rename(base.ingress.previewHost) };
    out.push({ ...base, name, ...(ingress ? { ingress: Object.fromEntries(Object.entries(ingress).filter(([, v]) => v !== undefined)) } : {}) });
  }
  doc.setIn(["config", SERVICES_KEY], doc.createNode(out, { aliasDuplicateObjects: false }));
  const factor = Math.ceil(count / services.length);
  if (factor > 1) {
    const config = (doc.toJS() as { config: Record<string, unknown> }).config;
    const env = String(config["app-platform:environment"]) as keyof typeof ENVIRONMENT_DEFAULTS;
    const namespaces = (config[NAMESPACES_KEY] ?? {}) as { quota?: { cpu: string; memory: string; pods: number } };
    const quota = namespaces.quota ?? ENVIRONMENT_DEFAULTS[env]?.quota;
    if (!quota) throw new Error(`no quota to scale for environment "${env}"`);
    const scaled = { cpu: scaleQuantity(quota.cpu, factor), memory: scaleQuantity(quota.memory, factor), pods: scaleQuantity(quota.pods, factor) };
    doc.setIn(["config", NAMESPACES_KEY], doc.createNode({ ...namespaces, quota: scaled }));
  }
  return doc.toString({ lineWidth: 0 });
}

/**
 * Writes Pulumi.yaml and `Pulumi.<stack>.yaml` with `count` services into `dir` (a root for
 * `platform render|check --root`), from the stack file in `repoRoot`.
 */
export function writeScaledStack(repoRoot: string, stack: string, count: number, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const text = fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8");
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), scaledStackYaml(text, count));
}
