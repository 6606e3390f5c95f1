import * as k8s from "@pulumi/kubernetes";
import type { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import * as P from "../../policy/policies";
import type { PlatformPolicy } from "../../policy/lib/policy";
import { parsePackConfig, PolicyConfigError, reconcileConfig, runPolicyPack } from "../../tools/policy";
import { compliantStack, find, rec, urn } from "./fixtures";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = require("@pulumi/policy/server");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzerpb = require("@pulumi/pulumi/proto/analyzer_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const structpb = require("google-protobuf/google/protobuf/struct_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownStringValue } = require("@pulumi/policy/proxy");

const DEPLOY = "kubernetes:apps/v1:Deployment";

/** Runs @pulumi/policy's own Analyze RPC handler (what the CLI calls) on one resource. */
async function analyzeWithCli(policy: PlatformPolicy, type: string, name: string, props: Record<string, unknown>) {
  const req = new analyzerpb.AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(urn(type, name));
  req.setProperties(structpb.Struct.fromJavaScript(props));
  req.setOptions(new analyzerpb.AnalyzerResourceOptions());
  const fn = server.makeAnalyzeRpcFun("app-platform", "0.1.0", "mandatory", [policy]);
  const res = await new Promise<any>((resolve, reject) => fn({ request: req }, (err: unknown, r: unknown) => (err ? reject(err) : resolve(r))));
  return res.getDiagnosticsList().map((d: any) => ({ message: d.getMessage(), urn: d.getUrn() }));
}

describe("runPolicyPack mirrors the CLI's analyzer", () => {
  it("gives the same diagnostics as @pulumi/policy's Analyze handler, violations and unknowns alike", async () => {
    const rs = compliantStack();
    const inputs = find(rs, "web-blue", DEPLOY);
    inputs.spec.template.spec.containers[0].image = "ghcr.io/org/web:latest";
    inputs.spec.template.spec.containers.push({ ...inputs.spec.template.spec.containers[0], name: "sidecar", image: "[unknown]" });
    const policy = P.noLatestImage();
    const ours = await runPolicyPack({ resources: [rs.find((r) => r.name === "web-blue" && r.type === DEPLOY)!], policies: [policy], packEnforcementLevel: "mandatory" });
    // The CLI sees the unknown as its sentinel, and prefixes the description to each message.
    const cliProps = JSON.parse(JSON.stringify(inputs).replace('"[unknown]"', JSON.stringify(unknownStringValue)));
    const cli = await analyzeWithCli(policy, DEPLOY, "web-blue", cliProps);
    expect(ours.violations.filter((v) => v.kind === "violation").map((v) => `${v.description}\n${v.message}`)).toEqual(cli.map((d: { message: string }) => d.message).filter((m: string) => !m.startsWith("can't run")));
    expect(ours.violations.filter((v) => v.kind === "unknown").map((v) => v.message)).toEqual(cli.map((d: { message: string }) => d.message).filter((m: string) => m.startsWith("can't run")));
    expect(ours.violations.map((v) => [v.kind, v.enforcementLevel])).toEqual([
      ["violation", "mandatory"],
      ["unknown", "advisory"],
    ]);
    expect(ours.violations[1].message).toBe(
      "can't run policy 'no-latest-image' from policy pack 'app-platform@v0.1.0' during preview: string value at .spec.template.spec.containers.1.image can't be known during preview",
    );
  });

  it("does not trip over unknown values a policy never reads", async () => {
    const rs = compliantStack();
    find(rs, "web-blue", DEPLOY).metadata.annotations = { "checksum/config": "[unknown]" };
    const report = await runPolicyPack({ resources: rs, policies: [P.containerResources(), P.noLatestImage()] });
    expect(report.violations).toEqual([]);
  });

  it("treats a secret placeholder as unknowable offline: the policy that reads it reports that it could not run", async () => {
    const rs = compliantStack();
    find(rs, "alertmanager-config").stringData["alertmanager.yaml"] = "[secret]";
    const report = await runPolicyPack({ resources: rs, policies: [P.criticalAlertsPage()], packEnforcementLevel: "mandatory" });
    expect(report.violations).toEqual([
      {
        policyName: "critical-alerts-page",
        description: "Every critical alert routes to a receiver that pages (PagerDuty, Opsgenie, ...).",
        message: `can't run policy 'critical-alerts-page' from policy pack 'app-platform@v0.1.0' during preview: secret value at .stringData.alertmanager.yaml can't be known offline (the render replaces secrets with "[secret]")`,
        urn: undefined,
        enforcementLevel: "advisory",
        severity: "critical",
        kind: "unknown",
      },
    ]);
  });

  it("passes resource policies the args @pulumi/policy builds, and stack policies resolved parents and dependencies", async () => {
    const seen: { resource?: ResourceValidationArgs; stack?: StackValidationArgs } = {};
    const rs = [
      rec("app-platform:app:BlueGreenService", "web", {}, { custom: false }),
      rec(DEPLOY, "web-blue", { metadata: { name: "web-blue" } }, { parent: urn("app-platform:app:BlueGreenService", "web"), dependsOn: [urn("kubernetes:core/v1:Namespace", "apps")] }),
      rec("kubernetes:core/v1:Namespace", "apps", { metadata: { name: "apps" } }),
    ];
    const probe: PlatformPolicy = {
      name: "probe-resource",
      description: "records its args",
      validateResource: (args) => {
        if (args.isType(k8s.apps.v1.Deployment)) seen.resource = args;
        else args.notApplicable("not a Deployment");
      },
    };
    const probeStack: PlatformPolicy = { name: "probe-stack", description: "records its args", validateStack: (args) => void (seen.stack = args) };
    const report = await runPolicyPack({ resources: rs, policies: [probe, probeStack], config: { "probe-resource": { properties: { x: 1 } } } });
    const a = seen.resource!;
    expect([a.type, a.name, a.urn]).toEqual([DEPLOY, "web-blue", urn(DEPLOY, "web-blue")]);
    expect(a.opts).toEqual({ protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], parent: urn("app-platform:app:BlueGreenService", "web") });
    expect(a.asType(k8s.apps.v1.Deployment)?.metadata?.name).toBe("web-blue");
    expect(a.asType(k8s.core.v1.Service)).toBeUndefined();
    expect(a.getConfig()).toEqual({ x: 1 });
    expect(a.stackTags.size).toBe(0);
    expect(report.notApplicable).toEqual([
      { policyName: "probe-resource", urn: urn("app-platform:app:BlueGreenService", "web"), reason: "not a Deployment" },
      { policyName: "probe-resource", urn: urn("kubernetes:core/v1:Namespace", "apps"), reason: "not a Deployment" },
    ]);
    const d = seen.stack!.resources.find((r) => r.name === "web-blue") as PolicyResource;
    expect(d.parent?.type).toBe("app-platform:app:BlueGreenService");
    expect(d.dependencies.map((x) => x.name)).toEqual(["apps"]);
    expect(d.propertyDependencies).toEqual({});
    expect(d.isType(k8s.apps.v1.Deployment)).toBe(true);
  });

  it("propagates an exception from a policy, as it fails a preview", async () => {
    const broken: PlatformPolicy = { name: "broken", description: "throws", validateResource: () => { throw new Error("boom"); } };
    await expect(runPolicyPack({ resources: compliantStack().slice(0, 2), policies: [broken] })).rejects.toThrow(/Error validating resource with policy 'broken' from policy pack 'app-platform@v0.1.0': Error: boom/);
  });
});

