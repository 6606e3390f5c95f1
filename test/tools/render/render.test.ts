import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../tools/harness/processes";
import { isKubernetesObject } from "../../../tools/render/artifacts";
import type { RenderResult, RenderedResource } from "../../../tools/render/mock-runtime";
import { renderInChild, stackFolder } from "../../../tools/render/subprocess";
import { renderArtifacts, writeRender } from "../../../tools/render/write";
import { REPO_ROOT } from "../../../tools/render/mock-runtime";

const STACKS = ["dev", "staging", "production"] as const;
const renders = {} as Record<(typeof STACKS)[number], RenderResult>;

beforeAll(async () => {
  const results = await Promise.all(STACKS.map((stack) => renderInChild({ stack })));
  results.forEach((r, i) => {
    if (!r.ok) throw new Error(`render of ${STACKS[i]} failed (exit ${r.exitCode}):\n${r.stderr}`);
    renders[STACKS[i]] = r.result;
  });
}, 120_000);

const STACK_TYPE = "pulumi:pulumi:Stack";

describe.each(STACKS)("render of %s", (stack) => {
  const get = () => renders[stack];

  it("records every resource with type, name, urn, parent (except the Stack), dependsOn and inputs", () => {
    const { resources } = get();
    expect(resources.length).toBeGreaterThan(5);
    const stacks = resources.filter((r) => r.type === STACK_TYPE);
    expect(stacks).toHaveLength(1);
    expect(stacks[0].parent).toBeUndefined();
    for (const r of resources) {
      expect(typeof r.type, r.urn).toBe("string");
      expect(r.name, r.urn).toMatch(/\S/);
      expect(r.urn).toBe(`urn:pulumi:${stack}::app-platform::${r.urn.split("::")[2]}::${r.name}`);
      expect(r.urn.split("::")[2].endsWith(r.type), r.urn).toBe(true);
      expect(Array.isArray(r.dependsOn), r.urn).toBe(true);
      expect(r.inputs !== null && typeof r.inputs === "object", r.urn).toBe(true);
      if (r.type !== STACK_TYPE) expect(typeof r.parent, r.urn).toBe("string");
    }
  });

  it("gives every resource a unique URN, and every parent and dependency exists", () => {
    const { resources } = get();
    const urns = resources.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
    const known = new Set(urns);
    for (const r of resources) {
      if (r.parent) expect(known.has(r.parent), `${r.urn} parent ${r.parent}`).toBe(true);
      for (const d of r.dependsOn) expect(known.has(d), `${r.urn} depends on ${d}`).toBe(true);
    }
  });

  it("parents every Kubernetes object inside a component, never directly to the Stack", () => {
    const { resources } = get();
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const stackUrn = resources.find((r) => r.type === STACK_TYPE)!.urn;
    const direct = resources.filter((r) => r.parent === stackUrn && r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(direct.map((r) => r.urn)).toEqual([]);
    for (const r of resources.filter(isKubernetesObject)) {
      expect(byUrn.get(r.parent!)?.type, r.urn).not.toBe(STACK_TYPE);
    }
  });

  it("names children after their component: `${name}-<role>`", () => {
    const { resources } = get();
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const component = (r: RenderedResource): RenderedResource | undefined => {
      let p = r.parent ? byUrn.get(r.parent) : undefined;
      while (p && p.custom) p = p.parent ? byUrn.get(p.parent) : undefined;
      return p && p.type !== STACK_TYPE ? p : undefined;
    };
    const offenders = resources
      .map((r) => [r, component(r)] as const)
      // A chart's objects are named by the provider (`<chart>:<namespace>/<name>`), not by us.
      .filter(([r, c]) => c !== undefined && !r.chartChild && !r.name.startsWith(`${c.name}-`))
      .map(([r, c]) => `${r.name} under ${c!.name}`);
    expect(offenders).toEqual([]);
  });

  it("gives every Kubernetes object an explicit name, unique per kind and namespace", () => {
    const objects = get().resources.filter(isKubernetesObject);
    expect(objects.length).toBeGreaterThan(0);
    const keys = objects.map((r) => {
      const meta = r.inputs.metadata as { name?: unknown; namespace?: unknown };
      expect(typeof meta?.name, `${r.urn} metadata.name`).toBe("string");
      return `${r.inputs.apiVersion}/${r.inputs.kind}/${String(meta.namespace ?? "")}/${String(meta.name)}`;
    });
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it("leaks no secret value into any rendered file", () => {
    const result = get();
    if (stack !== "dev") expect(result.secretValues.length).toBeGreaterThan(0);
    const files = renderArtifacts(result);
    expect(files.map((f) => f.path)).toContain("resources.json");
    const leaks = files.flatMap((f) => result.secretValues.filter((s) => f.content.includes(s)).map((s) => `${s} in ${f.path}`));
    expect(leaks).toEqual([]);
    // The whole result travels between processes; outputs and inputs must be redacted there too.
    const json = JSON.stringify({ resources: result.resources, outputs: result.outputs });
    for (const s of result.secretValues) expect(json).not.toContain(s);
  });

  it("writes resources.json and one manifest per Kubernetes object", () => {
    const result = get();
    const out = path.join(tempDir("render"), stack);
    const files = writeRender(result, out);
    const onDisk = JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8"));
    expect(onDisk.stack).toBe(stack);
    expect(onDisk.project).toBe("app-platform");
    expect(onDisk.resources).toEqual(result.resources);
    const manifests = files.filter((f) => f.path.startsWith("manifests/"));
    expect(manifests).toHaveLength(result.resources.filter(isKubernetesObject).length);
    for (const f of files) expect(fs.readFileSync(path.join(out, f.path), "utf8")).toBe(f.content);
  });
});

describe("secret values", () => {
  it("stand in for every secure key of the staging and production files", () => {
    for (const stack of ["staging", "production"] as const) {
      const text = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
      const secure = [...text.matchAll(/^\s+(app-platform:\w+):\n\s+secure:/gm)].map((m) => m[1]);
      expect(secure.length).toBeGreaterThan(0);
      for (const key of secure) expect(renders[stack].secretValues).toContain(`offline-secret-placeholder(${key})`);
    }
  });

  it("make writeRender refuse to write anything when one leaks", () => {
    const leaked: RenderResult = {
      ...renders.dev,
      resources: [
        ...renders.dev.resources,
        {
          type: "kubernetes:core/v1:ConfigMap",
          name: "leak",
          urn: "urn:pulumi:dev::app-platform::kubernetes:core/v1:ConfigMap::leak",
          parent: renders.dev.resources[0].urn,
          dependsOn: [],
          inputs: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "leak" }, data: { password: "mock-password-0123456789abcdef01234567" } },
          custom: true,
          options: {},
        },
      ],
      secretValues: [...renders.dev.secretValues, "mock-password-0123456789abcdef01234567"],
    };
    const out = path.join(tempDir("render"), "leak");
    expect(() => writeRender(leaked, out)).toThrow("secret leak: a secret value appears in resources.json; nothing was written");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("matches secret values as text: punctuation in a secret is not a pattern", () => {
    const withData = (value: string): RenderResult => ({
      ...renders.dev,
      resources: [
        ...renders.dev.resources,
        {
          type: "kubernetes:core/v1:ConfigMap",
          name: "maybe-leak",
          urn: "urn:pulumi:dev::app-platform::kubernetes:core/v1:ConfigMap::maybe-leak",
          parent: renders.dev.resources[0].urn,
          dependsOn: [],
          inputs: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "maybe-leak" }, data: { value } },
          custom: true,
          options: {},
        },
      ],
      secretValues: [...renders.dev.secretValues, "s3cr.t+(x)|y*"],
    });
    // As a regular expression the secret would match this text; as text it does not appear.
    expect(() => writeRender(withData("s3crXttx|y"), path.join(tempDir("render"), "near"))).not.toThrow();
    const out = path.join(tempDir("render"), "exact");
    expect(() => writeRender(withData("before s3cr.t+(x)|y* after"), out)).toThrow("secret leak: a secret value appears in resources.json; nothing was written");
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("stack files", () => {
  it("render the same way every time", async () => {
    const again = await renderInChild({ stack: "dev" });
    if (!again.ok) throw new Error(again.stderr);
    expect(again.result).toEqual(renders.dev);
  });

  it("render under another name when copied", async () => {
    const copy = stackFolder("qa", fs.readFileSync(path.join(REPO_ROOT, "Pulumi.staging.yaml"), "utf8"));
    const r = await renderInChild({ stack: "qa", rootDir: copy });
    if (!r.ok) throw new Error(r.stderr);
    expect(r.result.stack).toBe("qa");
    expect(r.result.resources.map((x) => x.type)).toEqual(renders.staging.resources.map((x) => x.type));
    for (const res of r.result.resources) expect(res.urn.startsWith("urn:pulumi:qa::app-platform::")).toBe(true);
    const strip = (x: RenderedResource) => JSON.stringify(x.inputs).replaceAll("urn:pulumi:qa::", "urn:pulumi:staging::").replaceAll("app-platform-qa", "app-platform-staging");
    expect(r.result.resources.map(strip)).toEqual(renders.staging.resources.map(strip));
  });
});
