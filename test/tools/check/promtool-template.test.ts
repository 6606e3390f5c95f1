// The promtool stage at scale: a stack of three services generated from production (the
// bench's generator), rendered by the real program; the SLO group is one template per service,
// tested once on the first service's series with the real promtool, and every service must
// have shipped the template's rules.
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPlatformConfig, type PlatformConfig } from "../../../stacks/config";
import { scaledStackYaml } from "../../../tools/bench/scale-stack";
import { promtoolStage, runRuleSuite } from "../../../tools/check/promtool";
import { PROGRAMS, requireProgram } from "../../../tools/harness/processes";
import { ARTIFACT_EXTRACTORS, type Artifact } from "../../../tools/render/artifacts";
import { REPO_ROOT, type RenderResult } from "../../../tools/render/mock-runtime";
import { readStackConfig } from "../../../tools/render/stack-files";
import { renderInChild, stackFolder } from "../../../tools/render/subprocess";

const SLO = "prometheus/rules/app-platform-slo.yaml";
let root: string;
let config: PlatformConfig;
let result: RenderResult;
let files: Artifact[];

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
}
const rulesOf = (text: string): Rule[] => (YAML.parse(text) as { groups: { rules: Rule[] }[] }).groups[0].rules;

beforeAll(async () => {
  requireProgram(PROGRAMS.promtool);
  const text = scaledStackYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.production.yaml"), "utf8"), 3);
  root = stackFolder("production", text);
  const sc = readStackConfig(root, "production");
  config = loadPlatformConfig(sc.config, new Set(sc.secretKeys), "production");
  const r = await renderInChild({ stack: "production", rootDir: root });
  if (!r.ok) throw new Error(`render failed: ${r.stderr}`);
  result = r.result;
  files = ARTIFACT_EXTRACTORS.flatMap((x) => x.extract(result.resources)).filter((f) => f.path.startsWith("prometheus/rules/"));
}, 180_000);

