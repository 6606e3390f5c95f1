// platform pin-images against a registry that speaks the OCI distribution spec's API
// (HEAD /v2/<name>/manifests/<reference> answering Docker-Content-Digest, the digest being the
// SHA-256 of the manifest bytes; anonymous pulls through the Bearer token challenge of the
// registry token authentication spec), and as a user types it here, where no registry answers.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, tempDir } from "../../../tools/harness/processes";
import { parseImageRef, pinImages, placeholderWarnings, resolveDigest } from "../../../tools/commands/pin-images";
import { platform, ROOT } from "./cli-support";

const MANIFEST = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [] });
const DIGEST = `sha256:${createHash("sha256").update(MANIFEST).digest("hex")}`;
/** Tags the registry holds besides org/web:1.4.2: those of the third-party images production runs by tag. */
const THIRD_PARTY_TAGS = ["v0.86.2", "1.30.10", "v1.74.0"];
/** The index the registry serves for repo:tag (org/web:1.4.2 is MANIFEST); each differs, so each has its own digest. */
const manifestFor = (repo: string, tag: string): string =>
  repo === "org/web" && tag === "1.4.2" ? MANIFEST : JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [], annotations: { "org.opencontainers.image.ref.name": `${repo}:${tag}` } });
/** The registry's Docker-Content-Digest: SHA-256 of the manifest bytes (OCI distribution spec). */
const digestOf = (repo: string, tag: string): string => `sha256:${createHash("sha256").update(manifestFor(repo, tag)).digest("hex")}`;
/** A production stack file's `images`, every third-party image pinned, so that pin-images adds none. */
const PINNED_THIRD_PARTY = [
  "  app-platform:images:",
  ...["prometheusOperator", "prometheusConfigReloader", "grafanaSidecar", "redisExporter"].map((k) => `    ${k}: 127.0.0.1:1/mirror/${k}:1.0.0@sha256:${"c".repeat(64)}`),
];
let server: http.Server;
let registry: string;
const seen: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  registry = `127.0.0.1:${port}`;
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? "-"}`);
    if (req.url?.startsWith("/token?")) {
      const q = new URL(req.url, "http://x").searchParams;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: `t:${q.get("scope")}` }));
      return;
    }
    const m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(req.url ?? "");
    if (!m) return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer t:repository:${m[1]}:pull`) {
      res.writeHead(401, { "www-authenticate": `Bearer realm="http://${registry}/token",service="test-registry",scope="repository:${m[1]}:pull"` }).end();
      return;
    }
    if (m[2] !== "1.4.2" && !THIRD_PARTY_TAGS.includes(m[2])) return void res.writeHead(404).end();
    const body = manifestFor(m[1], m[2]);
    res.writeHead(200, { "docker-content-digest": digestOf(m[1], m[2]), "content-type": "application/vnd.oci.image.index.v1+json", "content-length": String(Buffer.byteLength(body)) }).end();
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function stackFolder(blue: string, green: string): string {
  const dir = tempDir("pin-images");
  const text = [
    "# production: a comment that must survive",
    "config:",
    "  app-platform:environment: production",
    "  app-platform:services:",
    "    - name: web",
    "      image:",
    `        blue: ${blue} # the running release`,
    `        green: ${green}`,
    ...PINNED_THIRD_PARTY,
    "",
  ].join("\n");
  fs.writeFileSync(path.join(dir, "Pulumi.production.yaml"), text);
  return dir;
}

describe("parseImageRef (Docker's reference normalisation)", () => {
  it("registry, repository, tag; Docker Hub and its library/ namespace", () => {
    expect(parseImageRef("ghcr.io/stefanprodan/podinfo:6.7.1")).toEqual({ registry: "ghcr.io", repository: "stefanprodan/podinfo", tag: "6.7.1", digest: undefined });
    expect(parseImageRef("redis:7.2")).toEqual({ registry: "registry-1.docker.io", repository: "library/redis", tag: "7.2", digest: undefined });
    expect(parseImageRef("localhost:5001/api:2.0.0@sha256:" + "a".repeat(64))).toMatchObject({ registry: "localhost:5001", repository: "api", tag: "2.0.0" });
  });
});

