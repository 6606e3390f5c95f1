// schema/stack-config.schema.json as a JSON Schema validator other than zod reads it: ajv in
// strict mode (draft 2020-12), which refuses keywords and formats it does not know, so the
// generated file is valid JSON Schema and not only something zod can read back. It must accept
// the three real stack files and refuse hostile edits of them.
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { SCHEMA_PATH } from "../../../tools/schema/generate";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const STACKS = ["dev", "staging", "production"];

function validator() {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    // `type: ["number", "string"]` is valid JSON Schema (alert thresholds take either).
    allowUnionTypes: true,
    // VS Code's hover text: the one keyword outside the JSON Schema vocabulary that the generator writes.
    keywords: ["markdownDescription"],
    // Formats by their RFCs (RFC 5322 addresses in their common form, RFC 3339 times, RFC 3986 URIs).
    formats: {
      email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
      "date-time": (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)),
      uri: (s: string) => URL.canParse(s),
    },
  });
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, SCHEMA_PATH), "utf8")));
}
const stackDoc = (stack: string) => YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));

describe("schema/stack-config.schema.json under ajv (strict, draft 2020-12)", () => {
  const validate = validator();

  it.each(STACKS)("accepts Pulumi.%s.yaml", (stack) => {
    const ok = validate(stackDoc(stack));
    expect(ok ? [] : validate.errors).toEqual([]);
  });

  // Each edit and what ajv must say about it: the keyword of the rule broken and where.
  const hostile: [string, (d: any) => void, { keyword: string; at: string; param?: Record<string, unknown> }][] = [
    ["a misspelt top-level key", (d) => (d.config["app-platform:servics"] = []), { keyword: "additionalProperties", at: "/config", param: { additionalProperty: "app-platform:servics" } }],
    ["a misspelt nested key", (d) => (d.config["app-platform:monitoring"] = { prometheus: { retension: "30d" } }), { keyword: "additionalProperties", at: "/config/app-platform:monitoring/prometheus", param: { additionalProperty: "retension" } }],
    ["a misspelt key inside a service", (d) => (d.config["app-platform:services"][0].replicaz = 2), { keyword: "additionalProperties", at: "/config/app-platform:services/0", param: { additionalProperty: "replicaz" } }],
    ["a credential in plaintext", (d) => (d.config["app-platform:slackWebhookUrl"] = "https://hooks.slack.example/x"), { keyword: "type", at: "/config/app-platform:slackWebhookUrl" }],
    ["an enum typo", (d) => (d.config["app-platform:clusterPlatform"] = "eksx"), { keyword: "enum", at: "/config/app-platform:clusterPlatform" }],
    ["a port out of range", (d) => (d.config["app-platform:services"][0].port = 70000), { keyword: "maximum", at: "/config/app-platform:services/0/port" }],
    ["a duration without a unit", (d) => (d.config["app-platform:monitoring"] = { prometheus: { retention: "30" } }), { keyword: "pattern", at: "/config/app-platform:monitoring/prometheus/retention" }],
    ["a misspelt alert threshold", (d) => (d.config["app-platform:alerting"].thresholds = { serviceDownFro: "5m" }), { keyword: "enum", at: "/config/app-platform:alerting/thresholds" }],
    ["a missing environment", (d) => delete d.config["app-platform:environment"], { keyword: "required", at: "/config", param: { missingProperty: "app-platform:environment" } }],
  ];

  it.each(hostile)("refuses %s, naming the key", (_name, edit, want) => {
    const doc = stackDoc("staging");
    edit(doc);
    expect(validate(doc)).toBe(false);
    const hit = (validate.errors ?? []).find((e) => e.keyword === want.keyword && e.instancePath === want.at);
    expect(hit, JSON.stringify(validate.errors, null, 1)).toBeDefined();
    if (want.param) expect(hit!.params).toMatchObject(want.param);
  });

  it("gives editors the reference's text on hover: description and markdownDescription with the defaults", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, SCHEMA_PATH), "utf8"));
    const retention = schema.$defs.monitoring.properties.prometheus.properties.retention;
    expect(retention.description).toMatch(/^How long Prometheus keeps samples/);
    expect(retention.markdownDescription).toMatch(/\*\*Default\*\*: dev `\d+d` · staging `\d+d` · production `\d+d`/);
    const serviceDown = schema.$defs.alerting.properties.thresholds.properties.serviceDownFor;
    expect(serviceDown.markdownDescription).toMatch(/ServiceDown[^]*\*\*Default\*\*: dev `\d+m` · staging `\d+m` · production `\d+m`/);
  });
});
