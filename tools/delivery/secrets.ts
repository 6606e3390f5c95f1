/**
 * Secret config in a diff. The offline render replaces every secret with "[secret]", so two
 * renders cannot tell whether a secret value changed. The stack file can: `pulumi config set
 * --secret` writes a new ciphertext (a fresh nonce even for the same value), so a changed
 * ciphertext means "the secret may have changed". Only a hash of the ciphertext is compared;
 * no ciphertext, placeholder or value is ever printed.
 */
import { createHash } from "node:crypto";
import YAML from "yaml";

/** A secure config key that differs between base and head stack files. */
export interface SecretConfigChange {
  /** Full key, e.g. `app-platform:slackWebhookUrl`. */
  readonly key: string;
  readonly kind: "added" | "removed" | "changed";
}

function secureHashes(yamlText: string | undefined, project: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!yamlText) return out;
  const doc = YAML.parse(yamlText) as { config?: Record<string, unknown> } | null;
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      const full = key.includes(":") ? key : `${project}:${key}`;
      out.set(full, createHash("sha256").update(String((value as { secure: unknown }).secure)).digest("hex"));
    }
  }
  return out;
}

/**
 * Secure keys added, removed or re-encrypted between two versions of a stack file.
 *
 * @param baseYaml the base ref's `Pulumi.<stack>.yaml` text (undefined when the stack is new)
 * @param headYaml the working tree's text
 * @param project the project name, which qualifies bare keys
 */
export function secretConfigChanges(baseYaml: string | undefined, headYaml: string | undefined, project: string): SecretConfigChange[] {
  const b = secureHashes(baseYaml, project);
  const h = secureHashes(headYaml, project);
  const out: SecretConfigChange[] = [];
  for (const [k, v] of h) {
    if (!b.has(k)) out.push({ key: k, kind: "added" });
    else if (b.get(k) !== v) out.push({ key: k, kind: "changed" });
  }
  for (const k of b.keys()) if (!h.has(k)) out.push({ key: k, kind: "removed" });
  return out.sort((x, y) => x.key.localeCompare(y.key));
}
