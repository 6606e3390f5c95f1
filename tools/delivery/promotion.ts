/**
 * Gated blue-green promotion and rollback, driven through Pulumi's Automation API: every
 * change is a stack config edit (`pulumi config set --path`) followed by `pulumi up`, so the
 * stack file stays the record of what runs, and the Kubernetes provider's await logic waits
 * for each rollout. The steps:
 *
 *   1. pre-scale the idle colour to the active colour's current size (`promotion.prescale`,
 *      `promotion.prescaleReplicas`) and `up`;
 *   2. wait until its pods are available (kube-state-metrics, via Prometheus);
 *   3. analysis gate on the preview colour (tools/delivery/analysis.ts);
 *   4. switch `activeColor` and `up`, recording the end of the warm window
 *      (`promotion.warmUntil`); the pre-scale settings stay, so the old colour keeps its size;
 *   5. the warm window (`strategy.scaleDownDelaySeconds`, at least the watch): analyse the new
 *      active colour; on a failure switch back in one `up` onto the old colour, still at size;
 *   6. restore the pre-scale settings and `up`: the old colour shrinks to its idle size.
 *
 * `platform rollback` reads `promotion.warmUntil`: inside the window it is that one update;
 * after it the old colour may be gone, so it pre-scales and awaits readiness first (cold).
 * A rollback may run while the promote is still in its window: config edits take no lock, so
 * both read the stack file again right before they write and write only what differs; the
 * promote's steps 5 and 6 act only while the window is still its own ({@link windowTakenOver}:
 * `activeColor` and `warmUntil` as it wrote them, and the deployed `activeColors`).
 *
 * Everything outside is a seam ({@link PromotionDeps}): the Automation API stack, the
 * Prometheus query, the clock and the log, so that the order of operations and the failure
 * paths are tested with fakes without pretending to run Pulumi.
 */
import { otherColor, type Color } from "../../lib/colors";
import { formatVerdict, runAnalysis, type AnalysisSettings, type AnalysisVerdict, type InstantQuery } from "./analysis";
import type { NonUserPaths } from "../../components/monitoring/contract";

export type { Color } from "../../lib/colors";

/** The part of `@pulumi/pulumi/automation`'s `Stack` that promotion uses. */
export interface StackOps {
  getConfig(key: string, path?: boolean): Promise<{ value: string; secret?: boolean }>;
  setConfig(key: string, value: { value: string; secret?: boolean }, path?: boolean): Promise<void>;
  removeConfig(key: string, path?: boolean): Promise<void>;
  up(opts?: { message?: string; onOutput?: (out: string) => void }): Promise<{ summary: { result: string } }>;
  /**
   * The outputs of the stack's last update (the deployed state, shared by every copy of the
   * stack file); the program exports `activeColors`. Optional: a seam without it is not checked.
   */
  outputs?(): Promise<Record<string, { value: unknown; secret?: boolean }>>;
}

/** Everything promotion touches outside itself. */
export interface PromotionDeps {
  readonly stack: StackOps;
  /** Instant PromQL queries (Prometheus reachable from where this runs). */
  readonly query: InstantQuery;
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** One line of progress. */
  log(line: string): void;
}

/** What to promote. */
export interface PromotionRequest {
  /** Service name from config. */
  readonly service: string;
  /** Namespace of the app Deployments (config `namespaces.apps`). */
  readonly namespace: string;
  readonly settings: AnalysisSettings;
  /** The service's probe and metrics paths (resolved config): not user traffic, left out of the gate. */
  readonly nonUserPaths: NonUserPaths;
  /**
   * Seconds the old colour stays at its size after the switch (`strategy.scaleDownDelaySeconds`);
   * the window lasts at least `settings.watchSeconds`, since the watch may still roll back.
   */
  readonly scaleDownDelaySeconds: number;
}