describe("pinImages against a registry", () => {
  it("writes tag@digest for every unpinned image, keeps comments and already-pinned ones, through the token flow", async () => {
    const pinnedAlready = `${"127.0.0.1:1"}/org/web:1.4.1@sha256:${"b".repeat(64)}`;
    const dir = stackFolder(`${registry}/org/web:1.4.2`, pinnedAlready);
    const r = await pinImages("production", dir);
    expect(r.pinned).toEqual([{ path: "services[0].image.blue", from: `${registry}/org/web:1.4.2`, to: `${registry}/org/web:1.4.2@${DIGEST}` }]);
    const text = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
    expect(text).toContain("# production: a comment that must survive");
    expect(text).toContain("# the running release");
    const doc = YAML.parse(text);
    expect(doc.config["app-platform:services"][0].image).toEqual({ blue: `${registry}/org/web:1.4.2@${DIGEST}`, green: pinnedAlready });
    // Anonymous challenge first, then the manifest with the token the realm issued.
    expect(seen.filter((s) => s.startsWith("HEAD"))).toEqual([`HEAD /v2/org/web/manifests/1.4.2 -`, `HEAD /v2/org/web/manifests/1.4.2 Bearer t:repository:org/web:pull`]);
  });

  it("replaces the placeholder digest (all zeros) with the tag's digest", async () => {
    const dir = stackFolder(`${registry}/org/web:1.4.2@sha256:${"0".repeat(64)}`, `${registry}/org/web:1.4.2`);
    const r = await pinImages("production", dir);
    expect(r.pinned.map((p) => [p.path, p.to])).toEqual([
      ["services[0].image.blue", `${registry}/org/web:1.4.2@${DIGEST}`],
      ["services[0].image.green", `${registry}/org/web:1.4.2@${DIGEST}`],
    ]);
    expect(YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8")).config["app-platform:services"][0].image).toEqual({
      blue: `${registry}/org/web:1.4.2@${DIGEST}`,
      green: `${registry}/org/web:1.4.2@${DIGEST}`,
    });
  });

  it("pins a service's migration image and backup.image too, and leaves keys it does not know alone", async () => {
    const dir = tempDir("pin-images-all");
    const text = [
      "config:",
      "  app-platform:environment: production",
      "  app-platform:services:",
      "    - name: web",
      "      image:",
      `        blue: ${registry}/org/web:1.4.2@${DIGEST}`,
      `        green: ${registry}/org/web:1.4.2@${DIGEST}`,
      "      migration:",
      "        name: schema",
      `        image: ${registry}/org/web:1.4.2 # runs before traffic moves`,
      "  app-platform:backup:",
      `    image: ${registry}/org/web:1.4.2`,
      "  app-platform:monitoring:",
      `    note: ${registry}/org/web:1.4.2`,
      ...PINNED_THIRD_PARTY,
      "",
    ].join("\n");
    fs.writeFileSync(path.join(dir, "Pulumi.production.yaml"), text);
    const r = await pinImages("production", dir);
    expect(r.pinned.map((p) => p.path)).toEqual(["services[0].migration.image", "backup.image"]);
    const after = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
    expect(after).toContain("# runs before traffic moves");
    const doc = YAML.parse(after).config;
    expect(doc["app-platform:services"][0].migration.image).toBe(`${registry}/org/web:1.4.2@${DIGEST}`);
    expect(doc["app-platform:backup"].image).toBe(`${registry}/org/web:1.4.2@${DIGEST}`);
    expect(doc["app-platform:monitoring"].note).toBe(`${registry}/org/web:1.4.2`);
  });

  it("adds an `images` entry, with the digest its registry serves, for each third-party image a production stack would run by tag", async () => {
    const dir = tempDir("pin-images-third-party");
    const file = path.join(dir, "Pulumi.production.yaml");
    fs.writeFileSync(file, ["config:", "  app-platform:environment: production", "  app-platform:images:", "    # the operator, mirrored", `    prometheusOperator: 127.0.0.1:1/mirror/prometheus-operator:v0.86.2@sha256:${"c".repeat(64)}`, ""].join("\n"));
    // The public registries, answered here by the loopback one (same API, same repositories).
    const viaLoopback = (ref: string) => resolveDigest(ref.replace(/^(quay\.io|docker\.io|registry\.k8s\.io)\//, `${registry}/`));
    const r = await pinImages("production", dir, viaLoopback);
    // The chart 79.7.1's config reloader and Grafana sidecar and the redis exporter: the images no
    // digest is known for (README, "Images by digest"); the operator is set already.
    expect(r.pinned).toEqual([
      { path: "images.prometheusConfigReloader", from: "quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2 (default)", to: `quay.io/prometheus-operator/prometheus-config-reloader:v0.86.2@${digestOf("prometheus-operator/prometheus-config-reloader", "v0.86.2")}` },
      { path: "images.grafanaSidecar", from: "quay.io/kiwigrid/k8s-sidecar:1.30.10 (default)", to: `quay.io/kiwigrid/k8s-sidecar:1.30.10@${digestOf("kiwigrid/k8s-sidecar", "1.30.10")}` },
      { path: "images.redisExporter", from: "quay.io/oliver006/redis_exporter:v1.74.0 (default)", to: `quay.io/oliver006/redis_exporter:v1.74.0@${digestOf("oliver006/redis_exporter", "v1.74.0")}` },
    ]);
    const after = fs.readFileSync(file, "utf8");
    expect(after).toContain("# the operator, mirrored");
    expect(Object.keys(YAML.parse(after).config["app-platform:images"])).toEqual(["prometheusOperator", "prometheusConfigReloader", "grafanaSidecar", "redisExporter"]);
    // What it wrote is what production's loader asks for: the stack now loads (no images problem).
    const again = await pinImages("production", dir, viaLoopback);
    expect(again.pinned).toEqual([]);
  });

  it("adds nothing to a staging stack, which may run third-party images by tag", async () => {
    const dir = tempDir("pin-images-staging");
    fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), ["config:", "  app-platform:environment: staging", ""].join("\n"));
    const r = await pinImages("staging", dir, () => Promise.reject(new Error("no registry should be asked")));
    expect(r.pinned).toEqual([]);
  });

  it("changes nothing when one tag is unknown, and names it", async () => {
    const dir = stackFolder(`${registry}/org/web:1.4.2`, `${registry}/org/web:9.9.9`);
    const before = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
    await expect(pinImages("production", dir)).rejects.toThrow(
      `app-platform:services[0].image.green ("${registry}/org/web:9.9.9") could not be resolved to a digest: http://${registry}/v2/org/web/manifests/9.9.9 answered HTTP 404\\nPulumi.production.yaml was not changed.`.replace("\\n", "\n"),
    );
    expect(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8")).toBe(before);
  });
});

