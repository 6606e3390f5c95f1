/**
 * A release with gates, driven through Pulumi: pre-release backup (production), migration Job,
 * smoke test, then — for a canary — weighted steps, each `pulumi up` + dwell + analysis of the
 * new colour, and the switch of `activeColor` after the last one; for blue-green, the gated
 * switch of tools/delivery/promotion.ts. Every traffic change is a config edit
 * (`promotion.canaryWeight`, `activeColor`) and one `pulumi up`, so the stack file is the
 * record of what runs and an abort is one update back to the stable colour.
 *
 * The outside world is seams: {@link PromotionDeps} (stack, Prometheus, clock, log) and
 * {@link ReleaseOps} (the backup run, Job logs, HTTP for the smoke test).
 */
import { formatVerdict, type AnalysisSettings, type AnalysisVerdict } from "./analysis";
import type { NonUserPaths } from "../../components/monitoring/contract";
import {
  currentReplicas,
  deploymentName,
  endOfWindow,
  findService,
  gatedSwitch,
  inconclusive,
  other,
  prescale,
  requireStaged,
  restoreConfig,
  rfc3339,
  snapshot,
  step,
  up,
  watchWarm,
  type Color,
  type PromotionDeps,
  type PromotionResult,
  type Scaled,
  type WarmWindow,
} from "./promotion";
import { runAnalysis } from "./analysis";
import type { PlatformConfig } from "../../stacks/config";
import { ENVIRONMENT_DEFAULTS } from "../../stacks/schema/defaults";

/** What a release needs besides Pulumi and Prometheus. */
export interface ReleaseOps {
  /** Runs the backup Job on demand (from its CronJob) and resolves when it succeeded; throws with the reason otherwise. */
  runBackup(): Promise<string>;
  /** Logs of the pods of a service's migration Job (by label), for a failure message. */
  migrationLogs(service: string, migration: string): Promise<string>;
  /** GET `url`; resolves to the HTTP status, throws when nothing answers within the timeout. */
  httpStatus(url: string, timeoutMs: number): Promise<number>;
}

/** The smoke test of a release, with its base URL decided. */
export interface SmokeTest {
  readonly baseUrl: string;
  readonly requests: readonly { readonly path: string; readonly status: number }[];
  readonly timeoutSeconds: number;
}

/** What to release and how. */
export interface ReleaseRequest {
  readonly service: string;
  /** Namespace of the app Deployments. */
  readonly namespace: string;
  /** Gate thresholds: `delivery:analysis` with the service's `strategy.analysis` on top. */
  readonly settings: AnalysisSettings;
  /** The service's probe and metrics paths (resolved config): not user traffic, left out of the gate. */
  readonly nonUserPaths: NonUserPaths;
  readonly strategy: "blueGreen" | "canary";
  /** Percent of traffic on the new colour per step, ending at 100. */
  readonly steps: readonly number[];
  /** Seconds each step runs before its final analysis. */
  readonly dwellSeconds: number;
  /** Seconds the old colour stays at its size after the switch, analysed meanwhile (`strategy.scaleDownDelaySeconds`). */
  readonly scaleDownDelaySeconds: number;
  /** Pre-scale the new colour to the active colour's size first (off in dev). */
  readonly prescale: boolean;
  /** Run the backup Job before the migration (production). */
  readonly backup: boolean;
  /** `migration.name` when the service has a migration. */
  readonly migration?: string;
  readonly smokeTest?: SmokeTest;
}

/** One traffic step of a canary and how it ended. */
export interface StepRecord {
  readonly index: number;
  readonly weight: number;
  /** Milliseconds since the release started when the step's update began and when it ended. */
  readonly startedMs: number;
  readonly endedMs: number;
  readonly verdict?: AnalysisVerdict;
  readonly ok: boolean;
}

/** What happened. */
export interface ReleaseResult extends Omit<PromotionResult, "outcome"> {
  /**
   * `promoted`; `aborted` before any traffic moved (backup, migration, smoke test); `rolled-back`
   * after a step failed; `overridden` when someone else changed the service in the warm window
   * (a `platform rollback`): the release then left both colours as they were.
   */
  readonly outcome: "promoted" | "aborted" | "rolled-back" | "overridden";
  readonly service: string;
  readonly strategy: "blueGreen" | "canary";
  /** The canary steps that ran. */
  readonly trafficSteps: readonly StepRecord[];
  /** The failing stage: `backup`, `migration`, `smoke test`, `step 2 (50 %)` or `warm window after the switch`. */
  readonly failedAt?: string;
  /** Milliseconds from the start of the failing step's update to the end of the rollback update. */
  readonly rollbackMs?: number;
}

class Stop extends Error {
  constructor(readonly stage: string, message: string) {
    super(message);
  }
}

