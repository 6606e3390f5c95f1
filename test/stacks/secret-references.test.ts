// A service may reference only Secrets that exist when its pods start: those the program creates
// in the apps namespace, or those the stack declares under providedSecrets. A reference to any
// other Secret leaves the pods in CreateContainerConfigError (Kubernetes does not start a
// container whose secretKeyRef names a missing Secret or key, unless the ref is optional).
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { edited, problemsOf, load } from "./fixtures";
import { renderInChild } from "../../tools/render/subprocess";
import { REPO_ROOT } from "../../tools/render/mock-runtime";
import { appsNamespaceSecrets } from "../../components/secrets/catalog";

const ref = (secretName: string, key: string) => ({ DATABASE_PASSWORD: { secretName, key } });
const CREATED = '("postgres-credentials", "redis-credentials")';

describe("secretSettings references", () => {
  it("refuses a Secret that nothing creates (orders-api-db, as the stacks had it)", () => {
    const v = edited("production", (x) => (x.services[0].secretSettings = ref("orders-api-db", "password")));
    expect(problemsOf(v)).toEqual([
      `app-platform:services[0].secretSettings.DATABASE_PASSWORD.secretName ("orders-api-db") is neither a Secret this program creates in namespace "apps" ${CREATED} nor one declared under providedSecrets: pods referencing a missing Secret never start; reference one of those, or create the Secret outside the program and declare it (\`providedSecrets: [{ name: ..., keys: [...], description: "who creates it" }]\`, see README "Secrets you provide")`,
    ]);
  });

  it("accepts the program's own Secrets with their keys", () => {
    expect(problemsOf(edited("staging", (x) => (x.services[0].secretSettings = ref("postgres-credentials", "password"))))).toEqual([]);
    expect(problemsOf(edited("staging", (x) => (x.services[0].secretSettings = { REDIS_PASSWORD: { secretName: "redis-credentials", key: "password" } })))).toEqual([]);
  });

  it("dev (in-cluster Postgres) also has the backup user's Secret", () => {
    expect(problemsOf(edited("dev", (x) => (x.services[0].secretSettings = ref("postgres-backup-credentials", "password"))))).toEqual([]);
    expect(problemsOf(edited("staging", (x) => (x.services[0].secretSettings = ref("postgres-backup-credentials", "password"))))[0]).toContain(
      'secretName ("postgres-backup-credentials") is neither a Secret this program creates',
    );
  });

  it("refuses a key the Secret does not hold", () => {
    expect(problemsOf(edited("staging", (x) => (x.services[0].secretSettings = ref("redis-credentials", "username"))))).toEqual([
      'app-platform:services[0].secretSettings.DATABASE_PASSWORD.key ("username") is not a key of Secret "redis-credentials" ("password"): use one of those keys',
    ]);
  });

  it("accepts a Secret declared under providedSecrets, with its declared keys only", () => {
    const declared = (key: string) =>
      edited("production", (x) => {
        x.providedSecrets = [{ name: "orders-api-db", keys: ["password"], description: "External Secrets Operator from AWS Secrets Manager orders/db" }];
        x.services[0].secretSettings = ref("orders-api-db", key);
      });
    expect(problemsOf(declared("password"))).toEqual([]);
    expect(load(declared("password")).providedSecrets).toEqual([{ name: "orders-api-db", keys: ["password"], description: "External Secrets Operator from AWS Secrets Manager orders/db" }]);
    expect(problemsOf(declared("pass"))).toEqual([
      'app-platform:services[0].secretSettings.DATABASE_PASSWORD.key ("pass") is not a key of Secret "orders-api-db" ("password"): use one of those keys',
    ]);
  });

  it("refuses a declaration that shadows a Secret of the program, or a duplicate", () => {
    const v = edited("staging", (x) => {
      x.providedSecrets = [
        { name: "postgres-credentials", keys: ["password"], description: "x" },
        { name: "api-token", keys: ["token"], description: "y" },
        { name: "api-token", keys: ["token"], description: "z" },
      ];
    });
    expect(problemsOf(v)).toEqual([
      'app-platform:providedSecrets[0].name ("postgres-credentials") is a Secret this program creates in namespace "apps": remove the declaration and reference the program\'s Secret',
      'app-platform:providedSecrets[2].name ("api-token") duplicates providedSecrets[1].name: declare each Secret once',
    ]);
  });

  it("refuses a malformed declaration, naming the field", () => {
    const v = edited("staging", (x) => (x.providedSecrets = [{ name: "Bad_Name", keys: [], description: "x" }]));
    expect(problemsOf(v)).toEqual([
      "app-platform:providedSecrets[0].name (\"Bad_Name\") must be a Kubernetes object name (lowercase letters, digits, '-' and '.')",
      "app-platform:providedSecrets[0].keys ([]) must have at least 1 entry",
    ]);
  });
});

describe("every stack's render", () => {
  it.each(["dev", "staging", "production"])("%s: every secretKeyRef of a service names a Secret and key the render creates in its namespace", async (stack) => {
    const r = await renderInChild({ stack });
    if (!r.ok) throw new Error(r.stderr);
    const doc = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
    const provided = new Set(((doc.config["app-platform:providedSecrets"] ?? []) as { name: string }[]).map((p) => p.name));
    const secrets = r.result.resources.filter((x) => x.inputs.kind === "Secret").map((x) => x.inputs as any);
    const deployments = r.result.resources.filter((x) => x.inputs.kind === "Deployment" && x.type === "kubernetes:apps/v1:Deployment").map((x) => x.inputs as any);
    let refs = 0;
    for (const d of deployments) {
      for (const c of d.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          const k = e.valueFrom?.secretKeyRef;
          if (!k) continue;
          refs++;
          if (provided.has(k.name)) continue;
          const s = secrets.find((x) => x.metadata.name === k.name && x.metadata.namespace === d.metadata.namespace);
          expect(s, `${d.metadata.namespace}/${d.metadata.name} ${e.name} -> Secret ${k.name}`).toBeDefined();
        }
      }
    }
    if (stack !== "dev") expect(refs).toBeGreaterThan(0);
    // The list config validation trusts is what the program creates in the apps namespace.
    const mode = stack === "dev" ? "in-cluster" : "external";
    const inApps = secrets.filter((x) => x.metadata.namespace === "apps" && x.metadata.labels?.["app.kubernetes.io/component"] === "secrets").map((x) => x.metadata.name);
    expect(inApps.sort()).toEqual(appsNamespaceSecrets(mode).map((x) => x.name).sort());
  }, 120_000);
});
