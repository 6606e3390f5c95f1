import * as fs from "node:fs";
import * as path from "node:path";
import YAML, { isMap, isScalar, isSeq } from "yaml";
import { PLACEHOLDER_DIGEST, isDigestPinned } from "../../lib/images";
import type { Environment } from "../../lib/environment";
import { DEFAULT_CHART_VERSION, resolveImages } from "../../stacks/resolve";
import { ENVIRONMENT_DEFAULTS } from "../../stacks/schema/defaults";
import { thirdPartyImages } from "../../stacks/validate/third-party-images";
import { REPO_ROOT } from "../render/paths";
import { listStacks } from "../render/stack-files";
import { CommandError, parseArgs } from "./shared";

/** An image reference split the way a registry addresses it (Docker's normalisation). */
export interface ImageRef {
  /** Registry host[:port] as addressed over HTTP (Docker Hub is registry-1.docker.io). */
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Splits `registry/repo:tag@sha256:...`; no registry part means Docker Hub. */
export function parseImageRef(ref: string): ImageRef {
  const [name, digest] = ref.split("@");
  const slash = name.indexOf("/");
  const first = slash === -1 ? "" : name.slice(0, slash);
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  let registry = hasRegistry ? first : "docker.io";
  let rest = hasRegistry ? name.slice(slash + 1) : name;
  const colon = rest.lastIndexOf(":");
  const tag = colon === -1 ? undefined : rest.slice(colon + 1);
  if (colon !== -1) rest = rest.slice(0, colon);
  if (registry === "docker.io") {
    registry = "registry-1.docker.io";
    if (!rest.includes("/")) rest = `library/${rest}`;
  }
  return { registry, repository: rest, tag, digest };
}

/** Manifest media types asked for: an index first, so that a multi-arch image pins all platforms. */
const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** Loopback registries speak plain HTTP (as Docker allows for them); every other one HTTPS. */
function baseUrl(registry: string): string {
  const host = registry.replace(/:\d+$/, "");
  return `${host === "localhost" || host === "127.0.0.1" ? "http" : "https"}://${registry}`;
}

/** Parses `Bearer realm="...",service="...",scope="..."` (the registry token auth challenge). */
export function bearerChallenge(header: string): Record<string, string> | undefined {
  if (!/^Bearer\s/i.test(header)) return undefined;
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)="([^"]*)"/g)) out[m[1]] = m[2];
  return out.realm ? out : undefined;
}

/**
 * The digest a registry serves for `ref`'s tag: `HEAD /v2/<repo>/manifests/<tag>` and its
 * Docker-Content-Digest header (the distribution spec's API), with the anonymous bearer-token
 * flow when the registry answers 401.
 */
