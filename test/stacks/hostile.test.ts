// Hostile stack files, by category: each must be refused at load, before any resource is
// registered, with `app-platform:<path> (<value>) <rule and fix>`. Where a rule comes from outside
// this project (Kubernetes limits, RFC 1123, cron semantics, IANA), the case says where.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadPlatformConfig } from "../../stacks/config";
import { PROVIDER_CONFIG_KEYS } from "../../stacks/validate/config-keys";
import { StackFileError, readStackConfig } from "../../tools/render/stack-files";
import { stackFolder } from "../../tools/render/subprocess";
import { edited, problemsOf, rawConfig, secretKeysOf, stackYaml, type StackValues } from "./fixtures";

const P = "app-platform:";

/** One hostile input and every message it must produce, in order. */
export interface HostileCase {
  readonly name: string;
  readonly values: StackValues;
  /** Raw keys outside `app-platform:` added as the language host passes them. */
  readonly extraRaw?: Record<string, string>;
  /** Full keys marked secret besides the credentials (as `pulumi config set --secret` would). */
  readonly extraSecret?: readonly string[];
  readonly expected: readonly string[];
}

function problemsOfCase(c: HostileCase): string[] {
  const raw = { ...rawConfig(c.values), ...c.extraRaw };
  const secret = new Set([...secretKeysOf(c.values), ...(c.extraSecret ?? [])]);
  try {
    loadPlatformConfig(raw, secret, "hostile");
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => p.message);
    throw e;
  }
}

const QUOTA_RULE = "so no pod of the service can ever be created: lower the request or raise the quota";

