import { describe, expect, it } from "vitest";
import { exemptionFor, parseUrn, workloadKey, type WorkloadExemption } from "../../policy/lib/exemptions";
import type { Workload } from "../../policy/lib/workloads";
import * as P from "../../policy/policies";
import { createPolicies } from "../../policy/policies";
import { PolicyConfigError, reconcileConfig, schemaProblems } from "../../tools/policy";
import { urn } from "./fixtures";

const CHART = urn("app-platform:monitoring:MonitoringStack$kubernetes:helm.sh/v4:Chart", "monitoring-chart");
const deployment = (name: string, namespace = "monitoring"): Workload => ({ kind: "Deployment", metadata: { name, namespace }, podLabels: {}, pod: { containers: [] } });
const args = (parent?: string) => ({ name: "resource-name", opts: { parent } as never });
const grafana: WorkloadExemption = { workload: "Deployment/monitoring/grafana", chart: "monitoring-chart", containers: ["sidecar"], reason: "the sidecar has no health endpoint" };

describe("parseUrn and workloadKey", () => {
  it("reads the last type of the chain and the name (which may hold colons and slashes)", () => {
    expect(parseUrn(CHART)).toEqual({ type: "kubernetes:helm.sh/v4:Chart", name: "monitoring-chart" });
    expect(parseUrn("urn:pulumi:prod::proj::a:b:C$kubernetes:apps/v1:Deployment::monitoring-chart:monitoring/x")).toEqual({ type: "kubernetes:apps/v1:Deployment", name: "monitoring-chart:monitoring/x" });
    expect(parseUrn("not-a-urn")).toBeUndefined();
  });
  it("names a workload Kind/namespace/name, with the default namespace and the resource name as fallbacks", () => {
    expect(workloadKey(deployment("op"), "r")).toBe("Deployment/monitoring/op");
    expect(workloadKey({ ...deployment("op"), metadata: {} }, "r")).toBe("Deployment/default/r");
  });
});

describe("exemptionFor", () => {
  it("matches kind, namespace, name and the parent Chart by type and name", () => {
    expect(exemptionFor([grafana], deployment("grafana"), args(CHART), "sidecar")).toBe(grafana);
    expect(exemptionFor([grafana], deployment("grafana"), args(undefined), "sidecar")).toBeUndefined();
    expect(exemptionFor([grafana], deployment("grafana"), args(urn("kubernetes:helm.sh/v4:Chart", "other-chart")), "sidecar")).toBeUndefined();
    expect(exemptionFor([grafana], deployment("grafana"), args(urn("app-platform:x:Component", "monitoring-chart")), "sidecar")).toBeUndefined();
    expect(exemptionFor([grafana], deployment("grafana", "apps"), args(CHART), "sidecar")).toBeUndefined();
    expect(exemptionFor([grafana], { ...deployment("grafana"), kind: "StatefulSet" }, args(CHART), "sidecar")).toBeUndefined();
  });
  it("an exemption limited to containers covers only those, never a workload-wide check", () => {
    expect(exemptionFor([grafana], deployment("grafana"), args(CHART), "grafana")).toBeUndefined();
    expect(exemptionFor([grafana], deployment("grafana"), args(CHART))).toBeUndefined();
    const whole = { ...grafana, containers: undefined };
    expect(exemptionFor([whole], deployment("grafana"), args(CHART))).toBe(whole);
    expect(exemptionFor([whole], deployment("grafana"), args(CHART), "anything")).toBe(whole);
  });
  it("without a chart, the workload key alone matches (for the program's own workloads)", () => {
    const own = { workload: "Deployment/apps/web", reason: "reads the API for a test case" };
    expect(exemptionFor([own], deployment("web", "apps"), args(undefined))).toBe(own);
    expect(exemptionFor(undefined, deployment("web", "apps"), args(undefined))).toBeUndefined();
  });
});

describe("exemption config is validated by the schema, offline as by the CLI", () => {
  const reconcile = (entry: unknown) => () => reconcileConfig([P.noServiceAccountToken()], { "no-service-account-token": { properties: { allowedWorkloads: [entry] } } });

  it("accepts a complete entry", () => {
    expect(reconcile({ workload: "Deployment/monitoring/kube-prometheus-stack-operator", chart: "monitoring-chart", reason: "reconciles Prometheus through the API" })).not.toThrow();
  });
  it("refuses an entry without a reason, with a short reason, with an unknown key or a malformed workload, naming each problem", () => {
    expect(reconcile({ workload: "Deployment/monitoring/x" })).toThrow(new PolicyConfigError("policy pack configuration is invalid:\n  no-service-account-token: allowedWorkloads.0: reason is required"));
    expect(reconcile({ workload: "Deployment/monitoring/x", reason: "because" })).toThrow("no-service-account-token: allowedWorkloads.0.reason: String length must be greater than or equal to 20");
    expect(reconcile({ workload: "Deployment/monitoring/x", reason: "calls the API to list pods", why: "x" })).toThrow("no-service-account-token: allowedWorkloads.0: Additional property why is not allowed");
    expect(reconcile({ workload: "monitoring/x", reason: "calls the API to list pods" })).toThrow(/allowedWorkloads\.0\.workload: Does not match pattern/);
    expect(reconcile("monitoring/x")).toThrow("no-service-account-token: allowedWorkloads.0: Invalid type. Expected: object, given: string");
  });
  it("schemaProblems checks nested objects, minLength and pattern", () => {
    const schema = { type: "object", properties: { a: { type: "string", minLength: 2, pattern: "^x" } }, required: ["a"], additionalProperties: false };
    expect(schemaProblems(schema, { a: "xy" }, "p")).toEqual([]);
    expect(schemaProblems(schema, { a: "y" }, "p")).toEqual(["p.a: String length must be greater than or equal to 2", "p.a: Does not match pattern '^x'"]);
    expect(schemaProblems(schema, {}, "p")).toEqual(["p: a is required"]);
  });
  it("only the policies a workload can be unable to meet by design take exemptions; the rest stay strict", () => {
    const exemptible = createPolicies()
      .filter((p) => p.configSchema?.properties && "allowedWorkloads" in p.configSchema.properties)
      .map((p) => p.name)
      .sort();
    expect(exemptible).toEqual(["allowed-registries", "container-probes", "no-host-namespaces", "no-host-path-volumes", "no-host-ports", "no-service-account-token", "readiness-differs-from-liveness"]);
  });
});