export async function resolveDigest(ref: string, timeoutMs = 15_000): Promise<string> {
  const r = parseImageRef(ref);
  if (r.digest) return r.digest;
  const url = `${baseUrl(r.registry)}/v2/${r.repository}/manifests/${r.tag ?? "latest"}`;
  const head = (auth?: string) => fetch(url, { method: "HEAD", headers: { Accept: ACCEPT, ...(auth ? { Authorization: auth } : {}) }, signal: AbortSignal.timeout(timeoutMs) });
  let res = await head();
  if (res.status === 401) {
    const challenge = bearerChallenge(res.headers.get("www-authenticate") ?? "");
    if (!challenge) throw new Error(`${r.registry} asks for credentials this command does not have (HTTP 401)`);
    const q = new URLSearchParams({ ...(challenge.service ? { service: challenge.service } : {}), scope: challenge.scope ?? `repository:${r.repository}:pull` });
    const tokenRes = await fetch(`${challenge.realm}?${q}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!tokenRes.ok) throw new Error(`the token service ${challenge.realm} refused an anonymous pull token (HTTP ${tokenRes.status})`);
    const body = (await tokenRes.json()) as { token?: string; access_token?: string };
    res = await head(`Bearer ${body.token ?? body.access_token}`);
  }
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  const digest = res.headers.get("docker-content-digest") ?? "";
  if (!DIGEST.test(digest)) throw new Error(`${url} gave no sha256 Docker-Content-Digest (got "${digest}")`);
  return digest;
}

/** Where an image reference sits in the stack file; `node` is unset for an entry pin-images adds. */
interface ImageSite {
  readonly path: string;
  readonly ref: string;
  readonly node?: YAML.Scalar;
}

/** A reference without its digest part (`repo:tag@sha256:...` -> `repo:tag`). */
function tagged(ref: string): string {
  return ref.split("@")[0];
}

const IMAGES_KEY = "app-platform:images";

/**
 * Every image reference a stack file sets: each service's colours and migration image,
 * backup.image, and the third-party images under `images`.
 */
function imageSites(doc: YAML.Document): ImageSite[] {
  const out: ImageSite[] = [];
  const add = (path: string, node: unknown) => {
    if (isScalar(node) && typeof node.value === "string") out.push({ path, ref: node.value, node });
  };
  const services = doc.getIn(["config", "app-platform:services"], true);
  if (isSeq(services)) {
    services.items.forEach((svc, i) => {
      if (!isMap(svc)) return;
      const image = svc.get("image", true);
      if (isMap(image)) for (const color of ["blue", "green"]) add(`services[${i}].image.${color}`, image.get(color, true));
      const migration = svc.get("migration", true);
      if (isMap(migration)) add(`services[${i}].migration.image`, migration.get("image", true));
    });
  }
  const backup = doc.getIn(["config", "app-platform:backup"], true);
  if (isMap(backup)) add("backup.image", backup.get("image", true));
  const images = doc.getIn(["config", IMAGES_KEY], true);
  if (isMap(images)) for (const pair of images.items) add(`images.${String(isScalar(pair.key) ? pair.key.value : pair.key)}`, pair.value);
  return out;
}

/**
 * The third-party images a stack that runs pinned images (production) deploys by tag and its
 * file does not set: the chart version's images without a known digest, and the exporters'. Each
 * becomes an `images.<key>` entry once resolved.
 */
function unsetThirdPartyImages(doc: YAML.Document): ImageSite[] {
  const env = doc.getIn(["config", "app-platform:environment"]);
  if (typeof env !== "string" || !(env in ENVIRONMENT_DEFAULTS) || !ENVIRONMENT_DEFAULTS[env as Environment].requirePinnedImages) return [];
  const version = doc.getIn(["config", "app-platform:monitoring", "chartVersion"]);
  const defaults = thirdPartyImages(resolveImages({}, typeof version === "string" ? version : DEFAULT_CHART_VERSION));
  const set = doc.getIn(["config", IMAGES_KEY], true);
  return defaults.filter(([key, ref]) => !isDigestPinned(ref) && !(isMap(set) && set.has(key))).map(([key, ref]) => ({ path: `images.${key}`, ref }));
}

/**
 * One warning per image of a stack file that carries {@link PLACEHOLDER_DIGEST}: nodes
 * cannot pull it, so the stack renders but its pods would not start. Empty when there is none
 * (or no stack file: the render reports that).
 */
export function placeholderWarnings(stack: string, rootDir = REPO_ROOT): string[] {
  const file = path.join(rootDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return [];
  return imageSites(YAML.parseDocument(fs.readFileSync(file, "utf8")))
    .filter((s) => parseImageRef(s.ref).digest === PLACEHOLDER_DIGEST)
    .map(
      (s) =>
        `app-platform:${s.path} ("${tagged(s.ref)}@sha256:000...") carries the placeholder digest, which no image has: its pods would not start; run \`platform pin-images ${stack}\` where the registry is reachable before \`pulumi up\``,
    );
}

/**
 * Resolves every image a stack file sets (services' colours and migration images, backup.image,
 * `images.*`) that has no digest, or the placeholder digest ({@link PLACEHOLDER_DIGEST}), to
 * `<ref>@sha256:<digest>`, and, in an environment that runs pinned images, adds an `images.<key>`
 * entry for each third-party image the stack would otherwise run by tag; then writes the stack
 * file, comments kept. All or nothing: when one image cannot be resolved (no network, unknown tag, private
 * registry), nothing is written.
 */
export async function pinImages(stack: string, rootDir = REPO_ROOT, resolve = resolveDigest): Promise<{ file: string; pinned: { path: string; from: string; to: string }[] }> {
  const file = path.join(rootDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new CommandError(`no stack file Pulumi.${stack}.yaml in ${rootDir}; known stacks: ${listStacks(rootDir).join(", ") || "none"}`);
  const text = fs.readFileSync(file, "utf8");
  const doc = YAML.parseDocument(text);
  const sites = [
    ...imageSites(doc).filter((s) => {
      const digest = parseImageRef(s.ref).digest;
      return digest === undefined || digest === PLACEHOLDER_DIGEST;
    }),
    ...unsetThirdPartyImages(doc),
  ];
  const results = await Promise.all(
    sites.map(async (s) => {
      try {
        return { site: s, digest: await resolve(tagged(s.ref)) };
      } catch (e) {
        const err = e as Error & { cause?: { code?: string; message?: string } };
        const registry = parseImageRef(s.ref).registry;
        const code = err.cause?.code;
        const why =
          code === "ENOTFOUND" || code === "EAI_AGAIN"
            ? `cannot reach ${registry} (${code}: its host name does not resolve from here)`
            : code
              ? `cannot reach ${registry} (${code})`
              : err.name === "TimeoutError"
                ? `no answer from ${registry} in time`
                : err.message;
        return { site: s, error: `app-platform:${s.path} ("${s.ref}") could not be resolved to a digest: ${why}` };
      }
    }),
  );
  const failed = results.filter((r) => "error" in r).map((r) => (r as { error: string }).error);
  if (failed.length > 0) {
    throw new CommandError(
      `${failed.join("\n")}\nPulumi.${stack}.yaml was not changed. pin-images asks each registry for the tag's digest: run it where the registries are reachable (and logged-out pulls allowed).`,
    );
  }
  const pinned = results.map((r) => {
    const { site, digest } = r as { site: ImageSite; digest: string };
    const to = `${tagged(site.ref)}@${digest}`;
    if (site.node) site.node.value = to;
    else doc.setIn(["config", IMAGES_KEY, site.path.slice("images.".length)], to);
    return { path: site.path, from: site.node ? site.ref : `${site.ref} (default)`, to };
  });
  if (pinned.length > 0) fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
  return { file, pinned };
}

/** `platform pin-images <stack> [--root DIR]`: pins the images the stack file sets to digests. */
export async function pinImagesCommand(argv: readonly string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const stack = positional[0];
  if (!stack) throw new CommandError("usage: platform pin-images <stack> [--root DIR]");
  const root = typeof flags.root === "string" ? path.resolve(flags.root) : REPO_ROOT;
  const r = await pinImages(stack, root);
  for (const p of r.pinned) console.log(`${p.path}: ${p.from} -> ${p.to}`);
  console.log(r.pinned.length > 0 ? `pinned ${r.pinned.length} image(s) in ${path.relative(process.cwd(), r.file) || r.file}` : `every image of ${stack} is already pinned to a digest`);
  return 0;
}
