// GeneratedSecret and PlatformSecrets under Pulumi's mocks: defaults of every args field,
// validation messages, Kubernetes copies, Secrets Manager storage, secrecy of the values.
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { beforeAll, describe, expect, it } from "vitest";
import { GeneratedSecret, PlatformSecrets } from "../../../components/secrets";
import { load, edited } from "../../stacks/fixtures";

interface Registration { type: string; name: string; inputs: any }
const registrations: Registration[] = [];
const errors: Record<string, string> = {};
const outputs: Record<string, { value: unknown; secret: boolean }> = {};

function attempt(name: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    errors[name] = (e as Error).message;
  }
}

async function capture(name: string, o: pulumi.Output<unknown>): Promise<void> {
  const secret = await (o as any).isSecret;
  const value = await (o as any).promise();
  outputs[name] = { value, secret };
}

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") state.result = `generated-${args.name}`;
        if (args.type.startsWith("aws:")) state.arn = `arn:aws:mock:${args.name}`;
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    "app-platform",
    "test",
  );
  // Only the required fields: every default in use.
  const d = new GeneratedSecret("defaults", { environment: "dev", component: "c", description: "d", rotation: "initial", secretName: "s" });
  await capture("defaults.password", d.password);
  new GeneratedSecret("full", {
    environment: "staging", component: "monitoring", description: "Grafana admin", rotation: "2026-01", secretName: "grafana-admin",
    length: 48, special: true, namespaces: ["monitoring"], renamedCopies: [{ namespace: "apps", secretName: "grafana-copy" }],
    passwordKey: "admin-password", staticData: { "admin-user": "admin" },
    secretsManager: { kmsKeyId: "arn:aws:kms:eu-west-1:1:key/k", recoveryWindowInDays: 14, name: "app-platform/staging/grafana-admin" },
  });
  attempt("short", () => new GeneratedSecret("short", { environment: "dev", component: "c", description: "d", rotation: "r", secretName: "s", length: 12 }));
  attempt("conflict", () => new GeneratedSecret("conflict", { environment: "dev", component: "c", description: "d", rotation: "r", secretName: "s", staticData: { password: "x" } }));
  attempt("window", () => new GeneratedSecret("window", { environment: "dev", component: "c", description: "d", rotation: "r", secretName: "s", secretsManager: { kmsKeyId: "k", recoveryWindowInDays: 3, name: "n" } }));

  const dev = load(edited("dev", (v) => (v.postgres = { mode: "in-cluster" })));
  const ps = new PlatformSecrets("dev", { environment: "dev", namespaces: { apps: "apps", monitoring: "monitoring", backup: "backup" }, postgres: dev.postgres, redis: dev.redis });
  await capture("dev.postgresPassword", ps.postgresPassword!);
  const staging = load(edited("staging", () => {}));
  attempt("external-no-password", () => new PlatformSecrets("ext", { environment: "staging", namespaces: { apps: "apps", monitoring: "monitoring", backup: "backup" }, postgres: staging.postgres, redis: staging.redis }));
  const nsNames = { apps: "apps", monitoring: "monitoring", backup: "backup" };
  new PlatformSecrets("consumers", {
    environment: "staging", namespaces: nsNames, postgres: staging.postgres, redis: staging.redis,
    postgresPassword: pulumi.secret("owner-pw"), redisPassword: pulumi.secret("redis-pw"),
    postgresMonitoringPassword: pulumi.secret("monitoring-pw"), postgresBackupPassword: pulumi.secret("backup-pw"),
  });
  attempt("no-monitoring", () => new PlatformSecrets("no-monitoring", {
    environment: "staging", namespaces: nsNames, postgres: staging.postgres, redis: staging.redis,
    postgresPassword: "owner-pw", redisPassword: "redis-pw", postgresBackupPassword: "backup-pw",
  }));
  attempt("no-redis", () => new PlatformSecrets("no-redis", {
    environment: "staging", namespaces: nsNames, postgres: staging.postgres, redis: staging.redis,
    postgresPassword: "owner-pw", postgresMonitoringPassword: "m", postgresBackupPassword: "b",
  }));
  await settings.disconnect();
}, 60_000);

