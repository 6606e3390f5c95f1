// Keys of a stack's config outside `app-platform:`. Pulumi passes every key of the stack file to
// the program; one it does not know is silently ignored by everyone: `app-platfrom:services`
// deploys no service and `kubernetes:contex` deploys to whatever cluster the current kubeconfig
// context points at. So every namespace and every provider key must be one that is defined.

/**
 * Config keys each provider that this program uses reads from stack config, as its package
 * defines them: `@pulumi/kubernetes` ProviderArgs (provider.d.ts), `@pulumi/aws` and
 * `@pulumi/docker` config/vars.d.ts. `@pulumi/random` takes no config. `pulumi:` holds the
 * engine's own settings. A test compares these lists with the installed packages.
 */
export const PROVIDER_CONFIG_KEYS: Readonly<Record<string, readonly string[]>> = {
  pulumi: ["disable-default-providers", "tags"],
  kubernetes: [
    "alwaysRender", "cluster", "clusterIdentifier", "context", "deleteUnreachable", "enableConfigMapMutable",
    "enablePatchForce", "enableSecretMutable", "enableServerSideApply", "helmReleaseSettings", "kubeClientSettings",
    "kubeconfig", "namespace", "renderYamlToDirectory", "skipUpdateUnreachable", "suppressDeprecationWarnings",
    "suppressHelmHookWarnings", "upsertExistingObjects",
  ],
  aws: [
    "accessKey", "allowedAccountIds", "assumeRoleWithWebIdentity", "assumeRoles", "customCaBundle", "defaultTags",
    "ec2MetadataServiceEndpoint", "ec2MetadataServiceEndpointMode", "endpoints", "forbiddenAccountIds", "httpProxy",
    "httpsProxy", "ignoreTags", "insecure", "maxRetries", "noProxy", "profile", "region", "retryMode",
    "s3UsEast1RegionalEndpoint", "s3UsePathStyle", "secretKey", "sharedConfigFiles", "sharedCredentialsFiles",
    "skipCredentialsValidation", "skipMetadataApiCheck", "skipRegionValidation", "skipRequestingAccountId", "stsRegion",
    "tagPolicyCompliance", "token", "tokenBucketRateLimiterCapacity", "useDualstackEndpoint", "useFipsEndpoint", "userAgents",
  ],
  docker: ["caMaterial", "certMaterial", "certPath", "context", "disableDockerDaemonCheck", "host", "keyMaterial", "registryAuth", "sshOpts"],
  random: [],
};

/**
 * Keys of namespaces that the program does not read but the project's own tools do:
 * `delivery:analysis` holds the analysis-gate thresholds of `platform promote`
 * (tools/delivery/analysis.ts); keeping them out of `app-platform:` means a threshold change
 * is not a change of the program's inputs.
 */
export const TOOL_CONFIG_KEYS: Readonly<Record<string, readonly string[]>> = {
  delivery: ["analysis"],
};

/** Top-level keys of a `Pulumi.<stack>.yaml` file, as the Pulumi CLI defines its stack settings. */
export const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"] as const;

/** One key outside the project's namespace that no one defines, with what it may have meant. */
export interface UnknownKey {
  /** The key as written, `namespace:name`. */
  readonly key: string;
  /** The rule and the fix, for the message. */
  readonly rule: string;
}

/**
 * Keys of the raw config (`namespace:key`) that neither the project (`project`) nor a provider
 * defines. `suggest` gives a did-you-mean; keys of the project itself are left to the schema.
 */
export function unknownConfigKeys(
  keys: readonly string[],
  project: string,
  suggest: (key: string, known: readonly string[]) => string | undefined,
): UnknownKey[] {
  const out: UnknownKey[] = [];
  const namespaces = [project, ...Object.keys(PROVIDER_CONFIG_KEYS), ...Object.keys(TOOL_CONFIG_KEYS)];
  for (const full of keys) {
    const i = full.indexOf(":");
    const namespace = i === -1 ? "" : full.slice(0, i);
    const name = full.slice(i + 1).replace(/^config:/, "");
    if (namespace === project) continue;
    const known = PROVIDER_CONFIG_KEYS[namespace] ?? TOOL_CONFIG_KEYS[namespace];
    if (known === undefined) {
      const guess = suggest(namespace, namespaces.filter((n) => n !== namespace));
      out.push({
        key: full,
        rule: guess
          ? `is in namespace "${namespace}", which nothing defines: did you mean "${guess}:${name}"? Rename it`
          : `is in namespace "${namespace}", which nothing defines (known: ${namespaces.join(", ")}): remove it or fix the namespace`,
      });
    } else if (!known.includes(name)) {
      const guess = suggest(name, known);
      out.push({
        key: full,
        rule: guess
          ? `is not a setting of the ${namespace} provider: did you mean "${namespace}:${guess}"? Rename it`
          : `is not a setting of the ${namespace} provider (it takes: ${known.join(", ") || "none"}): remove it or fix its spelling`,
      });
    }
  }
  return out;
}

/** Top-level keys of a stack file that the Pulumi CLI does not define, with a did-you-mean. */
export function unknownStackFileKeys(
  doc: Readonly<Record<string, unknown>>,
  suggest: (key: string, known: readonly string[]) => string | undefined,
): UnknownKey[] {
  const out: UnknownKey[] = [];
  for (const key of Object.keys(doc)) {
    if ((STACK_FILE_KEYS as readonly string[]).includes(key)) continue;
    const guess = suggest(key, STACK_FILE_KEYS);
    out.push({
      key,
      rule: guess
        ? `is not a stack file setting: did you mean "${guess}:"? Rename it: nothing under an unknown key reaches the program`
        : `is not a stack file setting (known: ${STACK_FILE_KEYS.join(", ")}): remove it or fix its spelling`,
    });
  }
  return out;
}
