import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { REPO_ROOT } from "../render/mock-runtime";
import { readStackConfig } from "../render/stack-files";
import { sleep } from "../programs";
import { ANALYSIS_CONFIG_KEY, AnalysisConfigError, analysisSettings, prometheusQuery, PrometheusQueryError } from "../delivery/analysis";
import { BACKUP_CRONJOB } from "../../components/monitoring/contract";
import { formatResult, PromotionError, rollback, type PromotionDeps, type PromotionRequest, type PromotionResult, type StackOps } from "../delivery/promotion";
import { release, releaseRequestFromConfig, releaseSlackMessage, releaseSummary, type ReleaseOps, type ReleaseRequest, type ReleaseResult } from "../delivery/canary";
import { kubectlReleaseOps } from "../delivery/kube-ops";
import { CommandError, parseArgs, validateStack } from "./shared";

/** Where Prometheus is when neither `--prometheus` nor PROMETHEUS_URL says: a `kubectl port-forward` on 9090. */
export const DEFAULT_PROMETHEUS_URL = "http://127.0.0.1:9090";

/**
 * Exit codes of `platform promote` / `platform rollback`: `overridden` when someone else (a
 * `platform rollback`) changed the service during the release's warm window and the release
 * left both colours as they were.
 */
export const PROMOTE_EXIT = { promoted: 0, notPromoted: 1, error: 2, overridden: 3 } as const;

/** The request and the URL of Prometheus for one stack and service, from the stack file and flags. */
export function promotionRequest(
  stack: string,
  service: string,
  flags: Record<string, string | true>,
  rootDir = REPO_ROOT,
): { req: PromotionRequest; prometheusUrl: string; monitoringNamespace: string } {
  const config = validateStack(stack, rootDir);
  const raw = readStackConfig(rootDir, stack).config[ANALYSIS_CONFIG_KEY];
  let settings;
  try {
    settings = analysisSettings(raw === undefined ? undefined : JSON.parse(raw), service);
  } catch (e) {
    if (e instanceof AnalysisConfigError) throw new CommandError(`Pulumi.${stack}.yaml: ${e.message}`);
    throw new CommandError(`Pulumi.${stack}.yaml: ${ANALYSIS_CONFIG_KEY} is not a YAML map: ${(e as Error).message}`);
  }
  const own = config.services.find((s) => s.name === service);
  if (!own) {
    throw new CommandError(`service "${service}" is not in Pulumi.${stack}.yaml (known: ${config.services.map((s) => s.name).join(", ") || "none"})`);
  }
  const prometheusUrl = typeof flags.prometheus === "string" ? flags.prometheus : (process.env.PROMETHEUS_URL ?? DEFAULT_PROMETHEUS_URL);
  const nonUserPaths = { metricsPath: own.metricsPath, probes: own.probes };
  return {
    req: { service, namespace: config.namespaces.apps, settings, nonUserPaths, scaleDownDelaySeconds: own.strategy.scaleDownDelaySeconds },
    prometheusUrl,
    monitoringNamespace: config.namespaces.monitoring,
  };
}

/** How to get the Pulumi CLI, for messages when it is missing. */
export const PULUMI_CLI_HINT =
  "install it (https://www.pulumi.com/docs/iac/download-install/; `curl -fsSL https://get.pulumi.com | sh` puts it in ~/.pulumi/bin, add that to PATH), " +
  "log in (`pulumi login`, or `pulumi login --local` for dev), select the stack once (`pulumi stack select <stack>`), and run this again";

/** The `pulumi` executable on `searchPath` (a PATH value), or undefined. */
export function findOnPath(program: string, searchPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, program);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Loads the Automation API. Through require(), not import(): under a CommonJS TypeScript loader
 * import() goes to Node's ES module resolver, which refuses the directory specifier
 * "@pulumi/pulumi/automation" ("Directory import ... is not supported").
 */
function loadAutomation(): typeof import("@pulumi/pulumi/automation") {
  return createRequire(__filename)("@pulumi/pulumi/automation");
}

/**
 * The Pulumi CLI's own complaint inside an Automation API error (`code: 1\n stdout: ...\n
 * stderr: ...\n err?: ...`): its stderr lines other than the "Command failed" banner.
 */
export function pulumiError(message: string): string {
  const m = /stderr:([\s\S]*?)(?:\n\s*err\?:|$)/.exec(message);
  const lines = (m ? m[1] : message).split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const own = lines.filter((l) => !/^Command failed/.test(l));
  return (own.length > 0 ? own : lines).join("; ") || "no message";
}

/**
 * The whole release request of a service: its strategy, steps and dwell, the gate thresholds
 * (`delivery:analysis` with the service's `strategy.analysis` on top), the pre-release backup
 * (production with backups), its migration and smoke test (`--preview-url` replaces the smoke
 * test's base URL, e.g. for a `kubectl port-forward` to the preview Service).
 */
