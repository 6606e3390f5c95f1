import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ALERTMANAGER_CONFIG_KEY, ALERTMANAGER_CONFIG_SECRET, APP_LABELS } from "../../components/monitoring/contract";
import { createPolicies } from "../../policy/policies";
import { checkStackPolicies, countViolations, readStackPackConfig, reconcileConfig, type PolicyReport } from "../../tools/policy";
import { REPO_ROOT } from "../../tools/render/mock-runtime";
import { renderInChild, stackFolder } from "../../tools/render/subprocess";

const STACKS = ["dev", "staging", "production"] as const;

/** Renders a stack (or an edited copy) in a child process and runs the pack on it. */
async function policyReport(stack: string, rootDir?: string): Promise<PolicyReport> {
  const r = await renderInChild({ stack, rootDir });
  if (!r.ok) throw new Error(`render of ${stack} failed (${r.exitCode}): ${r.stderr}`);
  return checkStackPolicies(stack, r.result.resources);
}

const describeViolations = (report: PolicyReport, level: string) =>
  report.violations.filter((v) => v.enforcementLevel === level).map((v) => `${v.policyName} ${v.urn ?? "(stack)"}: ${v.message}`);

describe("per-stack policy config", () => {
  const names = new Set(createPolicies().map((p) => p.name));

  it.each(STACKS)("%s.json names only policies of the pack and is valid for their schemas", (stack) => {
    const file = readStackPackConfig(stack);
    expect(Object.keys(file).filter((k) => k !== "all" && !names.has(k))).toEqual([]);
    expect(() => reconcileConfig(createPolicies(), file)).not.toThrow();
  });

  it("makes dev advisory, staging mandatory for security only, production mandatory throughout", () => {
    const levels = (stack: string) => {
      const cfg = reconcileConfig(createPolicies(), readStackPackConfig(stack));
      const by = (l: string) => [...cfg].filter(([, c]) => c.enforcementLevel === l).map(([n]) => n).sort();
      return { mandatory: by("mandatory"), advisory: by("advisory"), disabled: by("disabled") };
    };
    const dev = levels("dev");
    expect(dev.mandatory).toEqual([]);
    // dev pages nobody by design (DESIGN.md: paging "none"), so routing critical alerts is not checked there.
    // kind has a default StorageClass, so dev's claims need not name one.
    expect(dev.disabled).toEqual(["critical-alerts-page", "image-digest", "pinned-images", "pvc-storage-class", "s3-bucket-object-lock", "topology-spread"]);
    const staging = levels("staging");
    expect(staging.mandatory).toEqual(
      [
        "allowed-registries", "drop-all-capabilities", "grafana-admin-password", "iam-no-wildcard-admin", "namespace-default-deny", "no-external-service-types",
        "no-cluster-admin-binding", "no-cluster-secret-read", "no-rbac-wildcards",
        "no-host-namespaces", "no-host-path-volumes", "no-host-ports", "no-latest-image", "no-privilege-escalation", "no-secret-literal-env",
        "no-service-account-token", "read-only-root-filesystem", "run-as-non-root", "s3-bucket-kms-encryption", "s3-bucket-public-access-block",
        "s3-bucket-tls-only", "seccomp-runtime-default", "secretsmanager-customer-kms",
      ].sort(),
    );
    expect(staging.disabled).toEqual(["s3-bucket-object-lock"]);
    const production = levels("production");
    expect(production.advisory).toEqual([]);
    expect(production.disabled).toEqual([]);
    expect(production.mandatory).toHaveLength(names.size);
  });

  it("defaults to the names of the monitoring contract", () => {
    const cfg = reconcileConfig(createPolicies());
    expect(cfg.get("critical-alerts-page")?.properties).toMatchObject({ configSecret: ALERTMANAGER_CONFIG_SECRET, configKey: ALERTMANAGER_CONFIG_KEY });
    expect(cfg.get("service-monitoring")?.properties).toMatchObject({ nameLabel: APP_LABELS.name, roleLabel: APP_LABELS.role });
  });
});

describe("the real stacks", () => {
  it.each(STACKS)("%s has no mandatory violation", async (stack) => {
    const report = await policyReport(stack);
    expect(describeViolations(report, "mandatory")).toEqual([]);
    expect(countViolations(report).mandatory).toBe(0);
  });
});

describe("a deliberately broken copy of production", () => {
  it("reports each fault with its resource", async () => {
    const doc = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.production.yaml"), "utf8"));
    const services = doc.config["app-platform:services"];
    const orders = services.find((s: { name: string }) => s.name === "orders-api");
    // Faults the config accepts but the policies reject (an unallowed registry is now refused at load).
    orders.settings = { ...(orders.settings ?? {}), PAYMENT_API_TOKEN: "tok_live_123" }; // a credential in a ConfigMap
    orders.automountServiceAccountToken = true; // an API token in every pod
    const [base, broken] = await Promise.all([policyReport("production"), policyReport("production", stackFolder("production", stringify(doc)))]);
    const key = (v: PolicyReport["violations"][number]) => `${v.enforcementLevel} ${v.policyName} ${v.urn ?? "(stack)"}: ${v.message}`;
    const before = new Set(base.violations.map(key));
    const added = broken.violations.map(key).filter((k) => !before.has(k)).sort();
    const at = (type: string, name: string) => `urn:pulumi:production::app-platform::app-platform:app:BlueGreenService$${type}::${name}`;
    expect(added).toEqual(
      [
        `mandatory no-secret-literal-env ${at("kubernetes:core/v1:ConfigMap", "app-orders-api-settings")}: ConfigMap apps/orders-api-settings holds PAYMENT_API_TOKEN: ConfigMaps are not encrypted and are readable by anyone with view rights; move it into a Secret.`,
        `mandatory no-service-account-token ${at("kubernetes:apps/v1:Deployment", "app-orders-api-blue")}: Deployment apps/orders-api-blue mounts the API token of service account apps/orders-api: a compromised container could call the Kubernetes API with it; set automountServiceAccountToken: false on the pod, or exempt the workload in no-service-account-token.allowedWorkloads if it calls the API.`,
        `mandatory no-service-account-token ${at("kubernetes:apps/v1:Deployment", "app-orders-api-green")}: Deployment apps/orders-api-green mounts the API token of service account apps/orders-api: a compromised container could call the Kubernetes API with it; set automountServiceAccountToken: false on the pod, or exempt the workload in no-service-account-token.allowedWorkloads if it calls the API.`,
      ].sort(),
    );
    expect(countViolations(broken).mandatory).toBe(countViolations(base).mandatory + 3);
  });
});