/** Hostile cases by category; the counts go into the closing note. */
export const HOSTILE: Record<string, HostileCase[]> = {
  // Kubernetes: a ResourceQuota bounds the sum of requests in a namespace; replicas and other
  // counts are int32 (2147483647 max); a ConfigMap's data may not exceed 1 MiB; CPU precision
  // finer than 1m is not allowed ("Resource units in Kubernetes").
  quantities: [
    {
      name: "CPU and memory of zero, and a sub-millicore CPU",
      values: edited("dev", (v) => {
        v.services[0].resources = { requests: { cpu: "0", memory: "0Mi" }, limits: { cpu: "0.0005", memory: "128Mi" } };
      }),
      expected: [
        `${P}services[0].resources.requests.cpu ("0") must be greater than zero: nothing runs on no CPU; write a quantity such as "100m"`,
        `${P}services[0].resources.requests.memory ("0Mi") must be greater than zero: nothing fits in no memory or storage; write a quantity such as "256Mi"`,
        `${P}services[0].resources.limits.cpu ("0.0005") must be a whole number of millicores: Kubernetes does not allow CPU precision finer than 1m; write e.g. "1m" instead of "0.0005"`,
      ],
    },
    {
      name: "a zero quota and a zero volume",
      values: edited("dev", (v) => {
        v.namespaces = { quota: { cpu: "0m", memory: "8Gi", pods: 40 } };
        v.monitoring = { prometheus: { storage: { size: "0Gi" } } };
      }),
      expected: [
        `${P}namespaces.quota.cpu ("0m") must be greater than zero: nothing runs on no CPU; write a quantity such as "100m"`,
        `${P}monitoring.prometheus.storage.size ("0Gi") must be greater than zero: nothing fits in no memory or storage; write a quantity such as "256Mi"`,
      ],
    },
    {
      name: "maxReplicas beyond int32",
      values: edited("dev", (v) => {
        v.services[0].replicas.max = 3_000_000_000;
      }),
      expected: [
        `${P}services[0].replicas.max (3000000000) must be <= 2147483647, the largest 32-bit integer: Kubernetes stores counts such as replicas as int32, and a larger value is refused by the API server`,
      ],
    },
    {
      name: "a request above its own limit (container defaults and backup job)",
      values: edited("dev", (v) => {
        v.namespaces = { containerDefaults: { cpuRequest: "2", memoryRequest: "1Gi", cpuLimit: "500m", memoryLimit: "256Mi" } };
        v.backup = { resources: { cpu: "250m", memory: "2Gi", memoryLimit: "1Gi" }, drill: { verifyTables: ["public.orders"] } };
      }),
      expected: [
        `${P}namespaces.containerDefaults.cpuRequest ("2") must be <= containerDefaults.cpuLimit (500m): Kubernetes refuses a container whose request is above its limit`,
        `${P}namespaces.containerDefaults.memoryRequest ("1Gi") must be <= containerDefaults.memoryLimit (256Mi): Kubernetes refuses a container whose request is above its limit`,
        `${P}backup.resources.memory ("2Gi") must be <= backup.resources.memoryLimit (1Gi): Kubernetes refuses a container whose request is above its limit`,
      ],
    },
    {
      name: "one pod above the namespace quota (dev quota: 4 CPU, 8Gi, 40 pods)",
      values: edited("dev", (v) => {
        v.services[0].resources = { requests: { cpu: "4500m", memory: "9Gi" }, limits: { memory: "9Gi" } };
        v.services[0].replicas.max = 41;
      }),
      expected: [
        `${P}services[0].resources.requests.cpu ("4500m") is above the apps namespace's ResourceQuota (namespaces.quota.cpu 4), ${QUOTA_RULE}`,
        `${P}services[0].resources.requests.memory ("9Gi") is above the apps namespace's ResourceQuota (namespaces.quota.memory 8Gi), ${QUOTA_RULE}`,
        `${P}services[0].replicas.max (41) is above the apps namespace's ResourceQuota (namespaces.quota.pods 40), so the autoscaler can never reach it: lower replicas.max or raise the quota`,
      ],
    },
    {
      // Worked by hand: 3 services x (min 2 + idle 0) pods x 750m = 4500m > 4 CPU; 6 pods x 1.5Gi = 9 GiB > 8Gi.
      name: "services that each fit but together exceed the quota at their minimum size",
      values: edited("dev", (v) => {
        const s = v.services[0];
        s.replicas = { min: 2, max: 2 };
        s.resources = { requests: { cpu: "750m", memory: "1536Mi" }, limits: { memory: "2Gi" } };
        v.services = ["a", "b", "c"].map((name) => ({ ...structuredClone(s), name }));
      }),
      expected: [
        `${P}namespaces.quota.cpu ("4") is below what the services need at their minimum size (4500m of CPU requests for replicas.min plus idleReplicas of every service), so some pods can never be created: raise the quota or lower requests or replicas`,
        `${P}namespaces.quota.memory ("8Gi") is below what the services need at their minimum size (9 GiB of memory requests for replicas.min plus idleReplicas of every service), so some pods can never be created: raise the quota or lower requests or replicas`,
      ],
    },
    {
      name: "a 1.5 MB settings ConfigMap",
      values: edited("dev", (v) => {
        v.services[0].settings = { CATALOGUE: "x".repeat(1_500_000) };
      }),
      // 9 bytes of key + 1500000 bytes of value = 1500009 bytes = 1.43 MiB.
      expected: [
        `${P}services[0].settings ("1.43 MiB of keys and values") is above the 1 MiB (1048576 bytes) that Kubernetes allows in one ConfigMap: move large content to a volume or an object store and pass its location`,
      ],
    },
  ],
  // Confusables: a Cyrillic letter or a zero-width space looks like the name it spoils.
  "look-alike characters": [
    {
      name: "Cyrillic o in the environment",
      values: edited("dev", (v) => {
        v.environment = "pr\u043eduction";
      }),
      expected: [
        `${P}environment ("pr\\u043eduction") must be one of "dev", "staging", "production": did you mean "production"? (it contains \\u043e, a character outside ASCII that looks like a Latin letter or nothing at all: retype it)`,
      ],
    },
    {
      name: "a zero-width space after a key",
      values: edited("dev", (v) => {
        v["clusterPlatform\u200b"] = v.clusterPlatform;
        delete v.clusterPlatform;
      }),
      expected: [
        `${P}clusterPlatform (unset) is required: set it in Pulumi.<stack>.yaml to one of "eks", "gke", "aks", "kind", "generic"`,
        `${P}clusterPlatform\\u200b ("kind") is not a known key: did you mean "clusterPlatform"? Rename it (it contains \\u200b, a character outside ASCII that looks like a Latin letter or nothing at all: retype it)`,
      ],
    },
    {
      name: "Byelorussian-Ukrainian i in a service name",
      values: edited("dev", (v) => {
        v.services[0].name = "\u0456ngest";
      }),
      expected: [
        `${P}services[0].name ("\\u0456ngest") must be a DNS label: lowercase letters, digits and '-', starting with a letter (it contains \\u0456, a character outside ASCII that looks like a Latin letter or nothing at all: retype it)`,
      ],
    },
  ],
  "secure value where plaintext is expected": [
    {
      name: "the environment set with --secret (the CLI passes it decrypted and marks it secret)",
      values: edited("dev", () => {}),
      extraSecret: ["app-platform:environment"],
      expected: [
        `${P}environment ("[secret]") is a secret (\`secure:\`) where plain text is expected: it is configuration, not a credential, and is used as written; set it without --secret: \`pulumi config set environment <value>\``,
      ],
    },
    {
      name: "a nested secure: map where a host name goes",
      values: edited("staging", (v) => {
        v.postgres.host = { secure: "v1:AAAAbase64ciphertext" };
      }),
      expected: [
        `${P}postgres.host ("[secret]") is a secret (\`secure:\`) where plain text is expected: it is configuration, not a credential, and is used as written; set it without --secret: \`pulumi config set --path postgres.host <value>\``,
      ],
    },
  ],
  // Config keys Pulumi passes to the program but nobody reads; provider keys as their packages define them.
  "misspelt namespaces and provider keys": [
    {
      name: "app-platfrom: for app-platform:",
      values: edited("dev", () => {}),
      extraRaw: { "app-platfrom:timeScale": "0.5" },
      expected: [`app-platfrom:timeScale (0.5) is in namespace "app-platfrom", which nothing defines: did you mean "app-platform:timeScale"? Rename it`],
    },
    {
      name: "kubernetes:contex for kubernetes:context",
      values: edited("dev", () => {}),
      extraRaw: { "kubernetes:contex": "kind-app-platform" },
      expected: [`kubernetes:contex ("kind-app-platform") is not a setting of the kubernetes provider: did you mean "kubernetes:context"? Rename it`],
    },
    {
      name: "aws:regoin and an unknown namespace",
      values: edited("staging", () => {}),
      extraRaw: { "aws:regoin": "eu-west-1", "zzz:thing": "1" },
      expected: [
        `aws:regoin ("eu-west-1") is not a setting of the aws provider: did you mean "aws:region"? Rename it`,
        `zzz:thing (1) is in namespace "zzz", which nothing defines (known: app-platform, pulumi, kubernetes, aws, docker, random, delivery): remove it or fix the namespace`,
      ],
    },
    {
      name: "a secret in a misspelt namespace shows no value",
      values: edited("dev", () => {}),
      extraRaw: { "kubernets:kubeconfig": "apiVersion: v1\nusers: [token: abc]" },
      extraSecret: ["kubernets:kubeconfig"],
      expected: [`kubernets:kubeconfig ("[secret]") is in namespace "kubernets", which nothing defines: did you mean "kubernetes:kubeconfig"? Rename it`],
    },
  ],
};

