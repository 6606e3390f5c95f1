import { z } from "zod";
import "./meta";

/**
 * `app-platform:providedSecrets`: Secrets in the apps namespace that something other than this
 * program creates (an operator such as External Secrets, or `kubectl create secret`) and that a
 * service's `secretSettings` may reference. Any other reference is refused at load, because a
 * pod that references a missing Secret never starts (`CreateContainerConfigError`).
 */
export const providedSecretsSchema = z
  .array(
    z.strictObject({
      name: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "must be a Kubernetes object name (lowercase letters, digits, '-' and '.')" })
        .max(253)
        .meta({ description: "Name of the Secret in the apps namespace; not one the program creates itself.", examples: ["orders-api-stripe"] }),
      keys: z
        .array(z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: "must be a Secret key (letters, digits, '-', '_' and '.')" }))
        .min(1)
        .meta({ description: "Keys the Secret holds; a reference to another key is refused.", examples: [["api-key"]] }),
      description: z.string().min(1).meta({ description: "Who creates it and how, for the people who run `pulumi up`.", examples: ["External Secrets from aws/orders-api"] }),
    }),
  )
  .meta({
    description:
      "Secrets in the apps namespace that something other than this program creates (an operator such as External Secrets, or `kubectl create secret`) and that a service's `secretSettings` may reference. Any other reference is refused at load, because a pod that references a missing Secret never starts (CreateContainerConfigError).",
  });
