// Rendered manifests read the same under YAML 1.1 (kubectl's sigs.k8s.io/yaml over go-yaml v2,
// Prometheus, many schema validators) as under YAML 1.2. The expectations are the YAML 1.1
// specification's own scalar types (bool: y|yes|on|off|n|no..., int: 0x.., 1_000, base 60 1:20,
// null: ~), read by the `yaml` package in its `version: "1.1"` mode.
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { ambiguousPlainScalar, fastYaml, libraryYaml11Safe, stringifyYaml11Safe } from "../../../tools/render/yaml11";
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

describe("fastYaml (the direct writer behind stringifyYaml11Safe)", () => {
  // Every expectation is the `yaml` library's own text for the same value (libraryYaml11Safe).
  it("writes what the library writes for nesting, empty collections, scalars, quoting and literal blocks", () => {
    const value = {
      a: 1,
      b: "x y",
      c: [],
      d: {},
      e: [{ f: 1, g: [1, 2] }, [3, [4, { z: 1, yy: [] }]], {}, [], [[1]], null, false],
      h: {
        i: null,
        j: true,
        l: "a:b",
        nn: "-x",
        t: "a# b",
        u: "http://x:80/p?q=1&r",
        w: "x{y}",
        z: "a,b",
        "key with space": 1,
        ad: "x%",
        ae: "=",
        ah: "x>",
        aj: "x!",
        al: "?x",
        am: "x?",
        aq: "é",
        as: "a'b",
        au: ":x",
      },
      quoted: {
        empty: "",
        int: "5",
        float: "1.5",
        bool: "true",
        yaml11: "off",
        null: "~",
        colon: "x: y",
        hash: "a #b",
        trailing: "x ",
        lead: " x",
        star: "*x",
        dash: "-",
        octal: "0o17",
        "10": "ten",
        "<<": "merge",
      },
      deep: [{ a: { b: { c: [{ d: 1, e: [] }] } } }],
      blocks: {
        strip: "sum by (x) (\n  rate(y[5m])\n)",
        clip: "#!/bin/sh\nset -eu\n\necho 'a: b' # c\n",
        inSeq: ["line 1\nline 2", { k: "a\n  b\nc\n" }, ["x\ny"]],
        blankLines: "a\n\n\nb",
        spaceBeforeBreak: "trailing \nx",
        colonsAndQuotes: 'key: "v"\n- item\n\'q\'',
      },
      big: 123456789012,
      neg: -5,
      long: "x".repeat(3000),
    };
    const text = fastYaml(value);
    expect(text).toBe(libraryYaml11Safe(value));
    expect(YAML.parse(text!, { version: "1.1" })).toEqual(value);
  });

  it("leaves to the library what needs a choice: escapes, indentation indicators, keep chomping, other numbers, shared objects, undefined", () => {
    const shared = { a: [1] };
    for (const v of [
      { a: '"hi" she said' },
      { a: "*back\\slash" },
      { a: " lead\nx" },
      { a: "\nx" },
      { a: "keep\n\n" },
      { a: "x\ny " },
      { a: "x\n  " },
      { a: "tab\tx\ny" },
      { "multi\nline key": 1 },
      { a: "tab\tx" },
      { a: 1.5 },
      { a: -0 },
      { a: 2 ** 60 },
      { a: undefined },
      { x: shared, y2: shared },
      { ["k".repeat(1025)]: 1 },
      { a: "---x" },
      { a: new Date(0) },
      {},
    ]) {
      expect(fastYaml(v), JSON.stringify(v)).toBeUndefined();
      expect(stringifyYaml11Safe(v)).toBe(libraryYaml11Safe(v));
    }
  });
});

describe.each(["dev", "staging", "production"])("%s manifests", (stack) => {
  it("are written exactly as the yaml library writes them, most of them without it", async () => {
    const r = await renderInChild({ stack });
    if (!r.ok) throw new Error(r.stderr);
    const objects = r.result.resources
      .filter(
        (x) => !x.chartChild && x.custom && x.type.startsWith("kubernetes:") && typeof x.inputs.kind === "string" && !x.type.startsWith("kubernetes:helm.sh/"),
      )
      .map(kubernetesObject);
    let direct = 0;
    for (const o of objects) {
      const fast = fastYaml(o);
      if (fast !== undefined) direct++;
      expect(stringifyYaml11Safe(o), JSON.stringify(o).slice(0, 200)).toBe(libraryYaml11Safe(o));
    }
    // The direct path must carry the bulk, or the comparison above tests little of it.
    expect(direct).toBeGreaterThan(objects.length * 0.6);
  }, 120_000);

  it("a YAML 1.1 reader reads every manifest file as exactly the object that was registered", async () => {
    const r = await renderInChild({ stack });
    if (!r.ok) throw new Error(r.stderr);
    const files = new Map(manifestsExtractor.extract(r.result.resources).map((f) => [f.path, f.content]));
    const objects = r.result.resources.filter(
      (x) => x.custom && x.type.startsWith("kubernetes:") && typeof x.inputs.kind === "string" && !x.type.startsWith("kubernetes:helm.sh/"),
    );
    expect(files.size).toBeGreaterThan(10);
    for (const content of files.values()) {
      const read11 = YAML.parse(content, { version: "1.1" });
      const same = objects
        .map(kubernetesObject)
        .find((o: any) => o.kind === read11.kind && o.metadata?.name === read11.metadata?.name && o.metadata?.namespace === read11.metadata?.namespace);
      expect(read11, content.slice(0, 200)).toEqual(JSON.parse(JSON.stringify(same)));
    }
  }, 120_000);
});