/** Requests of the smoke test against the new colour; resolves to the failures (empty: passed). */
export async function runSmokeTest(ops: ReleaseOps, t: SmokeTest): Promise<string[]> {
  const failures: string[] = [];
  for (const r of t.requests) {
    const url = t.baseUrl.replace(/\/+$/, "") + r.path;
    try {
      const status = await ops.httpStatus(url, t.timeoutSeconds * 1000);
      if (status !== r.status) failures.push(`GET ${url} answered ${status}, expected ${r.status}`);
    } catch (e) {
      failures.push(`GET ${url} failed: ${(e as Error).message}`);
    }
  }
  return failures;
}

/**
 * Backup, migration and smoke test, in that order; nothing here moves traffic. Throws
 * {@link Stop} naming the stage that failed.
 */
async function preRelease(deps: PromotionDeps, ops: ReleaseOps, req: ReleaseRequest, steps: PromotionResult["steps"][number][], index: number): Promise<void> {
  if (req.backup) {
    await step(deps, steps, "pre-release backup (on-demand run of the backup Job)", async () => {
      try {
        deps.log(`  ${await ops.runBackup()}`);
      } catch (e) {
        throw new Stop("backup", `the pre-release backup failed: ${(e as Error).message}`);
      }
    });
  }
  if (req.migration) {
    const name = req.migration;
    await step(deps, steps, `migration ${name} (pulumi up creates and awaits the Job)`, async () => {
      await deps.stack.setConfig(`services[${index}].promotion.migrate`, { value: "true" }, true);
      try {
        await up(deps, `${req.service}: migration ${name}`);
      } catch (e) {
        const logs = await ops.migrationLogs(req.service, name).catch((x: Error) => `(no logs: ${x.message})`);
        throw new Stop("migration", `the migration Job ${req.service}-${name} failed: ${(e as Error).message}\n--- its logs ---\n${logs.trimEnd()}`);
      }
    });
  }
  if (req.smokeTest) {
    const t = req.smokeTest;
    await step(deps, steps, `smoke test: ${t.requests.length} request(s) to ${t.baseUrl}`, async () => {
      const failures = await runSmokeTest(ops, t);
      if (failures.length > 0) throw new Stop("smoke test", `the smoke test failed: ${failures.join("; ")}`);
    });
  }
}

/**
 * Dwells on a step, analysing the new colour every `watchIntervalSeconds`: a measured failure
 * ends the step at once (the rollback does not wait for the dwell to run out); too little
 * traffic is no evidence while dwelling, but at the end of the dwell the step must pass.
 */
async function dwell(deps: PromotionDeps, req: ReleaseRequest, to: Color): Promise<AnalysisVerdict> {
  const end = deps.now() + req.dwellSeconds * 1000;
  for (;;) {
    const left = end - deps.now();
    await deps.sleep(Math.max(0, Math.min(req.settings.watchIntervalSeconds * 1000, left)));
    const v = await runAnalysis(deps.query, { service: req.service, role: "preview", color: to, nonUserPaths: req.nonUserPaths }, req.settings);
    deps.log(`  preview ${to}: ${formatVerdict(v)}`);
    if (!v.pass && !inconclusive(v)) return v;
    if (deps.now() >= end) return v;
  }
}

/**
 * Releases the staged colour of a service: pre-scale, pre-release gates, then the canary steps
 * (or, with `strategy: blueGreen`, only the gates before the caller's gated switch). Resolves
 * to what happened; throws only when it cannot start or Pulumi fails outside a step.
 */