describe("promtool stage on a stack of three services", () => {
  it("tests the SLO template once, on the first service, without the other services' rules, and covers every alert", async () => {
    expect(config.services.map((s) => s.name)).toEqual(["podinfo", "orders-api", "podinfo-1"]);
    const s = await runRuleSuite(files, config);
    try {
      expect(s.check.ok, s.check.output).toBe(true);
      for (const g of s.groups) expect(g.run.ok, `${g.group}: ${g.run.output}`).toBe(true);
      expect(s.testedAlerts).toBe(s.alerts);
      // Only the SLO group is a per-service template: ServiceDown names every service in one rule.
      expect(s.templates.map((t) => [t.group, t.representative, t.services, t.missing])).toEqual([["app-platform-slo", "podinfo", 3, []]]);
      const shipped = rulesOf(files.find((f) => f.path === SLO)!.content);
      const tested = rulesOf(fs.readFileSync(path.join(s.dir, "tests", "app-platform-slo.yaml"), "utf8"));
      // What promtool tested: the shipped rules except those labelled with another service.
      expect(tested).toEqual(shipped.filter((r) => r.labels?.service === undefined || r.labels.service === "podinfo"));
      // Each service has its own recording rules, the same records as the first service's.
      const records = (name: string) => shipped.filter((r) => r.labels?.service === name).map((r) => `${r.record} ${r.labels?.slo}`);
      expect(records("podinfo").length).toBeGreaterThanOrEqual(30);
      for (const name of ["orders-api", "podinfo-1"]) expect(records(name)).toEqual(records("podinfo"));
      expect(tested.filter((r) => r.alert !== undefined).length).toBe(shipped.filter((r) => r.alert !== undefined).length);
      // The rule files promtool checked are the shipped ones, whole.
      expect(fs.readFileSync(path.join(s.dir, "app-platform-slo.yaml"), "utf8")).toBe(files.find((f) => f.path === SLO)!.content);
    } finally {
      fs.rmSync(s.dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("fails, naming the service and the rule, when one service did not get the template", async () => {
    // orders-api's 1h availability error ratio is dropped from what ships.
    const doc = YAML.parse(files.find((f) => f.path === SLO)!.content) as { groups: { rules: Rule[] }[] };
    const before = doc.groups[0].rules.length;
    doc.groups[0].rules = doc.groups[0].rules.filter((r) => !(r.record === "slo:sli_error:ratio_rate1h" && r.labels?.service === "orders-api" && r.labels.slo === "availability"));
    expect(doc.groups[0].rules).toHaveLength(before - 1);
    const edited = files.map((f) => (f.path === SLO ? { ...f, content: YAML.stringify(doc, { lineWidth: 0 }) } : f));
    const res = await promtoolStage.run({ stack: "production", outDir: root, result, files: edited, config });
    expect(res.ok).toBe(false);
    const problem = res.problems.find((p) => p.includes("lacks rules of its per-service template"));
    expect(problem).toContain(`${SLO} lacks rules of its per-service template (tested on podinfo): orders-api: slo:sli_error:ratio_rate1h`);
    expect(problem).toContain('"slo":"availability"');
    // The promtool tests themselves (on podinfo) still pass: only the template check catches it.
    expect(res.problems.filter((p) => p.startsWith("promtool test rules"))).toEqual([]);
    expect(res.reportLines?.find((l) => l.startsWith("alerts tested:"))).toMatch(/^alerts tested: (\d+)\/\1$/);
  }, 180_000);
});

describe("promtool stage on a stack of five services", () => {
  let five: { config: PlatformConfig; files: Artifact[] };
  beforeAll(async () => {
    const dir = stackFolder("production", scaledStackYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.production.yaml"), "utf8"), 5));
    const sc = readStackConfig(dir, "production");
    const r = await renderInChild({ stack: "production", rootDir: dir });
    if (!r.ok) throw new Error(`render failed: ${r.stderr}`);
    five = {
      config: loadPlatformConfig(sc.config, new Set(sc.secretKeys), "production"),
      files: ARTIFACT_EXTRACTORS.flatMap((x) => x.extract(r.result.resources)).filter((f) => f.path.startsWith("prometheus/rules/")),
    };
  }, 180_000);

  it("tests the services group on the first three services when the shipped rules are the builder's for all five", async () => {
    const s = await runRuleSuite(five.files, five.config);
    try {
      expect(s.check.ok, s.check.output).toBe(true);
      for (const g of s.groups) expect(g.run.ok, `${g.group}: ${g.run.output}`).toBe(true);
      expect(s.testedAlerts).toBe(s.alerts);
      expect(s.samples).toEqual([{ group: "app-platform-services", services: 5 }]);
      // ServiceDown as shipped checks all five services for absence; as tested, the first three.
      const serviceDown = (text: string) => rulesOf(text).find((r) => r.alert === "ServiceDown")!.expr;
      const shipped = serviceDown(five.files.find((f) => f.path === "prometheus/rules/app-platform-services.yaml")!.content);
      const tested = serviceDown(fs.readFileSync(path.join(s.dir, "tests", "app-platform-services.yaml"), "utf8"));
      const absent = (expr: string) => [...expr.matchAll(/absent\(up\{[^}]*service="([^"]+)"/g)].map((m) => m[1]);
      expect(absent(shipped)).toEqual(five.config.services.map((x) => x.name));
      expect(absent(tested)).toEqual(five.config.services.slice(0, 3).map((x) => x.name));
    } finally {
      fs.rmSync(s.dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("tests the shipped file itself when it differs from the builder's, and promtool catches the change", async () => {
    const rel = "prometheus/rules/app-platform-services.yaml";
    const files = five.files.map((f) => (f.path === rel ? { ...f, content: f.content.replace("> 0.05", "> 0.5") } : f));
    expect(files.find((f) => f.path === rel)!.content).toContain("> 0.5");
    const s = await runRuleSuite(files, five.config, { groups: ["app-platform-services"] });
    expect(s.samples).toEqual([]);
    const g = s.groups.find((x) => x.group === "app-platform-services")!;
    expect(g.run.ok).toBe(false);
    expect(g.run.output).toContain("ServiceHighErrorRatio");
    fs.rmSync(s.dir, { recursive: true, force: true });
  }, 180_000);
});
