import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { SECRET_KEYS, configSchema } from "../../../stacks/config";
import { REFERENCE_PATH, configKeys, configReferenceText, defaultsText, deriveDefault, isValueKey, keyReferences } from "../../../tools/schema/reference";
import "../../../stacks/schema/meta";

const ROOT = path.resolve(__dirname, "..", "..", "..");

/**
 * Every key path of the config schema as zod's own JSON Schema converter sees it (not the
 * reference's walker): `a.b`, `list[].c`, `map.<name>.d`.
 */
function jsonSchemaPaths(): string[] {
  const out: string[] = [];
  const walk = (node: any, at: string) => {
    for (const [name, child] of Object.entries<any>(node.properties ?? {})) {
      const p = at ? `${at}.${name}` : name;
      out.push(p);
      walk(child, p);
    }
    if (node.items) walk(node.items, `${at}[]`);
    if (node.additionalProperties && typeof node.additionalProperties === "object") walk(node.additionalProperties, `${at}.<name>`);
    for (const alt of node.anyOf ?? []) walk(alt, at);
  };
  walk(z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }), "");
  return out;
}

describe("docs/config.md", () => {
  it("is what the generator produces from the zod schema now", () => {
    const committed = fs.readFileSync(path.join(ROOT, REFERENCE_PATH), "utf8");
    if (committed !== configReferenceText()) {
      throw new Error(`${REFERENCE_PATH} is out of date with stacks/schema/*.ts: run npm run schema and commit the result`);
    }
  });

  it("covers every key of the schema, as zod's JSON Schema converter finds them", () => {
    const documented = configKeys().map((k) => k.path);
    expect(new Set(documented)).toEqual(new Set(jsonSchemaPaths()));
    // More than the sections: a walker that stopped at the top would still match nothing above.
    expect(documented.length).toBeGreaterThan(200);
  });

  it("has a description on every key", () => {
    const missing = configKeys()
      .filter((k) => !k.meta.description?.trim())
      .map((k) => k.path);
    if (missing.length) throw new Error(`keys without .meta({ description }): ${missing.join(", ")} — describe what each does, its unit and what happens when it is unset`);
  });

  it("has an example on every value, and each example is accepted by the key's own schema", () => {
    const problems: string[] = [];
    for (const key of configKeys().filter(isValueKey)) {
      if ((SECRET_KEYS as readonly string[]).includes(key.path)) continue; // credentials: an example would be a fake secret
      const examples = key.meta.examples ?? [];
      if (examples.length === 0) problems.push(`${key.path}: no example`);
      for (const ex of examples) {
        const r = (key.schema as z.ZodType).safeParse(ex);
        if (!r.success) problems.push(`${key.path}: example ${JSON.stringify(ex)} is refused: ${r.error.issues[0].message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("states a default for every optional key, per environment, or says in words what unset means", () => {
    const missing = configKeys()
      .filter((k) => k.optional && (isValueKey(k) || k.shape === "list") && !defaultsText(k))
      .map((k) => k.path);
    if (missing.length) {
      throw new Error(`optional keys whose default the program does not resolve alone (or computes from other keys): ${missing.join(", ")} — add .meta({ defaultText }) saying what unset means`);
    }
  });

  it("finds a default computed from another key, which only words can state", () => {
    // metricsPort defaults to the service's port (the key's contract): resolved twice, with
    // two different ports, the value differs, so the generator may not print either number.
    const key = configKeys().find((k) => k.path === "services[].metricsPort")!;
    expect(deriveDefault(key)?.computed).toEqual(["dev", "staging", "production"]);
    expect(defaultsText({ ...key, meta: { ...key.meta, defaultText: undefined } })).toBeUndefined();
    // Also from an optional key: the grace period follows shutdown.preStopSeconds (+ 30 s).
    const grace = configKeys().find((k) => k.path === "services[].shutdown.terminationGracePeriodSeconds")!;
    expect(deriveDefault(grace)?.computed).toEqual(["dev", "staging", "production"]);
    // A default the environment alone decides is not computed.
    const retention = configKeys().find((k) => k.path === "monitoring.prometheus.retention")!;
    expect(deriveDefault(retention)?.computed).toEqual([]);
  });

  it("names a key added without metadata", () => {
    // The walk the checks above use, on a schema with one undocumented key in a list item.
    const root = z.strictObject({
      environment: z.enum(["dev"]).meta({ description: "d", examples: ["dev"] }),
      things: z.array(z.strictObject({ documented: z.string().meta({ description: "d", examples: ["x"] }), forgotten: z.int32().optional() })).optional().meta({ description: "d" }),
    });
    const undocumented = configKeys(root).filter((k) => !k.meta.description);
    expect(undocumented.map((k) => k.path)).toEqual(["things[].forgotten"]);
  });

  it("gives each key a type, and enum values and ranges as the schema checks them", () => {
    const byPath = new Map(keyReferences().map((r) => [r.key.path, r]));
    // Facts of the schema written by hand here, from stacks/schema/*.ts.
    expect(byPath.get("environment")).toMatchObject({ type: "enum", allowed: "one of `dev`, `staging`, `production`", defaultLine: "required" });
    expect(byPath.get("monitoring.prometheus.replicas")).toMatchObject({ type: "integer", allowed: "whole number from 1 to 10" });
    expect(byPath.get("services[].slo.availability")).toMatchObject({ type: "number", allowed: "number > 0.5 < 1" });
    expect(byPath.get("services[].egress[].ports")?.type).toBe("list of integer");
    expect(byPath.get("monitoring.scrapeInterval")?.allowed).toContain('must be a duration such as "30s"');
    expect(byPath.get("slackWebhookUrl")?.type).toMatch(/credential/);
  });
});