describe("hostile stack files are refused at load with every problem named", () => {
  for (const [category, list] of Object.entries(HOSTILE)) {
    describe(category, () => {
      for (const c of list) {
        it(c.name, () => {
          expect(problemsOfCase(c)).toEqual(c.expected);
        });
      }
    });
  }

  it("every case is refused as a whole stack file too (what `platform render` reads)", () => {
    for (const list of Object.values(HOSTILE)) {
      for (const c of list) {
        if (c.extraRaw || c.extraSecret) continue;
        expect(problemsOf(c.values).length, c.name).toBeGreaterThan(0);
      }
    }
  });
});

describe("stack file top-level keys", () => {
  it("names a misspelt `config:` with a did-you-mean, without showing its values", () => {
    const text = stackYaml(edited("dev", () => {})).replace(/^config:/m, "confg:");
    const dir = stackFolder("typo", text);
    expect(() => readStackConfig(dir, "typo")).toThrow(StackFileError);
    expect(() => readStackConfig(dir, "typo")).toThrow(
      'invalid stack file Pulumi.typo.yaml (1 problem):\n  - confg (a map of 3 keys) is not a stack file setting: did you mean "config:"? Rename it: nothing under an unknown key reaches the program',
    );
  });

  it("accepts the settings the Pulumi CLI writes (secretsprovider, encryptedkey, encryptionsalt, environment)", () => {
    const text = `secretsprovider: passphrase\nencryptionsalt: v1:abc\nencryptedkey: xyz\nenvironment: [team/dev]\n${stackYaml(edited("dev", () => {}))}`;
    expect(readStackConfig(stackFolder("ok", text), "ok").config[`${P}environment`]).toBe("dev");
  });
});

describe("provider config keys", () => {
  // The lists must be what the installed provider packages define, not a retyped guess.
  const root = path.resolve(__dirname, "../../node_modules/@pulumi");
  it("kubernetes: every ProviderArgs property of @pulumi/kubernetes", () => {
    const dts = fs.readFileSync(path.join(root, "kubernetes/provider.d.ts"), "utf8");
    const block = /export interface ProviderArgs \{([\s\S]*?)\n\}/.exec(dts)![1];
    const names = [...block.matchAll(/^ {4}(\w+)\?:/gm)].map((m) => m[1]);
    expect([...PROVIDER_CONFIG_KEYS.kubernetes].sort()).toEqual(names.sort());
  });
  for (const pkg of ["aws", "docker"]) {
    it(`${pkg}: every config variable of @pulumi/${pkg}/config/vars`, () => {
      const js = fs.readFileSync(path.join(root, pkg, "config/vars.js"), "utf8");
      const names = [...js.matchAll(/Object\.defineProperty\(exports, "(\w+)"/g)].map((m) => m[1]).filter((n) => n !== "__esModule");
      expect([...PROVIDER_CONFIG_KEYS[pkg]].sort()).toEqual(names.sort());
    });
  }
});
