// Generates schema/stack-config.schema.json, the JSON Schema of a `Pulumi.<stack>.yaml` file,
// from the zod schema the program validates with (stacks/config.ts), so that editors
// (yaml-language-server, VS Code) complete and check stack files with the same rules.
// Run: `npm run schema`. A test fails when the committed file is not what this produces.
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { PROJECT, SECRET_KEYS, configSchema } from "../../stacks/config";

/** Where the generated schema is committed, relative to the repository root. */
export const SCHEMA_PATH = "schema/stack-config.schema.json";

type JsonSchema = Record<string, unknown>;

/** A credential: only the encrypted form that `pulumi config set --secret` writes is valid. */
function secureValue(key: string): JsonSchema {
  return {
    type: "object",
    description: `Credential, set with \`pulumi config set --secret ${key} <value>\`; a plaintext value is refused.`,
    properties: { secure: { type: "string", minLength: 1 } },
    required: ["secure"],
    additionalProperties: false,
  };
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
  const defs: Record<string, JsonSchema> = {};
  const properties: Record<string, JsonSchema> = {};
  for (const [key, schema] of Object.entries(generated.properties)) {
    defs[key] = secret.has(key) ? secureValue(key) : schema;
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
  const target = path.resolve(__dirname, "..", "..", SCHEMA_PATH);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, stackFileSchemaText());
  console.log(`wrote ${SCHEMA_PATH}`);
}
