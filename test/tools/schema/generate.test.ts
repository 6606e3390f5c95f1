import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { SECRET_KEYS, configSchema } from "../../../stacks/config";
import { SCHEMA_PATH, stackFileSchema, stackFileSchemaText } from "../../../tools/schema/generate";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const STACKS = ["dev", "staging", "production"];
const committed = () => fs.readFileSync(path.join(ROOT, SCHEMA_PATH), "utf8");
// The committed JSON Schema, turned back into a validator: what an editor would check.
const validator = () => z.fromJSONSchema(JSON.parse(committed()));
const stackDoc = (stack: string) => YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));

describe("schema/stack-config.schema.json", () => {
  it("is what the generator produces from the zod schema now", () => {
    const fresh = stackFileSchemaText();
    if (committed() !== fresh) {
      throw new Error(`${SCHEMA_PATH} is out of date with stacks/config.ts: run npm run schema and commit the result`);
    }
  });

  it("describes every config key, credentials only in their encrypted form", () => {
    const schema = stackFileSchema() as any;
    const props = schema.properties.config.properties;
    for (const key of Object.keys(configSchema.shape)) {
      expect(props[`app-platform:${key}`], key).toEqual({ $ref: `#/$defs/${key}` });
      expect(props[key], key).toBeUndefined();
    }
    for (const key of SECRET_KEYS) {
      expect(schema.$defs[key]).toMatchObject({ type: "object", required: ["secure"], additionalProperties: false });
    }
  });

  it.each(STACKS)("accepts Pulumi.%s.yaml, which names it on its first line", (stack) => {
    const text = fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./schema/stack-config.schema.json");
    const r = validator().safeParse(stackDoc(stack));
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });

  // One fault per document: like a JSON Schema validator, zod checks unknown keys and
  // required ones only once the values themselves are valid.
  const refused: [string, (doc: any) => void, RegExp][] = [
    ["a misspelt key of ours", (d) => (d.config["app-platform:servics"] = []), /app-platform:servics/],
    ["a misspelt key without the namespace", (d) => (d.config.enviroment = "dev"), /enviroment/],
    ["a credential in plaintext", (d) => (d.config["app-platform:slackWebhookUrl"] = "https://hooks.slack.example/x"), /expected object/],
    ["a wrong type deep inside a service", (d) => (d.config["app-platform:services"][0].replicas.min = "two"), /expected number/],
    ["an unknown key inside a service", (d) => (d.config["app-platform:services"][0].replicaz = 2), /replicaz/],
    ["an enum typo", (d) => (d.config["app-platform:clusterPlatform"] = "eksx"), /clusterPlatform|expected one of/i],
    ["a missing environment", (d) => delete d.config["app-platform:environment"], /app-platform:environment/],
    ["an unknown top-level key", (d) => (d.configs = {}), /configs/],
  ];

  it.each(refused)("refuses %s", (_name, edit, pattern) => {
    const doc = stackDoc("staging");
    edit(doc);
    const r = validator().safeParse(doc);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error!.issues)).toMatch(pattern);
  });

  it("leaves other namespaces and the stack file's own keys to Pulumi", () => {
    const doc = stackDoc("staging");
    doc.config["kubernetes:context"] = "my-cluster";
    doc.config["aws:region"] = "eu-west-1";
    doc.encryptionsalt = "v1:abc";
    doc.secretsprovider = "awskms://alias/app-platform";
    const r = validator().safeParse(doc);
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });
});
