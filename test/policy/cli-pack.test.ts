import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPolicies } from "../../policy/policies";
import { reconcileConfig, readStackPackConfig, runPolicyPack, type Violation } from "../../tools/policy";
import { REPO_ROOT, type RenderedResource } from "../../tools/render/mock-runtime";
import { compliantStack, find } from "./fixtures";
// The gRPC client and messages the Pulumi engine uses to talk to a policy pack.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const grpc = require("@grpc/grpc-js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pb = require("@pulumi/pulumi/proto/analyzer_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const structpb = require("google-protobuf/google/protobuf/struct_pb");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownStringValue } = require("@pulumi/policy/proxy");

/** Inputs as the engine sends them in a preview: unknowns as the SDK's sentinel. */
const engineProps = (inputs: Record<string, unknown>) => structpb.Struct.fromJavaScript(JSON.parse(JSON.stringify(inputs).replaceAll('"[unknown]"', JSON.stringify(unknownStringValue))));

const LEVELS: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

/**
 * The real pack (policy/index.ts, whose PolicyPack serves gRPC as under `pulumi preview`), driven
 * the way the engine drives it: Configure with the reconciled config, Analyze each resource,
 * AnalyzeStack at the end.
 */
class PackUnderTest {
  private child?: ChildProcess;
  private client: any;

  async start(): Promise<void> {
    // cwd policy/: the pack reads its version from the package.json there, as under the CLI.
    this.child = spawn(process.execPath, ["--import", "tsx", "index.ts"], { cwd: path.join(REPO_ROOT, "policy"), stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      let err = "";
      this.child!.stdout!.on("data", (d) => {
        out += d;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(m[1]);
      });
      this.child!.stderr!.on("data", (d) => (err += d));
      this.child!.on("exit", (code) => reject(new Error(`policy pack exited (${code}): ${err}`)));
    });
    this.client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  stop(): void {
    this.client?.close();
    if (this.child?.pid) process.kill(this.child.pid);
  }

  private call<T>(method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => this.client[method](req, (err: unknown, res: T) => (err ? reject(err) : resolve(res))));
  }

  async configure(stack: string): Promise<void> {
    const req = new pb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, c] of reconcileConfig(createPolicies(), readStackPackConfig(stack))) {
      const pc = new pb.PolicyConfig();
      pc.setEnforcementlevel(LEVELS[c.enforcementLevel ?? "mandatory"]);
      pc.setProperties(structpb.Struct.fromJavaScript(c.properties));
      map.set(name, pc);
    }
    await this.call("configure", req);
  }

  /** Every diagnostic of one preview: `level policy urn: message` (the CLI's message is description + "\n" + ours). */
  async preview(resources: RenderedResource[]): Promise<string[]> {
    const lines: string[] = [];
    const collect = (res: any, fallbackUrn?: string) => {
      for (const d of res.getDiagnosticsList()) {
        const level = Object.keys(LEVELS).find((k) => LEVELS[k] === d.getEnforcementlevel());
        lines.push(`${level} ${d.getPolicyname()} ${d.getUrn() || fallbackUrn || "(stack)"}: ${d.getMessage().split("\n").slice(1).join("\n") || d.getMessage()}`);
      }
    };
    const opts = () => new pb.AnalyzerResourceOptions();
    for (const r of resources) {
      const req = new pb.AnalyzeRequest();
      req.setType(r.type);
      req.setName(r.name);
      req.setUrn(r.urn);
      req.setProperties(engineProps(r.inputs));
      req.setOptions(opts());
      collect(await this.call("analyze", req), r.urn);
    }
    const stack = new pb.AnalyzeStackRequest();
    stack.setResourcesList(
      resources.map((r) => {
        const a = new pb.AnalyzerResource();
        a.setType(r.type);
        a.setName(r.name);
        a.setUrn(r.urn);
        a.setProperties(engineProps(r.inputs));
        a.setOptions(opts());
        if (r.parent) a.setParent(r.parent);
        a.setDependenciesList(r.dependsOn);
        return a;
      }),
    );
    collect(await this.call("analyzeStack", stack));
    return lines.sort();
  }
}

const line = (v: Violation) => `${v.enforcementLevel} ${v.policyName} ${v.urn ?? "(stack)"}: ${v.message}`;

/** The fixture stack with one fault per group of policies. */
function faulty(): RenderedResource[] {
  const rs = compliantStack();
  const web = find(rs, "web-blue", "kubernetes:apps/v1:Deployment");
  web.spec.replicas = 3;
  web.spec.template.spec.containers[0].image = "bitnami/nginx:latest";
  web.spec.template.spec.hostNetwork = true;
  // An image not known until another resource exists: the policies reading it cannot run.
  web.spec.template.spec.containers.push({ ...web.spec.template.spec.containers[0], name: "sidecar", image: "[unknown]" });
  find(rs, "web-blue", "kubernetes:policy/v1:PodDisruptionBudget").spec = { minAvailable: 2, selector: { matchLabels: { "app.kubernetes.io/name": "web" } } };
  find(rs, "default-deny-apps").spec.ingress = [{}];
  find(rs, "backups-versioning").versioningConfiguration.status = "Suspended";
  find(rs, "backup-tools").imageTagMutability = "MUTABLE";
  const s = find(rs, "alertmanager-config");
  s.stringData["alertmanager.yaml"] = s.stringData["alertmanager.yaml"].replace("receiver: pager", "receiver: chat");
  return rs;
}

describe("the pack under the engine's protocol and the offline runner agree", () => {
  const pack = new PackUnderTest();
  beforeAll(() => pack.start(), 60_000);
  afterAll(() => pack.stop());

  it.each(["production", "staging", "dev"])("with %s's config, on a stack with faults in every group", async (stack) => {
    await pack.configure(stack);
    const rs = faulty();
    const cli = await pack.preview(rs);
    const ours = await runPolicyPack({ resources: rs, policies: createPolicies(), config: readStackPackConfig(stack), packEnforcementLevel: "mandatory" });
    expect(ours.violations.map(line).sort()).toEqual(cli);
    const levels = new Set(cli.filter((l) => !l.includes("can't run policy")).map((l) => l.split(" ")[0]));
    expect([...levels].sort()).toEqual({ production: ["mandatory"], staging: ["advisory", "mandatory"], dev: ["advisory"] }[stack]);
    expect(cli.length).toBeGreaterThanOrEqual(7);
    expect(cli.filter((l) => l.startsWith("advisory no-latest-image") && l.includes("can't run policy 'no-latest-image'"))).toHaveLength(1);
  });

  it("and on the compliant stack both report nothing", async () => {
    await pack.configure("production");
    expect(await pack.preview(compliantStack())).toEqual([]);
  });
});