describe("npx platform pin-images production, here (no registry reachable)", () => {
  it("fails with each image and the reason, exit 2, and leaves the stack file as it was", async () => {
    const file = path.join(ROOT, "Pulumi.production.yaml");
    const before = fs.readFileSync(file, "utf8");
    const run = await platform(["pin-images", "production"]);
    expect(run.code).toBe(2);
    // podinfo is pinned already; orders-api carries the placeholder digest, which is replaced.
    expect(run.stderr).not.toContain("podinfo");
    expect(run.stderr).toMatch(/^app-platform:services\[1\]\.image\.blue \("registry\.example\.com\/orders-api:2\.13\.0@sha256:0{64}"\) could not be resolved to a digest: cannot reach registry\.example\.com \(/m);
    expect(run.stderr).toMatch(/^app-platform:services\[1\]\.image\.green \("registry\.example\.com\/orders-api:2\.14\.0@sha256:0{64}"\) could not be resolved/m);
    expect(run.stderr).toContain("Pulumi.production.yaml was not changed.");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  }, 60_000);
});

describe("the placeholder digest", () => {
  it("is named by render, per image, with the command that replaces it", async () => {
    const out = tempDir("render-placeholder");
    const run = await platform(["render", "production", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    const fix = "carries the placeholder digest, which no image has: its pods would not start; run `platform pin-images production` where the registry is reachable before `pulumi up`";
    expect(run.stdout.split("\n").filter((l) => l.startsWith("WARNING: app-platform:services"))).toEqual([
      `WARNING: app-platform:services[1].image.blue ("registry.example.com/orders-api:2.13.0@sha256:000...") ${fix}`,
      `WARNING: app-platform:services[1].image.green ("registry.example.com/orders-api:2.14.0@sha256:000...") ${fix}`,
    ]);
    fs.rmSync(out, { recursive: true, force: true });
  }, 120_000);

  it("is not reported once pinned, nor for a real digest", () => {
    expect(placeholderWarnings("production", stackFolder(`${registry}/org/web:1.4.2@${DIGEST}`, `${registry}/org/web:1.4.2@sha256:${"b".repeat(64)}`))).toEqual([]);
    expect(placeholderWarnings("production", stackFolder(`${registry}/org/web:1.4.2@sha256:${"0".repeat(64)}`, `${registry}/org/web:1.4.2`))).toHaveLength(1);
  });
});
