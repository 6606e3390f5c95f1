// Generates schema/stack-config.schema.json, the JSON Schema of a `Pulumi.<stack>.yaml` file,
// from the zod schema the program validates with (stacks/config.ts), so that editors
// (yaml-language-server, VS Code) complete and check stack files with the same rules.
// Each key carries the reference's description, default per environment, allowed values and
// example (tools/schema/reference.ts), as `description` and `markdownDescription`, which editors
// show on hover. Run: `npm run schema` (writes docs/config.md too). A test fails when either
// committed file is not what this produces.
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { PROJECT, SECRET_KEYS, configSchema } from "../../stacks/config";
import { REFERENCE_PATH, configReferenceText, entryReferences, keyReferences, type KeyReference } from "./reference";
import { ENVIRONMENTS } from "../../lib/environment";

/** Where the generated schema is committed, relative to the repository root. */
export const SCHEMA_PATH = "schema/stack-config.schema.json";

type JsonSchema = Record<string, unknown>;

/** A credential: only the encrypted form that `pulumi config set --secret` writes is valid. */
function secureValue(): JsonSchema {
  return {
    type: "object",
    properties: { secure: { type: "string", minLength: 1 } },
    required: ["secure"],
    additionalProperties: false,
  };
}

// Metadata keys of stacks/schema/meta.ts that z.toJSONSchema copies but JSON Schema does not know:
// their text goes into the descriptions instead.
const OWN_META_KEYS = ["defaultText", "allowed", "entries"];

/** The hover text of a key: plain (`description`) and Markdown (`markdownDescription`). */
function hoverText(ref: KeyReference): { description: string; markdownDescription: string } {
  const about = ref.key.meta.description ?? "";
  const facts = [`Default: ${ref.defaultLine}.`];
  if (ref.allowed) facts.push(`Allowed: ${ref.allowed}.`);
  if (ref.example) facts.push(`Example: ${ref.example}.`);
  const plain = [about, ...facts].filter(Boolean).join(" ");
  const md = [about, facts.map((f) => f.replace(/^(\w+):/, "**$1**:")).join("  \n")].filter(Boolean).join("\n\n");
  return { description: plain.replace(/`/g, ""), markdownDescription: md };
}

/**
 * Puts each key's reference text on its node of the generated JSON Schema, walking the schema
 * with the same paths as the reference (`a.b`, `list[]`, `map.<name>`), and drops the metadata
 * keys JSON Schema does not know.
 */
function annotate(node: JsonSchema, path: string, refs: ReadonlyMap<string, KeyReference>): void {
  for (const k of OWN_META_KEYS) delete node[k];
  // zod writes startsWith() as a format of its own, beside the pattern that carries the rule;
  // JSON Schema validators refuse unknown formats.
  if (node.format === "starts_with") delete node.format;
  const ref = refs.get(path);
  if (ref) Object.assign(node, hoverText(ref));
  // A map whose entries the program knows (alert thresholds): each name completes in editors
  // with its own hover, and a misspelt name is marked, as the program refuses it.
  const entries = ref ? entryReferences(ref.key) : [];
  if (entries.length > 0 && node.additionalProperties && typeof node.additionalProperties === "object") {
    const value = node.additionalProperties as JsonSchema;
    node.propertyNames = { enum: entries.map((e) => e.name) };
    node.properties = Object.fromEntries(
      entries.map((e) => {
        const defaults = ENVIRONMENTS.map((env) => `${env} ${e.defaults[env] ?? "none"}`).join(" · ");
        const meaning = e.meaning.charAt(0).toUpperCase() + e.meaning.slice(1);
        return [e.name, { ...value, description: `${meaning}. Default: ${defaults}.`.replace(/`/g, ""), markdownDescription: `${meaning}.\n\n**Default**: ${defaults}.` }];
      }),
    );
  }
  const props = node.properties as Record<string, JsonSchema> | undefined;
  for (const [name, child] of Object.entries(props ?? {})) annotate(child, `${path}.${name}`, refs);
  if (node.items && typeof node.items === "object") annotate(node.items as JsonSchema, `${path}[]`, refs);
  const extra = node.additionalProperties;
  if (extra && typeof extra === "object") annotate(extra as JsonSchema, `${path}.<name>`, refs);
}

/**
 * The JSON Schema of a stack file: a top-level `config:` map whose `app-platform:<key>`
 * entries follow {@link configSchema} (credentials only as `{secure: ...}`), with keys of
 * other namespaces (`kubernetes:`, `aws:`) left to their providers; plus the stack file's
 * own top-level keys (`encryptionsalt`, `secretsprovider`, `encryptedkey`, `environment`).
 */
export function stackFileSchema(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as {
    properties: Record<string, JsonSchema>;
    required?: string[];
  };
  const secret = new Set<string>(SECRET_KEYS);
  const refs = new Map(keyReferences().map((r) => [r.key.path, r]));
  const defs: Record<string, JsonSchema> = {};
  const properties: Record<string, JsonSchema> = {};
  for (const [key, schema] of Object.entries(generated.properties)) {
    defs[key] = secret.has(key) ? secureValue() : schema;
    annotate(defs[key], key, refs);
    // The namespaced form is what `pulumi config set` writes; the bare form is refused so
    // that each key has one spelling.
    properties[`${PROJECT}:${key}`] = { $ref: `#/$defs/${key}` };
  }
  const required = (generated.required ?? []).map((key) => `${PROJECT}:${key}`);
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: `Pulumi.<stack>.yaml of ${PROJECT}`,
    description: "Generated from stacks/config.ts by `npm run schema`; do not edit by hand.",
    type: "object",
    properties: {
      config: {
        type: "object",
        description: `Stack configuration. Keys of ${PROJECT} are checked here; other namespaces (kubernetes:, aws:) belong to their providers.`,
        properties,
        // A misspelt key of ours must be flagged, not ignored: a key is either one of ours or
        // belongs to another namespace; anything else is refused.
        patternProperties: { [`^(?!${PROJECT}:)[^:]+:.+$`]: {} },
        additionalProperties: false,
        required,
      },
      encryptionsalt: { type: "string", description: "Salt of the passphrase secrets provider." },
      secretsprovider: { type: "string", description: "Secrets provider URL, e.g. awskms://alias/app-platform." },
      encryptedkey: { type: "string", description: "Data key encrypted by the secrets provider." },
      environment: {
        type: "array",
        items: { type: "string" },
        description: "Pulumi ESC environments imported into this stack.",
      },
    },
    required: ["config"],
    additionalProperties: false,
    $defs: defs,
  };
}

/** The file's text as committed: stable key order, two-space indent, final newline. */
export function stackFileSchemaText(): string {
  return JSON.stringify(stackFileSchema(), null, 2) + "\n";
}

if (require.main === module) {
  for (const [file, text] of [
    [SCHEMA_PATH, stackFileSchemaText()],
    [REFERENCE_PATH, configReferenceText()],
  ]) {
    const target = path.resolve(__dirname, "..", "..", file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    console.log(`wrote ${file}`);
  }
}
