import { z } from "zod";

/**
 * `app-platform:providedSecrets`: Secrets in the apps namespace that something other than this
 * program creates (an operator such as External Secrets, or `kubectl create secret`) and that a
 * service's `secretSettings` may reference. Any other reference is refused at load, because a
 * pod that references a missing Secret never starts (`CreateContainerConfigError`).
 */
export const providedSecretsSchema = z.array(
  z.strictObject({
    /** Name of the Secret in the apps namespace. */
    name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "must be a Kubernetes object name (lowercase letters, digits, '-' and '.')" }).max(253),
    /** Keys the Secret holds; a reference to another key is refused. */
    keys: z.array(z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: "must be a Secret key (letters, digits, '-', '_' and '.')" })).min(1),
    /** Who creates it and how, for the people who run `pulumi up` (e.g. "External Secrets from aws/orders-api"). */
    description: z.string().min(1),
  }),
);