/** The outcome. */
export interface PromotionResult {
  /**
   * `promoted`, `aborted` (gate failed before the switch), `rolled-back` (failed after it),
   * `switched-back` (a rollback), `overridden` (someone else changed the service during the warm
   * window, e.g. a `platform rollback`: this run left both colours as they were).
   */
  readonly outcome: "promoted" | "aborted" | "rolled-back" | "switched-back" | "overridden";
  readonly from: Color;
  readonly to: Color;
  /** Steps with their durations, in order. */
  readonly steps: { readonly name: string; readonly ms: number; readonly ok: boolean }[];
  /** Why it did not promote, or what overrode it. */
  readonly reason?: string;
  /**
   * How a rollback moved traffic: `warm` onto the old colour still at its size (one update),
   * `cold` after pre-scaling it and waiting for its pods.
   */
  readonly rollback?: "warm" | "cold";
}

/** Thrown for a request that cannot start (unknown service, bad config); nothing was changed. */
export class PromotionError extends Error {
  override name = "PromotionError";
}

/** Kubernetes name of a colour's Deployment: `<service>-<color>` (components/app). */
export function deploymentName(service: string, color: Color): string {
  return `${service}-${color}`;
}

/** The other colour (one definition, in lib/colors). */
export const other: (c: Color) => Color = otherColor;

/** One entry of the stack's `services` config as `pulumi config` returns it (no defaults applied). */
export interface ServiceEntry {
  name: string;
  activeColor: Color;
  image?: Partial<Record<Color, string>>;
  build?: { color?: Color };
  replicas?: { min?: number };
  promotion?: { prescale?: boolean; prescaleReplicas?: number; warmUntil?: string; canaryWeight?: number; migrate?: boolean };
}

/** The stack file's `services` as it is now (read again on every call). */
async function readServices(stack: StackOps): Promise<ServiceEntry[]> {
  let list: unknown;
  try {
    list = JSON.parse((await stack.getConfig("services")).value);
  } catch (e) {
    throw new PromotionError(`cannot read the stack's \`services\` config: ${(e as Error).message}`);
  }
  return Array.isArray(list) ? (list as ServiceEntry[]) : [];
}

/** Reads `services` from the stack config and finds one service's index and settings. */
export async function findService(stack: StackOps, service: string): Promise<{ index: number; entry: ServiceEntry }> {
  const list = await readServices(stack);
  const index = list.findIndex((s) => s.name === service);
  if (index < 0) {
    const known = list.map((s) => s.name).join(", ") || "none";
    throw new PromotionError(`service "${service}" is not in this stack's \`services\` (known: ${known})`);
  }
  const entry = list[index];
  if (entry.activeColor !== "blue" && entry.activeColor !== "green") {
    throw new PromotionError(`services[${index}].activeColor (${JSON.stringify(entry.activeColor)}) must be blue or green`);
  }
  return { index, entry };
}

/**
 * Refuses a switch between two colours that run the same thing: it would change nothing, and
 * the app component pre-scales the idle colour only while a release is staged
 * (components/app/sizing.ts), so the readiness wait could never succeed.
 */
export function requireStaged(index: number, entry: ServiceEntry, from: Color, to: Color, verb: string): void {
  const staged = entry.build ? entry.build.color === to : entry.image?.[to] !== entry.image?.[from];
  if (!staged) {
    throw new PromotionError(
      `nothing to ${verb}: both colours of ${entry.name} run ${entry.image?.[from] ?? "the same image"}; stage a release first by setting services[${index}].image.${to}`,
    );
  }
}

/** Runs a named step, logging its start, end and duration; failures propagate after the log. */
export async function step<T>(deps: PromotionDeps, steps: PromotionResult["steps"][number][], name: string, fn: () => Promise<T>): Promise<T> {
  const started = deps.now();
  deps.log(`→ ${name}`);
  try {
    const r = await fn();
    const ms = deps.now() - started;
    steps.push({ name, ms, ok: true });
    deps.log(`✓ ${name} (${(ms / 1000).toFixed(1)} s)`);
    return r;
  } catch (e) {
    const ms = deps.now() - started;
    steps.push({ name, ms, ok: false });
    deps.log(`✗ ${name} (${(ms / 1000).toFixed(1)} s): ${(e as Error).message}`);
    throw e;
  }
}

export async function up(deps: PromotionDeps, message: string): Promise<void> {
  const r = await deps.stack.up({ message, onOutput: (o) => deps.log(`  | ${o.trimEnd()}`) });
  if (r.summary.result !== "succeeded") throw new Error(`pulumi up ended with "${r.summary.result}"`);
}