export function releaseRequest(stack: string, service: string, flags: Record<string, string | true>, rootDir = REPO_ROOT): { req: ReleaseRequest; prometheusUrl: string } {
  const { req, prometheusUrl } = promotionRequest(stack, service, flags, rootDir);
  const previewUrl = typeof flags["preview-url"] === "string" ? flags["preview-url"] : undefined;
  return { prometheusUrl, req: releaseRequestFromConfig(validateStack(stack, rootDir), service, req.settings, previewUrl) };
}

/** Where `platform promote` writes its Markdown summary: `--summary FILE`, and GitHub's job summary when set. */
function writeSummary(text: string, flags: Record<string, string | true>): void {
  for (const file of [typeof flags.summary === "string" ? flags.summary : undefined, process.env.GITHUB_STEP_SUMMARY]) {
    if (file) fs.appendFileSync(file, text + "\n");
  }
}

/** Selects the stack with the Automation API (the Pulumi CLI must be installed and logged in). */
async function selectStack(stack: string, rootDir: string, kind: string): Promise<StackOps> {
  // The Automation API drives the `pulumi` program; without it every call fails with a spawn
  // error, so say what is missing before trying.
  if (!findOnPath("pulumi")) {
    throw new CommandError(`platform ${kind}: the Pulumi CLI (\`pulumi\`) is not on PATH, and ${kind} changes the stack through it: ${PULUMI_CLI_HINT}.`);
  }
  const { LocalWorkspace } = loadAutomation();
  try {
    return await LocalWorkspace.selectStack({ stackName: stack, workDir: rootDir });
  } catch (e) {
    throw new CommandError(`platform ${kind}: the Pulumi CLI cannot select stack ${stack} (${pulumiError((e as Error).message)}): ${PULUMI_CLI_HINT}.`);
  }
}

/** Runs promote or rollback with real seams and prints the timed steps. */
export async function runPromotion(
  kind: "promote" | "rollback",
  argv: readonly string[],
  makeStack: (stack: string, rootDir: string, kind: string) => Promise<StackOps> = selectStack,
  makeOps: (namespace: string, backupNamespace: string, backupTimeoutSeconds: number) => ReleaseOps = (ns, bns, t) => kubectlReleaseOps(ns, { namespace: bns, cronJob: BACKUP_CRONJOB, timeoutSeconds: t }),
  rootDir = REPO_ROOT,
): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [stack, service] = positional;
  if (!stack || !service) throw new CommandError(`usage: platform ${kind} <stack> <service> [--prometheus URL]${kind === "promote" ? " [--preview-url URL] [--summary FILE] [--slack FILE]" : ""}`);
  const { req: full, prometheusUrl } = releaseRequest(stack, service, flags, rootDir);
  const { monitoringNamespace } = promotionRequest(stack, service, flags, rootDir);
  const req: PromotionRequest = { service: full.service, namespace: full.namespace, settings: full.settings, nonUserPaths: full.nonUserPaths, scaleDownDelaySeconds: full.scaleDownDelaySeconds };
  const config = validateStack(stack, rootDir);
  const started = Date.now();
  const deps: PromotionDeps = {
    stack: await makeStack(stack, rootDir, kind),
    query: prometheusQuery(prometheusUrl),
    now: () => Date.now(),
    sleep,
    log: (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`),
  };
  let result: PromotionResult | ReleaseResult;
  try {
    result =
      kind === "promote"
        ? await release(deps, makeOps(config.namespaces.apps, config.namespaces.backup, config.backup.timeoutMinutes * 60), full)
        : await rollback(deps, req);
  } catch (e) {
    if (e instanceof PrometheusQueryError && e.message.startsWith("cannot query Prometheus")) {
      // Prometheus runs in the cluster; the operator gives every Prometheus the governing Service prometheus-operated.
      throw new CommandError(
        `platform ${kind}: ${e.message}\nPrometheus runs in the cluster: forward it with \`kubectl -n ${monitoringNamespace} port-forward svc/prometheus-operated 9090:9090\`, or pass --prometheus URL (or set PROMETHEUS_URL).`,
      );
    }
    if (e instanceof PromotionError || e instanceof PrometheusQueryError) throw new CommandError(`platform ${kind}: ${e.message}`);
    throw new CommandError(`platform ${kind}: ${(e as Error).message}\nThe stack is as the last successful step left it; check \`pulumi config\` and \`pulumi stack\` before retrying.`);
  }
  console.log(formatResult(result as PromotionResult).join("\n"));
  if (kind === "promote") {
    writeSummary(releaseSummary(result as ReleaseResult, stack), flags);
    // A Slack incoming-webhook payload for the pipeline to post (`--slack FILE`).
    if (typeof flags.slack === "string") fs.writeFileSync(flags.slack, JSON.stringify(releaseSlackMessage(result as ReleaseResult, stack)));
  }
  if (result.outcome === "overridden") return PROMOTE_EXIT.overridden;
  return result.outcome === "promoted" || result.outcome === "switched-back" ? PROMOTE_EXIT.promoted : PROMOTE_EXIT.notPromoted;
}

/** `platform promote <stack> <service>`: exit 0 promoted, 1 aborted or rolled back, 2 error, 3 overridden in the warm window. */
export function promoteCommand(argv: readonly string[]): Promise<number> {
  return runPromotion("promote", argv);
}
