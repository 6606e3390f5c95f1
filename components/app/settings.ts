import { createHash } from "node:crypto";
import type { ServiceConfig } from "./service-spec";

/** Pod-template annotation whose value changes with the settings, so that a change rolls the pods. */
export const SETTINGS_CHECKSUM_ANNOTATION = "app-platform/settings-checksum";

/** Name of the ConfigMap holding a service's plain settings. */
export function settingsConfigMapName(service: string): string {
  return `${service}-settings`;
}

/**
 * SHA-256 of the plain settings and of the secret references (Secret name and key, never a
 * value), in a key order that does not depend on how the stack file lists them. Pods read
 * the ConfigMap through `envFrom`, which Kubernetes does not re-read: without this annotation
 * a settings change would reach pods only at their next restart. A rotated secret value keeps
 * the same reference and so does not roll the pods; restart them when rotating.
 */
export function settingsChecksum(s: Pick<ServiceConfig, "settings" | "secretSettings">): string {
  const sorted = <T>(o: Readonly<Record<string, T>>) => Object.keys(o).sort().map((k) => [k, o[k]] as const);
  const canonical = JSON.stringify({ settings: sorted(s.settings), secretSettings: sorted(s.secretSettings) });
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * Environment of the container: secret settings as `secretKeyRef`s (the value stays in its
 * Secret), sorted by name so that the order in the stack file does not churn the pod template.
 */
export function secretEnv(s: Pick<ServiceConfig, "secretSettings">): Record<string, unknown>[] {
  return Object.keys(s.secretSettings)
    .sort()
    .map((name) => ({
      name,
      valueFrom: { secretKeyRef: { name: s.secretSettings[name].secretName, key: s.secretSettings[name].key } },
    }));
}