export async function release(deps: PromotionDeps, ops: ReleaseOps, req: ReleaseRequest): Promise<ReleaseResult> {
  const t0 = deps.now();
  const steps: PromotionResult["steps"][number][] = [];
  const trafficSteps: StepRecord[] = [];
  const { index, entry } = await findService(deps.stack, req.service);
  const from = entry.activeColor;
  const to = other(from);
  requireStaged(index, entry, from, to, "promote");
  const base = { service: req.service, strategy: req.strategy, from, to, steps, trafficSteps };

  const promotionReq = { service: req.service, namespace: req.namespace, settings: req.settings, nonUserPaths: req.nonUserPaths, scaleDownDelaySeconds: req.scaleDownDelaySeconds };
  const scaled: Scaled = req.prescale ? await prescale(deps, promotionReq, steps, index, entry, from, to) : { index, original: snapshot(entry) };

  const backToStable = async (why: string) =>
    step(deps, steps, `all traffic back to ${from} (pulumi up)`, async () => {
      await restoreConfig(deps.stack, scaled);
      await up(deps, `${req.service}: abort, all traffic to ${from} (${why})`);
    });

  try {
    await preRelease(deps, ops, req, steps, index);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    await backToStable(e.stage);
    return { ...base, outcome: "aborted", failedAt: e.stage, reason: e.message };
  }

  if (req.strategy === "blueGreen") {
    const r = await gatedSwitch(deps, promotionReq, steps, scaled, from, to);
    const outcome = r.outcome === "promoted" || r.outcome === "overridden" ? r.outcome : r.outcome === "aborted" ? "aborted" : "rolled-back";
    const failedAt = { promoted: undefined, overridden: undefined, aborted: "analysis gate", "rolled-back": "warm window after the switch" }[outcome];
    return { ...base, outcome, reason: r.reason, rollback: r.rollback, failedAt };
  }

  for (const [i, weight] of req.steps.entries()) {
    const label = `step ${i + 1}/${req.steps.length} (${weight} %)`;
    const started = deps.now();
    let verdict: AnalysisVerdict;
    try {
      await step(deps, steps, `${label}: ${weight} % of traffic to ${to} (pulumi up)`, async () => {
        await deps.stack.setConfig(`services[${index}].promotion.canaryWeight`, { value: String(weight) }, true);
        await up(deps, `${req.service}: ${weight} % to ${to}`);
      });
      verdict = await step(deps, steps, `${label}: dwell ${req.dwellSeconds} s, analysis of ${to} over ${req.settings.window}`, async () => dwell(deps, req, to));
    } catch (e) {
      await backToStable(`${label} failed`);
      throw new Error(`${label} could not be applied and all traffic is back on ${from}: ${(e as Error).message}`);
    }
    if (!verdict.pass) {
      trafficSteps.push({ index: i, weight, startedMs: started - t0, endedMs: deps.now() - t0, verdict, ok: false });
      await backToStable(`${label} failed its analysis`);
      return { ...base, outcome: "rolled-back", failedAt: label, rollbackMs: deps.now() - started, reason: `${label} failed its analysis: ${formatVerdict(verdict)}` };
    }
    trafficSteps.push({ index: i, weight, startedMs: started - t0, endedMs: deps.now() - t0, verdict, ok: true });
  }

  const delay = req.scaleDownDelaySeconds;
  if (delay === 0) {
    await step(deps, steps, `make ${to} active, restore promotion settings (pulumi up)`, async () => {
      await deps.stack.setConfig(`services[${index}].activeColor`, { value: to }, true);
      await restoreConfig(deps.stack, scaled);
      await up(deps, `${req.service}: ${to} is active`);
    });
    return { ...base, outcome: "promoted" };
  }

  // The warm window: the old colour keeps the size it had before the release (measured then,
  // or now when the release did not pre-scale) while the new one is watched as the active one.
  const size = scaled.size ?? (await currentReplicas(deps, req.namespace, deploymentName(req.service, from), entry.replicas?.min ?? 1));
  const window: WarmWindow = { index, service: req.service, active: to, warmUntil: rfc3339(deps.now() + delay * 1000) };
  await step(deps, steps, `make ${to} active, hold ${deploymentName(req.service, from)} at ${size} for ${delay} s (pulumi up)`, async () => {
    await deps.stack.setConfig(`services[${index}].activeColor`, { value: to }, true);
    await restoreConfig(deps.stack, scaled);
    await deps.stack.setConfig(`services[${index}].promotion.prescale`, { value: "true" }, true);
    await deps.stack.setConfig(`services[${index}].promotion.prescaleReplicas`, { value: String(size) }, true);
    await deps.stack.setConfig(`services[${index}].promotion.warmUntil`, { value: window.warmUntil! }, true);
    await up(deps, `${req.service}: ${to} is active, ${from} held at ${size}`);
  });
  const watched = await step(deps, steps, `warm window: watch active ${to} for ${delay} s`, () => watchWarm(deps, promotionReq, to, delay, window));
  const end = await endOfWindow(deps, steps, scaled, window, from, watched);
  return { ...base, ...end, failedAt: end.outcome === "rolled-back" ? "warm window after the switch" : undefined };
}

/**
 * The end summary as Markdown, for a CI job summary (`$GITHUB_STEP_SUMMARY`) or a Slack
 * message: outcome, each stage with its duration, and each traffic step with its verdict.
 */