export async function setPath(stack: StackOps, path: string, value: string | undefined): Promise<void> {
  if (value === undefined) await stack.removeConfig(path, true);
  else await stack.setConfig(path, { value }, true);
}

/** The active colour's current size from kube-state-metrics, or `fallback` when Prometheus has none. */
export async function currentReplicas(deps: PromotionDeps, namespace: string, deployment: string, fallback: number): Promise<number> {
  const v = await deps.query(`max(kube_deployment_spec_replicas{namespace="${namespace}",deployment="${deployment}"})`);
  return v !== undefined && Number.isFinite(v) && v >= 1 ? Math.round(v) : fallback;
}

/** Polls until `deployment` has at least `replicas` available pods, or throws after the timeout. */
export async function waitAvailable(deps: PromotionDeps, namespace: string, deployment: string, replicas: number, timeoutSeconds: number, pollMs = 5000): Promise<number> {
  const deadline = deps.now() + timeoutSeconds * 1000;
  const expr = `max(kube_deployment_status_replicas_available{namespace="${namespace}",deployment="${deployment}"})`;
  for (;;) {
    const v = (await deps.query(expr)) ?? 0;
    if (v >= replicas) return v;
    if (deps.now() >= deadline) throw new Error(`${deployment}: ${v} of ${replicas} pods available after ${timeoutSeconds} s`);
    await deps.sleep(pollMs);
  }
}

/** What {@link restore} puts back. */
export interface Scaled {
  readonly index: number;
  /** The service's `promotion` settings before the pre-scale; undefined when it had none. */
  readonly original?: { prescale?: boolean; prescaleReplicas?: number; warmUntil?: string; canaryWeight?: number; migrate?: boolean };
  /** The size both colours are held at (the active colour's measured size), when pre-scaled. */
  readonly size?: number;
}

/** The `promotion` keys a release writes and {@link restoreConfig} puts back. */
const PROMOTION_KEYS = ["prescale", "prescaleReplicas", "warmUntil", "canaryWeight", "migrate"] as const;

export async function prescale(deps: PromotionDeps, req: PromotionRequest, steps: PromotionResult["steps"][number][], index: number, entry: ServiceEntry, from: Color, to: Color): Promise<Scaled> {
  const size = await step(deps, steps, `measure ${deploymentName(req.service, from)}`, async () => {
    const n = await currentReplicas(deps, req.namespace, deploymentName(req.service, from), entry.replicas?.min ?? 1);
    deps.log(`  ${deploymentName(req.service, from)} runs ${n} replicas`);
    return n;
  });
  const original = snapshot(entry);
  await step(deps, steps, `pre-scale ${deploymentName(req.service, to)} to ${size} (pulumi up)`, async () => {
    await setPath(deps.stack, `services[${index}].promotion.prescale`, "true");
    await setPath(deps.stack, `services[${index}].promotion.prescaleReplicas`, String(size));
    await up(deps, `pre-scale ${deploymentName(req.service, to)} to ${size}`);
  });
  await step(deps, steps, `wait for ${size} ready pods of ${deploymentName(req.service, to)}`, () =>
    waitAvailable(deps, req.namespace, deploymentName(req.service, to), size, req.settings.readyTimeoutSeconds, Math.min(5000, req.settings.watchIntervalSeconds * 1000)),
  );
  return { index, original, size };
}

/**
 * The `promotion` settings of a service as the stack file has them before a release. A warm
 * window left open by an earlier release that did not finish (`warmUntil` with its hold) is
 * that release's state, not the service's: it is not put back.
 */
export function snapshot(entry: ServiceEntry): Scaled["original"] {
  const p = entry.promotion;
  if (!p) return undefined;
  const leftover = p.warmUntil !== undefined;
  const o = {
    prescale: leftover ? undefined : p.prescale,
    prescaleReplicas: leftover ? undefined : p.prescaleReplicas,
    canaryWeight: p.canaryWeight,
    migrate: p.migrate,
  };
  return Object.values(o).every((v) => v === undefined) ? undefined : o;
}

