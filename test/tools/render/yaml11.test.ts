// Rendered manifests read the same under YAML 1.1 (kubectl's sigs.k8s.io/yaml over go-yaml v2,
// Prometheus, many schema validators) as under YAML 1.2. The expectations are the YAML 1.1
// specification's own scalar types (bool: y|yes|on|off|n|no..., int: 0x.., 1_000, base 60 1:20,
// null: ~), read by the `yaml` package in its `version: "1.1"` mode.
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { ambiguousPlainScalar, stringifyYaml11Safe } from "../../../tools/render/yaml11";
import { kubernetesObject, manifestsExtractor } from "../../../tools/render/artifacts";
import { renderInChild } from "../../../tools/render/subprocess";

// Each of these is a string in the object, and something else as a plain YAML 1.1 (or 1.2) scalar.
const TRAPS = ["off", "on", "yes", "no", "y", "n", "Y", "N", "On", "OFF", "True", "false", "~", "null", "0x1F", "1_000", "1:20", "1:20:30.5", "017", "0o17", "0b101", "1e3", "+12", "-.5", ".inf", ".NaN", "2001-12-14"];

describe("stringifyYaml11Safe", () => {
  it("the traps really are read as non-strings by a YAML 1.1 or 1.2 reader when written plain", () => {
    for (const t of TRAPS) {
      const v11 = YAML.parse(`k: ${t}\n`, { version: "1.1" }).k;
      const v12 = YAML.parse(`k: ${t}\n`, { version: "1.2" }).k;
      expect(v11 !== t || v12 !== t, t).toBe(true);
      expect(ambiguousPlainScalar(t), t).toBe(true);
    }
  });

  it("writes every trap so that both versions read the string back, as values and as keys", () => {
    // "<<" is a YAML 1.1 merge key when written plain as a key.
    const obj = { env: TRAPS.map((t) => ({ name: "X", value: t })), labels: Object.fromEntries([...TRAPS, "<<"].map((t) => [t, t])) };
    const text = stringifyYaml11Safe(obj);
    expect(YAML.parse(text, { version: "1.1" })).toEqual(obj);
    expect(YAML.parse(text, { version: "1.2" })).toEqual(obj);
    expect(text).toContain('value: "off"');
    expect(text).toContain('"on": "on"');
    expect(YAML.parse(text, { version: "1.1", merge: true })).toEqual(obj);
  });

  it("leaves real booleans, numbers and null, and ordinary strings, as they are", () => {
    const text = stringifyYaml11Safe({ a: true, b: 3, c: null, d: "app-platform dev", e: "ghcr.io/stefanprodan/podinfo:6.7.1", f: "500m" });
    expect(text).toBe("a: true\nb: 3\nc: null\nd: app-platform dev\ne: ghcr.io/stefanprodan/podinfo:6.7.1\nf: 500m\n");
  });
});

describe.each(["dev", "staging", "production"])("%s manifests", (stack) => {
  it("a YAML 1.1 reader reads every manifest file as exactly the object that was registered", async () => {
    const r = await renderInChild({ stack });
    if (!r.ok) throw new Error(r.stderr);
    const files = new Map(manifestsExtractor.extract(r.result.resources).map((f) => [f.path, f.content]));
    const objects = r.result.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:") && typeof x.inputs.kind === "string" && !x.type.startsWith("kubernetes:helm.sh/"));
    expect(files.size).toBeGreaterThan(10);
    for (const content of files.values()) {
      const read11 = YAML.parse(content, { version: "1.1" });
      const same = objects.map(kubernetesObject).find((o: any) => o.kind === read11.kind && o.metadata?.name === read11.metadata?.name && o.metadata?.namespace === read11.metadata?.namespace);
      expect(read11, content.slice(0, 200)).toEqual(JSON.parse(JSON.stringify(same)));
    }
  }, 120_000);
});
