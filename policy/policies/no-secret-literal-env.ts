import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";
import { allContainers, containerLabel, validateWorkloads } from "../lib/workloads";

/** Config of {@link noSecretLiteralEnv}. */
export interface NoSecretLiteralEnvConfig {
  /** Case-insensitive regular expression of names that hold credentials. @default "(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)" */
  readonly namePattern: string;
}

/** The default {@link NoSecretLiteralEnvConfig.namePattern}. */
export const SECRET_NAME_PATTERN = "(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)";

/**
 * Credentials reach containers from Secrets, never as literal values in a pod spec or a
 * ConfigMap, where anyone who can read the object (or the Pulumi state) sees them. Only the
 * presence of a literal is checked, not its value, so the policy also holds where a value is a
 * Pulumi secret.
 */
export function noSecretLiteralEnv(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<NoSecretLiteralEnvConfig> = {}): PlatformPolicy {
  return {
    name: "no-secret-literal-env",
    description: "Secret-looking environment variables and ConfigMap keys are not literal values.",
    severity: "critical",
    enforcementLevel,
    remediationSteps: "Move the value into a Secret and reference it with env[].valueFrom.secretKeyRef.",
    configSchema: configSchema<NoSecretLiteralEnvConfig>({ namePattern: { type: "string" } }, { namePattern: SECRET_NAME_PATTERN }, defaults),
    validateResource: [
      ...validateWorkloads((_w, args, report) => {
        const re = new RegExp(args.getConfig<NoSecretLiteralEnvConfig>().namePattern ?? SECRET_NAME_PATTERN, "i");
        for (const c of allContainers(_w.pod)) {
          for (const e of c.container.env ?? []) {
            // `in`, not a read: the value itself may be a secret or unknown.
            if (re.test(e.name) && "value" in e) {
              report(`${containerLabel(c)} sets ${e.name} as a literal value: anyone who can read the pod spec or the stack state sees the credential; move it into a Secret and use valueFrom.secretKeyRef.`);
            }
          }
        }
      }),
      validateResourceOfType(k8s.core.v1.ConfigMap, (cm, args, report) => {
        const re = new RegExp(args.getConfig<NoSecretLiteralEnvConfig>().namePattern ?? SECRET_NAME_PATTERN, "i");
        const keys = Object.keys(cm.data ?? {}).filter((k) => re.test(k));
        if (keys.length > 0) {
          report(`ConfigMap ${objectKey(cm as never, args.name)} holds ${keys.join(", ")}: ConfigMaps are not encrypted and are readable by anyone with view rights; move ${keys.length === 1 ? "it" : "them"} into a Secret.`);
        }
      }),
    ],
  };
}