const find = (type: string, name: string) => {
  const r = registrations.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} ${name}; have ${registrations.map((x) => x.name).join(", ")}`);
  return r.inputs;
};
const named = (prefix: string) => registrations.filter((r) => r.name === prefix || r.name.startsWith(`${prefix}-`));

describe("GeneratedSecret defaults", () => {
  it("length 32, no punctuation, regenerated only by the rotation keeper", () => {
    expect(find("random:index/randomPassword:RandomPassword", "defaults-password")).toMatchObject({ length: 32, special: false, keepers: { rotation: "initial" } });
  });
  it("namespaces and renamedCopies default to none; no Secrets Manager secret unless asked", () => {
    expect(named("defaults").map((r) => r.type).sort()).toEqual(["app-platform:secrets:GeneratedSecret", "random:index/randomPassword:RandomPassword"]);
  });
  it("the password output is a Pulumi secret", () => {
    expect(outputs["defaults.password"]).toEqual({ value: "generated-defaults-password", secret: true });
  });
});

describe("GeneratedSecret with every field", () => {
  it("passes length and special through", () => {
    expect(find("random:index/randomPassword:RandomPassword", "full-password")).toMatchObject({ length: 48, special: true, keepers: { rotation: "2026-01" } });
  });
  it("creates a Kubernetes Secret per namespace and per renamed copy, with the rotation annotated", () => {
    const first = find("kubernetes:core/v1:Secret", "full-k8s-0");
    expect(first.metadata).toMatchObject({ name: "grafana-admin", namespace: "monitoring", annotations: { "app-platform/rotation": "2026-01" } });
    expect(first.metadata.labels["app.kubernetes.io/component"]).toBe("monitoring");
    expect(first.type).toBe("Opaque");
    expect(find("kubernetes:core/v1:Secret", "full-k8s-1").metadata).toMatchObject({ name: "grafana-copy", namespace: "apps" });
  });
  it("stores the credential in Secrets Manager with KMS key, description and recovery window", () => {
    expect(find("aws:secretsmanager/secret:Secret", "full-sm")).toMatchObject({
      name: "app-platform/staging/grafana-admin",
      description: "Grafana admin",
      kmsKeyId: "arn:aws:kms:eu-west-1:1:key/k",
      recoveryWindowInDays: 14,
    });
    expect(find("aws:secretsmanager/secretVersion:SecretVersion", "full-sm-version").secretId).toBe("full-sm-id");
  });
});

describe("GeneratedSecret validation", () => {
  it("refuses a short password", () => expect(errors.short).toBe("GeneratedSecret short: length (12) must be a whole number from 16 to 128"));
  it("refuses a static key that would overwrite the password", () =>
    expect(errors.conflict).toBe('GeneratedSecret conflict: staticData.password conflicts with passwordKey "password": rename one of them'));
  it("refuses a recovery window outside 7-30", () => expect(errors.window).toBe("GeneratedSecret window: secretsManager.recoveryWindowInDays (3) must be 7-30"));
  it("creates nothing when refused", () => expect(named("short").filter((r) => r.type !== "app-platform:secrets:GeneratedSecret")).toEqual([]));
});

describe("PlatformSecrets", () => {
  it("dev: app, read-only backup and pg_monitor exporter users, Redis; object store keys only when asked (default off), no AWS", () => {
    const passwords = registrations.filter((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name.startsWith("dev-")).map((r) => r.name).sort();
    expect(passwords).toEqual(["dev-postgres-backup-password", "dev-postgres-monitoring-password", "dev-postgres-password", "dev-redis-password"]);
    // The owner's credential only where the services run; the exporter (monitoring) gets its own user.
    const pgSecrets = registrations.filter((r) => r.type === "kubernetes:core/v1:Secret" && r.name.startsWith("dev-postgres") && r.inputs.metadata.name === "postgres-credentials");
    expect(Object.fromEntries(pgSecrets.map((r) => [r.inputs.metadata.namespace, r.inputs.stringData.value.username]))).toEqual({ apps: "app", monitoring: "app_monitoring", backup: "backup" });
    expect(find("kubernetes:core/v1:Secret", "dev-postgres-monitoring-k8s-1").metadata).toMatchObject({ name: "postgres-monitoring-credentials", namespace: "apps" });
    expect(named("dev").filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(find("kubernetes:core/v1:Secret", "dev-postgres-backup-k8s-0").metadata).toMatchObject({ name: "postgres-credentials", namespace: "backup" });
    expect(find("kubernetes:core/v1:Secret", "dev-postgres-backup-k8s-1").metadata).toMatchObject({ name: "postgres-backup-credentials", namespace: "apps" });
    expect(outputs["dev.postgresPassword"].secret).toBe(true);
  });
  it("external Postgres: each namespace gets its consumer's own role, never the owner's outside apps", () => {
    const secrets = named("consumers").filter((r) => r.type === "kubernetes:core/v1:Secret" && r.inputs.metadata.name === "postgres-credentials");
    // stringData is a secret: the mock sees Pulumi's secret envelope { <sig>: ..., value }.
    const byNs = Object.fromEntries(secrets.map((r) => [r.inputs.metadata.namespace, r.inputs.stringData.value]));
    expect(byNs).toEqual({
      apps: { username: "app", password: "owner-pw" },
      monitoring: { username: "app_monitoring", password: "monitoring-pw" },
      backup: { username: "app_backup", password: "backup-pw" },
    });
    // Same child names as the former three copies: an update in place, no replacement.
    expect(secrets.map((r) => r.name).sort()).toEqual(["consumers-postgres-k8s-0", "consumers-postgres-k8s-1", "consumers-postgres-k8s-2"]);
  });
  // Invariants of the args: an external endpoint's Secret holds only a password it is given. The
  // stack-level rules (which secret to set, owner not reused as a consumer) are checked at load
  // with their config messages: test/stacks/credentials.test.ts and component-rules.test.ts.
  it("external Postgres without a consumer's password is refused, before any Secret", () => {
    expect(errors["no-monitoring"]).toBe('PlatformSecrets no-monitoring: postgresMonitoringPassword (unset) is required when postgres.mode is "external": passwords are generated only for the in-cluster instance');
    expect(named("no-monitoring").filter((r) => r.type === "kubernetes:core/v1:Secret")).toEqual([]);
  });
  it("an external endpoint without its password is refused, naming the argument", () => {
    expect(errors["external-no-password"]).toBe('PlatformSecrets ext: postgresPassword (unset) is required when postgres.mode is "external": passwords are generated only for the in-cluster instance');
    expect(errors["no-redis"]).toBe('PlatformSecrets no-redis: redisPassword (unset) is required when redis.mode is "external": passwords are generated only for the in-cluster instance');
  });
});
