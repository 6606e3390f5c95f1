import * as fs from "node:fs";
import * as path from "node:path";
import type { PlatformConfig } from "../../stacks/resolve";
import { runStageTool, type CheckStage } from "./stage";
import { intendedReceivers } from "../../components/monitoring/alertmanager/config";
import { MissingProgramError, PROGRAMS, requireProgram, tempDir } from "../programs";
import type { ToolRun } from "./promtool";

/** Runs amtool. Throws {@link MissingProgramError} when it is not installed. */
export function amtool(args: readonly string[]): Promise<ToolRun> {
  const bin = requireProgram(PROGRAMS.amtool);
  const file = args.find((a) => a.startsWith("--config.file="))?.slice("--config.file=".length) ?? args[args.length - 1];
  return runStageTool(bin, args, { stage: "amtool config", file, timeoutMs: 60_000 });
}

/** One routing expectation: a label set and the receivers it must reach, in order. */
export interface RouteCase {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly receivers: readonly string[];
}

/**
 * The route cases of a stack: each severity, Watchdog, and a label set no route matches,
 * each expecting the receivers the stack's receivers imply (see `intendedReceivers`).
 */
export function routeCases(config: PlatformConfig): RouteCase[] {
  const intent = intendedReceivers(config);
  const app = { namespace: config.namespaces.apps, service: config.services[0]?.name ?? "web" };
  return [
    { name: "critical", labels: { alertname: "ServiceDown", severity: "critical", ...app }, receivers: intent.critical },
    { name: "warning", labels: { alertname: "ServiceHighLatency", severity: "warning", ...app }, receivers: intent.warning },
    { name: "info", labels: { alertname: "ServiceNoTraffic", severity: "info", ...app }, receivers: intent.info },
    { name: "Watchdog", labels: { alertname: "Watchdog", severity: "info" }, receivers: intent.watchdog },
    { name: "unmatched", labels: { alertname: "SomethingElse", team: "unknown" }, receivers: intent.unmatched },
  ];
}

/** The result of checking a configuration file and testing its routes. */
export interface AlertmanagerSuite {
  readonly check: ToolRun;
  readonly routes: readonly { readonly route: RouteCase; readonly run: ToolRun; readonly got: string }[];
}

/** `amtool check-config` and `amtool config routes test --verify.receivers` for every route case. */
export async function runAlertmanagerSuite(file: string, cases: readonly RouteCase[]): Promise<AlertmanagerSuite> {
  const check = await amtool(["check-config", file]);
  const routes = [];
  for (const route of cases) {
    const labels = Object.entries(route.labels).map(([k, v]) => `${k}=${v}`);
    const run = await amtool(["config", "routes", "test", `--config.file=${file}`, `--verify.receivers=${route.receivers.join(",")}`, ...labels]);
    const got = run.output.split("\n").filter((l) => !l.startsWith("Warning:") && !l.startsWith("WARNING:"))[0] ?? "";
    routes.push({ route, run, got });
  }
  return { check, routes };
}

/** `platform check` stage: the rendered alertmanager.yaml passes amtool and routes as intended. */
export const amtoolStage: CheckStage = {
  name: "amtool config",
  async run(ctx) {
    const rel = "alertmanager/alertmanager.yaml";
    const artifact = ctx.files.find((f) => f.path === rel);
    if (!artifact) return { ok: false, summary: "no alertmanager.yaml rendered", problems: [`${rel} is missing from the render: the AlertmanagerConfig component ships it`] };
    const dir = tempDir("amtool");
    const file = path.join(dir, "alertmanager.yaml");
    fs.writeFileSync(file, artifact.content);
    try {
      const s = await runAlertmanagerSuite(file, routeCases(ctx.config));
      const problems: string[] = [];
      if (!s.check.ok) problems.push(`amtool check-config ${file}: ${s.check.output}`);
      for (const r of s.routes) {
        if (!r.run.ok) problems.push(`route "${r.route.name}" (${JSON.stringify(r.route.labels)}) reached ${r.got || "nothing"}, expected ${r.route.receivers.join(",")}`);
      }
      const passed = s.routes.filter((r) => r.run.ok).length;
      return {
        ok: problems.length === 0,
        summary: `${rel} ${s.check.ok ? "accepted" : "refused"} by amtool; ${passed}/${s.routes.length} routes as intended`,
        problems,
        reportLines: [`routes tested: ${passed}/${s.routes.length}`],
      };
    } catch (e) {
      if (e instanceof MissingProgramError) return { ok: false, summary: "amtool missing", problems: [e.message] };
      throw e;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
