import { REPO_ROOT } from "../render/harness";
import { readStackConfig } from "../render/stack-files";
import { sleep } from "../harness/processes";
import { ANALYSIS_CONFIG_KEY, AnalysisConfigError, analysisSettings, prometheusQuery, PrometheusQueryError } from "../delivery/analysis";
import { formatResult, promote, PromotionError, rollback, type PromotionDeps, type PromotionRequest, type PromotionResult, type StackOps } from "../delivery/promotion";
import { CommandError, parseArgs, validateStack } from "./shared";

/** Where Prometheus is when neither `--prometheus` nor PROMETHEUS_URL says: a `kubectl port-forward` on 9090. */
export const DEFAULT_PROMETHEUS_URL = "http://127.0.0.1:9090";

/** Exit codes of `platform promote` / `platform rollback`. */
export const PROMOTE_EXIT = { promoted: 0, notPromoted: 1, error: 2 } as const;

/** The request and the URL of Prometheus for one stack and service, from the stack file and flags. */
export function promotionRequest(stack: string, service: string, flags: Record<string, string | true>, rootDir = REPO_ROOT): { req: PromotionRequest; prometheusUrl: string } {
  const config = validateStack(stack, rootDir);
  const raw = readStackConfig(rootDir, stack).config[ANALYSIS_CONFIG_KEY];
  let settings;
  try {
    settings = analysisSettings(raw === undefined ? undefined : JSON.parse(raw), service);
  } catch (e) {
    if (e instanceof AnalysisConfigError) throw new CommandError(`Pulumi.${stack}.yaml: ${e.message}`);
    throw new CommandError(`Pulumi.${stack}.yaml: ${ANALYSIS_CONFIG_KEY} is not a YAML map: ${(e as Error).message}`);
  }
  if (!config.services.some((s) => s.name === service)) {
    throw new CommandError(`service "${service}" is not in Pulumi.${stack}.yaml (known: ${config.services.map((s) => s.name).join(", ") || "none"})`);
  }
  const prometheusUrl = typeof flags.prometheus === "string" ? flags.prometheus : (process.env.PROMETHEUS_URL ?? DEFAULT_PROMETHEUS_URL);
  return { req: { service, namespace: config.namespaces.apps, settings }, prometheusUrl };
}

/** Selects the stack with the Automation API (the Pulumi CLI must be installed and logged in). */
async function selectStack(stack: string, rootDir: string): Promise<StackOps> {
  // Loaded here, not at the top: the Automation API is only needed by these two commands.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  try {
    return await LocalWorkspace.selectStack({ stackName: stack, workDir: rootDir });
  } catch (e) {
    throw new CommandError(`cannot select stack ${stack} with the Pulumi CLI (is \`pulumi\` installed and logged in?): ${(e as Error).message}`);
  }
}

/** Runs promote or rollback with real seams and prints the timed steps. */
export async function runPromotion(kind: "promote" | "rollback", argv: readonly string[], makeStack = selectStack): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [stack, service] = positional;
  if (!stack || !service) throw new CommandError(`usage: platform ${kind} <stack> <service> [--prometheus URL]`);
  const { req, prometheusUrl } = promotionRequest(stack, service, flags);
  const started = Date.now();
  const deps: PromotionDeps = {
    stack: await makeStack(stack, REPO_ROOT),
    query: prometheusQuery(prometheusUrl),
    now: () => Date.now(),
    sleep,
    log: (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`),
  };
  let result: PromotionResult;
  try {
    result = kind === "promote" ? await promote(deps, req) : await rollback(deps, req);
  } catch (e) {
    if (e instanceof PromotionError || e instanceof PrometheusQueryError) throw new CommandError(`platform ${kind}: ${e.message}`);
    throw new CommandError(`platform ${kind}: ${(e as Error).message}\nThe stack is as the last successful step left it; check \`pulumi config\` and \`pulumi stack\` before retrying.`);
  }
  console.log(formatResult(result).join("\n"));
  return result.outcome === "promoted" || result.outcome === "switched-back" ? PROMOTE_EXIT.promoted : PROMOTE_EXIT.notPromoted;
}

/** `platform promote <stack> <service>`: exit 0 promoted, 1 aborted or rolled back, 2 error. */
export function promoteCommand(argv: readonly string[]): Promise<number> {
  return runPromotion("promote", argv);
}