/** `ms` since the epoch as an RFC 3339 UTC time to the second, as `promotion.warmUntil` holds it. */
export function rfc3339(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Seconds the old colour stays warm after the switch: the delay, and at least the watch. */
export function warmWindowSeconds(req: Pick<PromotionRequest, "scaleDownDelaySeconds" | "settings">): number {
  return Math.max(req.scaleDownDelaySeconds, req.settings.watchSeconds);
}

/**
 * Puts the `promotion` settings back as they were (without running `pulumi up`), except the
 * `keep` keys, left as they are now. The stack
 * file is read again right before: only the keys whose value differs from the one to put back
 * are written, and the whole `promotion` map is removed only when nothing else is left in it,
 * so that an edit made meanwhile by another command (config edits take no lock) is not undone
 * from an old copy.
 */
export async function restoreConfig(stack: StackOps, s: Scaled, keep: readonly string[] = []): Promise<void> {
  const current: Record<string, unknown> = { ...((await readServices(stack))[s.index]?.promotion ?? {}) };
  const o: Record<string, unknown> = s.original ?? {};
  const after: Record<string, unknown> = { ...current };
  for (const key of PROMOTION_KEYS) {
    if (keep.includes(key)) continue;
    if (o[key] === undefined) delete after[key];
    else after[key] = o[key];
  }
  if (Object.keys(after).length === 0) {
    // Leave no empty `promotion: {}` behind in the stack file.
    if (Object.keys(current).length > 0) await stack.removeConfig(`services[${s.index}].promotion`, true);
    return;
  }
  for (const key of PROMOTION_KEYS) {
    if (current[key] === after[key]) continue;
    await setPath(stack, `services[${s.index}].promotion.${key}`, after[key] === undefined ? undefined : String(after[key]));
  }
}

async function restore(deps: PromotionDeps, steps: PromotionResult["steps"][number][], s: Scaled): Promise<void> {
  await step(deps, steps, "restore pre-scale settings (pulumi up)", async () => {
    await restoreConfig(deps.stack, s);
    await up(deps, "restore pre-scale settings");
  });
}

/**
 * Switches `activeColor`; with `warmUntil` it also records the end of the warm window, in the
 * same update (the pre-scale settings stay, so the old colour keeps its size).
 */
async function switchTo(deps: PromotionDeps, steps: PromotionResult["steps"][number][], index: number, service: string, color: Color, warmUntil?: string): Promise<void> {
  await step(deps, steps, `switch ${service} activeColor to ${color} (pulumi up)`, async () => {
    await deps.stack.setConfig(`services[${index}].activeColor`, { value: color }, true);
    if (warmUntil !== undefined) await deps.stack.setConfig(`services[${index}].promotion.warmUntil`, { value: warmUntil }, true);
    await up(deps, `${service}: activeColor ${color}`);
  });
}

/** The warm window one run opened: the colour it made active and the `promotion.warmUntil` it wrote. */
export interface WarmWindow {
  readonly index: number;
  readonly service: string;
  /** The colour the run made active. */
  readonly active: Color;
  /** The `promotion.warmUntil` the run wrote; undefined once the run itself has taken it away to close the window. */
  readonly warmUntil?: string;
}

/**
 * Seconds a `platform rollback` needs left in a warm window to take the warm way: its config
 * edits and the start of its update then happen before the window ends, and the promoting run
 * acts only after that end, on a stack file it reads again.
 */
export const WARM_ROLLBACK_MARGIN_SECONDS = 15;

/** The colour the stack's last update made active for `service` (the program's `activeColors` output); undefined when unknown. */
export async function deployedActive(stack: StackOps, service: string): Promise<Color | undefined> {
  if (!stack.outputs) return undefined;
  const colors = (await stack.outputs()).activeColors?.value as Record<string, { active?: unknown } | undefined> | undefined;
  const active = colors?.[service]?.active;
  return active === "blue" || active === "green" ? active : undefined;
}

/**
 * Why the warm window `w` is no longer the one its run opened, or undefined while it is. Reads
 * the stack file again (a `platform rollback` from another terminal changes `activeColor` and
 * takes `promotion.warmUntil` away) and the deployed state (an update from another copy of the
 * stack file, say a laptop's while CI promotes, changes the `activeColors` output).
 */
export async function windowTakenOver(deps: PromotionDeps, w: WarmWindow): Promise<string | undefined> {
  const leave = "leaving both colours as they are";
  let found: { index: number; entry: ServiceEntry };
  try {
    found = await findService(deps.stack, w.service);
  } catch (e) {
    return `${(e as Error).message} during the warm window: ${leave}`;
  }
  const { index, entry } = found;
  if (index !== w.index) return `${w.service} moved from services[${w.index}] to services[${index}] during the warm window: ${leave}`;
  if (entry.activeColor !== w.active) return `activeColor was changed to ${entry.activeColor} during the warm window (platform rollback?): ${leave}`;
  const until = entry.promotion?.warmUntil;
  if (until !== w.warmUntil) {
    return `promotion.warmUntil was ${until === undefined ? "removed" : `changed to ${until}`} during the warm window (platform rollback or another release?): ${leave}`;
  }
  const deployed = await deployedActive(deps.stack, w.service);
  if (deployed !== undefined && deployed !== w.active) {
    return `the stack's last update made ${deployed} active, not ${w.active} (platform rollback from another copy of the stack file?): ${leave}`;
  }
  return undefined;
}

/** What the warm window's watch saw: a measured failure, or someone else's change to the service (why). */
export type WarmWatch = { readonly failed: AnalysisVerdict } | { readonly takenOver: string } | undefined;

/**
 * The warm window after a switch: analyses the new active colour every `watchIntervalSeconds`
 * until `seconds` have passed. Resolves to the first measured failure, or undefined; too little
 * traffic is no evidence either way and keeps watching. With `window`, every look also checks
 * that the window is still its run's ({@link windowTakenOver}) and ends the watch when not.
 */
export async function watchWarm(deps: PromotionDeps, req: PromotionRequest, color: Color, seconds: number, window?: WarmWindow): Promise<WarmWatch> {
  const end = deps.now() + seconds * 1000;
  while (deps.now() < end) {
    await deps.sleep(Math.min(req.settings.watchIntervalSeconds * 1000, Math.max(0, end - deps.now())));
    if (window) {
      const takenOver = await windowTakenOver(deps, window);
      if (takenOver !== undefined) {
        deps.log(`  ${takenOver}`);
        return { takenOver };
      }
    }
    const v = await analyse(deps, req, "active", color);
    if (!v.pass && !inconclusive(v)) return { failed: v };
  }
  return undefined;
}

/**
 * The rollback inside the warm window: `activeColor` back and the release's `promotion`
 * settings restored, in ONE update. The old colour never stopped, so Pulumi's await of its
 * Deployment passes at once and the selectors (or route weights) move onto running pods.
 */
export async function warmRollback(deps: PromotionDeps, steps: PromotionResult["steps"][number][], scaled: Scaled, service: string, to: Color, why: string): Promise<void> {
  await step(deps, steps, `warm rollback: ${service} activeColor back to ${to}, still at its size (one pulumi up)`, async () => {
    await deps.stack.setConfig(`services[${scaled.index}].activeColor`, { value: to }, true);
    await restoreConfig(deps.stack, scaled);
    await up(deps, `${service}: ${why}, warm rollback to ${to}`);
  });
}

class TakenOver extends Error {}

/**
 * The last update of a release: the old colour shrinks to its idle size, if the window is still
 * this run's. Not before the `warmUntil` it recorded (a `platform rollback` goes warm only with
 * {@link WARM_ROLLBACK_MARGIN_SECONDS} left, and has written by then); the stack file and the
 * deployed state are read again right before (a rollback meanwhile: nothing is changed, and the
 * reason is returned); the hold goes first, `warmUntil` — the run's claim on the window, which a
 * cold rollback takes away before anything else — is checked once more after it and removed last,
 * right before the update. Resolves to undefined when it scaled down, else to why it left both
 * colours alone.
 */
export async function scaleDownOld(deps: PromotionDeps, steps: PromotionResult["steps"][number][], scaled: Scaled, window: WarmWindow, old: Color): Promise<string | undefined> {
  const end = window.warmUntil === undefined ? Number.NaN : Date.parse(window.warmUntil);
  while (deps.now() < end) await deps.sleep(end - deps.now());
  const takenOver = await windowTakenOver(deps, window);
  if (takenOver !== undefined) {
    deps.log(`  ${takenOver}`);
    return takenOver;
  }
  try {
    await step(deps, steps, `warm window over: scale ${deploymentName(window.service, old)} down to its idle size (pulumi up)`, async () => {
      await restoreConfig(deps.stack, scaled, ["warmUntil"]);
      const late = await windowTakenOver(deps, window);
      if (late !== undefined) throw new TakenOver(late);
      await restoreConfig(deps.stack, scaled);
      await up(deps, `${window.service}: warm window over, ${old} to its idle size`);
    });
  } catch (e) {
    if (e instanceof TakenOver) return e.message;
    throw e;
  }
  return undefined;
}

async function analyse(deps: PromotionDeps, req: PromotionRequest, role: "active" | "preview", color: Color): Promise<AnalysisVerdict> {
  const v = await runAnalysis(deps.query, { service: req.service, role, color, nonUserPaths: req.nonUserPaths }, req.settings);
  deps.log(`  ${role} ${color}: ${formatVerdict(v)}`);
  return v;
}

/** True when the verdict failed for lack of traffic only (nothing to judge yet). */
export function inconclusive(v: AnalysisVerdict): boolean {
  return !v.pass && v.checks.find((c) => c.name === "traffic")?.ok === false;
}

/**
 * Promotes the idle colour of a service: pre-scale, readiness, analysis gate, switch, watch,
 * automatic rollback. Resolves to what happened; throws only when it could not start or when
 * Pulumi failed (the stack is then left as the last `up` made it, and the message says so).
 */
export async function promote(deps: PromotionDeps, req: PromotionRequest): Promise<PromotionResult> {
  const steps: PromotionResult["steps"][number][] = [];
  const { index, entry } = await findService(deps.stack, req.service);
  const from = entry.activeColor;
  const to = other(from);
  requireStaged(index, entry, from, to, "promote");
  const scaled = await prescale(deps, req, steps, index, entry, from, to);
  return gatedSwitch(deps, req, steps, scaled, from, to);
}

/**
 * The blue-green part of a release, after the pre-scale: analysis gate on the preview colour,
 * switch, watch, automatic rollback, restore.
 */
export async function gatedSwitch(deps: PromotionDeps, req: PromotionRequest, steps: PromotionResult["steps"][number][], scaled: Scaled, from: Color, to: Color): Promise<PromotionResult> {
  const index = scaled.index;
  const gate = await step(deps, steps, `analysis of preview ${to} over ${req.settings.window}`, () => analyse(deps, req, "preview", to));
  if (!gate.pass) {
    await restore(deps, steps, scaled);
    return { outcome: "aborted", from, to, steps, reason: `analysis gate failed before the switch: ${formatVerdict(gate)}` };
  }

  const warmSeconds = warmWindowSeconds(req);
  const window: WarmWindow = { index, service: req.service, active: to, warmUntil: rfc3339(deps.now() + warmSeconds * 1000) };
  try {
    await switchTo(deps, steps, index, req.service, to, window.warmUntil);
  } catch (e) {
    // A failed update may have moved some objects (the Service selector) and not others: put
    // the config back to the known-good colour and converge on it before giving up.
    await step(deps, steps, `switch back to ${from} after the failed update (pulumi up)`, async () => {
      await deps.stack.setConfig(`services[${index}].activeColor`, { value: from }, true);
      await up(deps, `${req.service}: back to ${from} after a failed switch`);
    });
    await restore(deps, steps, scaled);
    throw new Error(`the switch to ${to} failed and ${from} is active again: ${(e as Error).message}`);
  }

  const held = scaled.size === undefined ? "" : `, ${deploymentName(req.service, from)} held at ${scaled.size}`;
  const watched = await step(deps, steps, `warm window: watch active ${to} for ${warmSeconds} s${held}`, () => watchWarm(deps, req, to, warmSeconds, window));
  return { from, to, steps, ...(await endOfWindow(deps, steps, scaled, window, from, watched)) };
}

/**
 * What a release does once its warm window's watch has ended: a measured failure is rolled
 * back warm, a quiet window scales the old colour down ({@link scaleDownOld}) — each only while
 * the window is still the run's; when someone else changed the service meanwhile (a `platform
 * rollback`), nothing, and the outcome says why.
 */
export async function endOfWindow(
  deps: PromotionDeps,
  steps: PromotionResult["steps"][number][],
  scaled: Scaled,
  window: WarmWindow,
  old: Color,
  watched: WarmWatch,
): Promise<{ outcome: "promoted" | "rolled-back" | "overridden"; reason?: string; rollback?: "warm" }> {
  const overridden = async (reason: string) => ({ outcome: "overridden" as const, reason: reason + (await alignCopy(deps, scaled, window)) });
  if (watched !== undefined && "takenOver" in watched) return overridden(watched.takenOver);
  if (watched !== undefined) {
    // Read the stack again right before rolling back: someone may have done it already.
    const takenOver = await windowTakenOver(deps, window);
    if (takenOver !== undefined) return overridden(takenOver);
    await warmRollback(deps, steps, scaled, window.service, old, "analysis failed after the switch");
    return { outcome: "rolled-back", rollback: "warm", reason: `analysis failed after the switch: ${formatVerdict(watched.failed)}` };
  }
  const takenOver = await scaleDownOld(deps, steps, scaled, window, old);
  return takenOver === undefined ? { outcome: "promoted" } : overridden(takenOver);
}

/**
 * After an update from another copy of the stack file took the service over (the deployed
 * `activeColors` names the other colour while this copy still names the run's), brings this
 * copy in line with what was deployed — that colour active, the release's hold and window gone —
 * without an update, so that recording this copy (deploy.yml commits it) does not flip traffic
 * back at the next `pulumi up`. Resolves to what it did, for the reason; "" when nothing.
 */
async function alignCopy(deps: PromotionDeps, scaled: Scaled, w: WarmWindow): Promise<string> {
  const deployed = await deployedActive(deps.stack, w.service);
  if (deployed === undefined || deployed === w.active) return "";
  const { index, entry } = await findService(deps.stack, w.service);
  if (index !== w.index || entry.activeColor !== w.active) return "";
  await deps.stack.setConfig(`services[${index}].activeColor`, { value: deployed }, true);
  await restoreConfig(deps.stack, scaled);
  const note = `this copy of the stack file now names ${deployed} too, as deployed, without the release's hold (no pulumi up): commit it`;
  deps.log(`  ${note}`);
  return `; ${note}`;
}

/**
 * Switches a service back to its idle colour (the previous release) without an analysis
 * gate: a rollback goes to the colour that was known good. A canary in progress
 * (`promotion.canaryWeight` set) is rolled back by removing its weight instead. The idle colour is pre-scaled
 * and waited for first, so the switch never lands on a cold set.
 */
export async function rollback(deps: PromotionDeps, req: PromotionRequest): Promise<PromotionResult> {
  return rollbackOnce(deps, req, true);
}

/** Thrown when the stack file changed between a rollback's reads and its writes. */
class Changed extends Error {}

async function rollbackOnce(deps: PromotionDeps, req: PromotionRequest, warmAllowed: boolean): Promise<PromotionResult> {
  const steps: PromotionResult["steps"][number][] = [];
  const { index, entry } = await findService(deps.stack, req.service);
  const from = entry.activeColor;
  const to = other(from);
  if ((entry.promotion?.canaryWeight ?? 0) > 0) {
    // A canary stopped half-way (the promoting process was killed): the previous release is
    // still the active colour, so the rollback is taking the weight away, in one update.
    await step(deps, steps, `all traffic back to ${from}: remove the canary weight ${entry.promotion?.canaryWeight} % (pulumi up)`, async () => {
      // Read again right before writing; only the weight and the migration flag go.
      const fresh = (await findService(deps.stack, req.service)).entry.promotion ?? {};
      await restoreConfig(deps.stack, { index, original: { ...fresh, canaryWeight: undefined, migrate: undefined } });
      await up(deps, `${req.service}: rollback of a canary, all traffic to ${from}`);
    });
    return { outcome: "switched-back", from: to, to: from, steps };
  }
  requireStaged(index, entry, from, to, "roll back");
  const p = entry.promotion;
  const until = p?.warmUntil === undefined ? Number.NaN : Date.parse(p.warmUntil);
  const left = until - deps.now();
  if (warmAllowed && p?.prescale === true && left >= WARM_ROLLBACK_MARGIN_SECONDS * 1000) {
    // Inside the warm window of the release being rolled back: the colour to go back to is
    // still held at its size, so the rollback is one update onto running pods.
    deps.log(`  warm rollback: ${deploymentName(req.service, to)} is held at ${p.prescaleReplicas ?? entry.replicas?.min ?? 1} pods until ${p.warmUntil}`);
    try {
      await step(deps, steps, `warm rollback: ${req.service} activeColor back to ${to}, still at its size (one pulumi up)`, async () => {
        // Read again right before writing: the release may have closed its window meanwhile.
        const fresh = await findService(deps.stack, req.service);
        const q = fresh.entry.promotion;
        if (fresh.index !== index || fresh.entry.activeColor !== from || q?.prescale !== true || q.warmUntil !== p.warmUntil) {
          throw new Changed(`the stack file changed since it was read (activeColor ${fresh.entry.activeColor}, promotion.warmUntil ${q?.warmUntil ?? "none"})`);
        }
        await deps.stack.setConfig(`services[${index}].activeColor`, { value: to }, true);
        // The release's hold and window go with it (the promoting run sees it and leaves both colours alone).
        await restoreConfig(deps.stack, { index, original: snapshot(fresh.entry) });
        const now = (await findService(deps.stack, req.service)).entry;
        if (now.activeColor !== to) throw new Error(`services[${index}].activeColor was changed to ${now.activeColor} by another command while this rollback wrote ${to}: nothing was deployed; check \`pulumi config\` and run it again`);
        await up(deps, `${req.service}: platform rollback in the warm window, warm rollback to ${to}`);
      });
      return { outcome: "switched-back", from, to, steps, rollback: "warm" };
    } catch (e) {
      if (!(e instanceof Changed)) throw e;
      deps.log(`  ${e.message}: reading it again, and going the cold way`);
      return rollbackOnce(deps, req, false);
    }
  }
  const why =
    p?.warmUntil === undefined
      ? "no warm window is open"
      : left > 0 && p.prescale === true
        ? `the warm window ends at ${p.warmUntil}, in less than ${WARM_ROLLBACK_MARGIN_SECONDS} s, when the release's last update may shrink ${deploymentName(req.service, to)}`
        : `the warm window ended at ${p.warmUntil}`;
  deps.log(`  cold rollback: ${why}, so ${deploymentName(req.service, to)} may run fewer pods than ${deploymentName(req.service, from)}: it is pre-scaled and awaited Ready before traffic moves`);
  if ((await findService(deps.stack, req.service)).entry.promotion?.warmUntil !== undefined) {
    // Take the window over before anything else: a promote still running checks its claim
    // (`warmUntil`) right before its last update and leaves both colours alone without it.
    await deps.stack.removeConfig(`services[${index}].promotion.warmUntil`, true);
    deps.log(`  removed promotion.warmUntil: a platform promote still in that window leaves both colours alone`);
  }
  const scaled = await prescale(deps, req, steps, index, entry, from, to);
  await switchTo(deps, steps, index, req.service, to);
  await restore(deps, steps, scaled);
  return { outcome: "switched-back", from, to, steps, rollback: "cold" };
}

/** Summary lines of a result: the outcome and each step's duration. */
export function formatResult(r: PromotionResult): string[] {
  const lines = r.steps.map((s) => `  ${s.ok ? "✓" : "✗"} ${s.name.padEnd(60)} ${(s.ms / 1000).toFixed(1).padStart(7)} s`);
  const total = r.steps.reduce((n, s) => n + s.ms, 0);
  const head = {
    promoted: `promoted: ${r.to} is active (was ${r.from})`,
    aborted: `aborted: ${r.from} stays active; ${r.reason}`,
    "rolled-back": `rolled back${r.rollback ? ` (${r.rollback})` : ""}: ${r.from} is active again; ${r.reason}`,
    "switched-back": `rolled back${r.rollback ? ` (${r.rollback})` : ""}: ${r.to} is active (was ${r.from})`,
    overridden: `overridden in the warm window after the switch to ${r.to}: ${r.reason}`,
  }[r.outcome];
  return [head, ...lines, `  total ${(total / 1000).toFixed(1)} s`];
}