export function releaseSummary(r: ReleaseResult, stack: string): string {
  const icon = r.outcome === "promoted" ? "✅" : "❌";
  const head = {
    promoted: `${icon} **${r.service}** on \`${stack}\`: ${r.to} is active (was ${r.from})`,
    aborted: `${icon} **${r.service}** on \`${stack}\`: aborted at the ${r.failedAt}; no traffic moved, ${r.from} stays active`,
    "rolled-back": `${icon} **${r.service}** on \`${stack}\`: ${r.failedAt} failed; all traffic back on ${r.from}${r.rollbackMs !== undefined ? ` (${(r.rollbackMs / 1000).toFixed(1)} s from the step's start)` : ""}`,
    overridden: `⚠️ **${r.service}** on \`${stack}\`: ${r.to} was made active, then changed by someone else in the warm window; ${r.reason}`,
  }[r.outcome];
  const total = r.steps.reduce((n, s) => n + s.ms, 0);
  const lines = [head, "", `| stage | result | time |`, `|---|---|---|`];
  for (const s of r.steps) lines.push(`| ${s.name.replace(/\|/g, "\\|")} | ${s.ok ? "ok" : "failed"} | ${(s.ms / 1000).toFixed(1)} s |`);
  lines.push(`| **total** | | ${(total / 1000).toFixed(1)} s |`);
  if (r.trafficSteps.length > 0) {
    lines.push("", "| step | weight | verdict |", "|---|---|---|");
    for (const t of r.trafficSteps) lines.push(`| ${t.index + 1} | ${t.weight} % | ${t.verdict ? formatVerdict(t.verdict).replace(/\|/g, "\\|") : ""} |`);
  }
  if (r.reason) lines.push("", "```", r.reason, "```");
  return lines.join("\n") + "\n";
}

/**
 * The release request of a service from its resolved config: strategy, steps and dwell, the
 * gate thresholds (`settings` from `delivery:analysis`, the service's `strategy.analysis` on
 * top), the pre-release backup (production with backups), its migration and smoke test
 * (`previewUrl` replaces the smoke test's base URL). Pure.
 */
export function releaseRequestFromConfig(config: PlatformConfig, service: string, settings: AnalysisSettings, previewUrl?: string): ReleaseRequest {
  const s = config.services.find((x) => x.name === service);
  if (!s) throw new Error(`service "${service}" is not in the config`);
  const own = Object.fromEntries(Object.entries(s.strategy.analysis).filter(([, v]) => v !== undefined));
  const baseUrl = previewUrl ?? s.smokeTest?.baseUrl ?? (s.ingress?.previewHost ? `https://${s.ingress.previewHost}` : undefined);
  return {
    service,
    namespace: config.namespaces.apps,
    settings: { ...settings, ...own },
    nonUserPaths: { metricsPath: s.metricsPath, probes: s.probes },
    strategy: s.strategy.type,
    steps: s.strategy.steps,
    dwellSeconds: s.strategy.dwellSeconds,
    scaleDownDelaySeconds: s.strategy.scaleDownDelaySeconds,
    // A blue-green switch moves every request at once: always onto a full-size colour. A canary
    // is pre-scaled where users are (the environment's prescaleCanary) or when the stack asks for it.
    prescale: s.strategy.type === "blueGreen" || ENVIRONMENT_DEFAULTS[config.environment].prescaleCanary || s.promotion.prescale,
    backup: ENVIRONMENT_DEFAULTS[config.environment].preReleaseBackup && config.backup.enabled,
    migration: s.migration?.name,
    smokeTest: s.smokeTest && baseUrl !== undefined ? { ...s.smokeTest, baseUrl } : undefined,
  };
}

/** Slack's documented limit of a message's `text` (chat.postMessage: truncated beyond 40,000). */
export const SLACK_TEXT_LIMIT = 40_000;

/**
 * The end summary as a Slack incoming-webhook payload: `text` in Slack's mrkdwn (no tables:
 * one line per stage and per traffic step), cut to {@link SLACK_TEXT_LIMIT}.
 */
export function releaseSlackMessage(r: ReleaseResult, stack: string): { text: string } {
  const head = {
    promoted: `:white_check_mark: *${r.service}* on \`${stack}\`: ${r.to} is active (was ${r.from})`,
    aborted: `:x: *${r.service}* on \`${stack}\`: aborted at the ${r.failedAt}; no traffic moved, ${r.from} stays active`,
    "rolled-back": `:x: *${r.service}* on \`${stack}\`: ${r.failedAt} failed; all traffic back on ${r.from}`,
    overridden: `:warning: *${r.service}* on \`${stack}\`: ${r.to} was made active, then changed by someone else in the warm window; ${r.reason}`,
  }[r.outcome];
  const lines = [head, ...r.steps.map((s) => `• ${s.ok ? "ok" : "FAILED"} ${s.name} (${(s.ms / 1000).toFixed(1)} s)`)];
  for (const t of r.trafficSteps) lines.push(`• step ${t.index + 1}: ${t.weight} % → ${t.verdict ? formatVerdict(t.verdict) : ""}`);
  if (r.reason) lines.push("```" + r.reason + "```");
  const text = lines.join("\n");
  return { text: text.length > SLACK_TEXT_LIMIT ? `${text.slice(0, SLACK_TEXT_LIMIT - 1)}…` : text };
}