describe("enforcement levels", () => {
  const faulty = () => {
    const rs = compliantStack();
    find(rs, "web-blue", DEPLOY).spec.template.spec.containers[0].image = "ghcr.io/org/web:latest";
    find(rs, "backups-key").enableKeyRotation = false;
    return rs;
  };
  const levels = async (config: Record<string, unknown>, packLevel?: "advisory" | "mandatory") => {
    const report = await runPolicyPack({ resources: faulty(), policies: [P.noLatestImage(), P.kmsKeyRotation("advisory")], config: parsePackConfig(JSON.stringify(config)), packEnforcementLevel: packLevel });
    return report.violations.map((v) => `${v.policyName}:${v.enforcementLevel}`);
  };

  it("uses each policy's own level without config", async () => {
    expect(await levels({})).toEqual(["no-latest-image:mandatory", "kms-key-rotation:advisory"]);
  });
  it("lets \"all\" override every policy and a policy entry override \"all\"", async () => {
    expect(await levels({ all: "advisory" })).toEqual(["no-latest-image:advisory", "kms-key-rotation:advisory"]);
    expect(await levels({ all: "advisory", "kms-key-rotation": { enforcementLevel: "mandatory" } })).toEqual(["no-latest-image:advisory", "kms-key-rotation:mandatory"]);
  });
  it("skips a disabled policy and reports remediate as mandatory", async () => {
    expect(await levels({ "no-latest-image": "disabled", "kms-key-rotation": "remediate" })).toEqual(["kms-key-rotation:mandatory"]);
  });
  it("falls back to the pack's level for a policy without one", async () => {
    const p = { ...P.noLatestImage(), enforcementLevel: undefined };
    const report = await runPolicyPack({ resources: faulty(), policies: [p], packEnforcementLevel: "advisory" });
    expect(report.violations.map((v) => v.enforcementLevel)).toEqual(["advisory"]);
  });
});

describe("policy-pack config", () => {
  it("fills schema defaults, then applies the file's properties", () => {
    const cfg = reconcileConfig([P.minReplicas(), P.allowedRegistries("mandatory", { registries: ["ghcr.io"] })], parsePackConfig('{"min-replicas": {"minReplicas": 3}}'));
    expect(cfg.get("min-replicas")).toEqual({ enforcementLevel: "mandatory", properties: { minReplicas: 3, allowParked: true, namespaces: [] } });
    expect(cfg.get("allowed-registries")?.properties).toEqual({ registries: ["ghcr.io"], allowedWorkloads: [] });
  });
  it("rejects invalid levels and values with every problem named", () => {
    expect(() => parsePackConfig('{"all": "strict"}')).toThrow('parsing enforcement level for "all": "strict" is not a valid enforcement level');
    expect(() => parsePackConfig('{"x": 3}')).toThrow('parsing "x": 3 is not a valid value; must be a string or object');
    expect(() => reconcileConfig([P.minReplicas(), P.allowedRegistries()], parsePackConfig('{"min-replicas": {"minReplicas": 0}, "allowed-registries": {"registries": "ghcr.io"}}'))).toThrow(
      new PolicyConfigError("policy pack configuration is invalid:\n  min-replicas: minReplicas: Must be greater than or equal to 1\n  allowed-registries: registries: Invalid type. Expected: array, given: string"),
    );
  });
});
