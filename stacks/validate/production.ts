// Edits that are valid config but unsafe in production: each turns off a safeguard without
// anything failing, so the loader refuses them with the reason.
import type { PolicyConfigFile } from "./registries";
import { problem, type ConfigProblem } from "./problem";
import { ENVIRONMENT_DEFAULTS } from "../schema/defaults";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/** The part of the resolved config that these rules read. */
export interface ProductionView {
  readonly environment: "dev" | "staging" | "production";
  readonly services: readonly { readonly egress: readonly { readonly cidr?: string }[] }[];
  readonly alerting: {
    readonly heartbeat?: unknown;
    readonly maintenance?: { readonly weekdays: readonly string[]; readonly startTime: string; readonly endTime: string };
  };
  readonly postgres: { readonly mode: string; readonly sslMode: string };
  readonly redis: { readonly mode: string; readonly tls: boolean };
}

/** The weekdays a maintenance window's `weekdays` entries cover ("monday:friday" is five). */
export function coveredWeekdays(entries: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    const [from, to = from] = e.split(":");
    const a = WEEKDAYS.indexOf(from);
    const b = WEEKDAYS.indexOf(to);
    for (let i = a; i >= 0 && i <= b; i++) out.add(WEEKDAYS[i]);
  }
  return out;
}

/** Smallest prefix length of an egress CIDR that production accepts: a /8 is 16.7 million addresses. */
export const MIN_EGRESS_PREFIX = 8;

/** Refusals of risky production edits; nothing is reported where the environment's `refuseRiskyEdits` is off. */
export function checkProduction(config: ProductionView, policy?: { file: string; config: PolicyConfigFile }): ConfigProblem[] {
  if (!ENVIRONMENT_DEFAULTS[config.environment].refuseRiskyEdits) return [];
  const out: ConfigProblem[] = [];
  const m = config.alerting.maintenance;
  if (m && coveredWeekdays(m.weekdays).size === 7 && m.startTime === "00:00" && m.endTime === "24:00") {
    out.push(problem(["alerting", "maintenance"], m, "mutes warnings around the clock (every day, 00:00-24:00), so production warnings would never notify anyone: limit the window to the hours work is done, e.g. sunday 02:00-04:00"));
  }
  if (config.alerting.heartbeat === undefined) {
    out.push(problem(["alerting", "heartbeat"], undefined, "is required in production: without the dead man's switch nobody learns that Prometheus or Alertmanager stopped alerting; add `heartbeat: {}` and set the secret `heartbeatUrl`"));
  }
  config.services.forEach((s, i) => {
    s.egress.forEach((e, j) => {
      const prefix = e.cidr === undefined ? undefined : Number(e.cidr.split("/")[1]);
      if (prefix !== undefined && prefix < MIN_EGRESS_PREFIX) {
        out.push(problem(["services", i, "egress", j, "cidr"], e.cidr, `opens egress to ${prefix === 0 ? "every address on the internet" : `2^${32 - prefix} addresses`}: production pods may reach only what they need; declare the endpoints' own ranges (a /${MIN_EGRESS_PREFIX} or narrower)`));
      }
    });
  });
  // An in-cluster datastore is refused in production on its own; these are about endpoints.
  if (config.postgres.mode === "external" && config.postgres.sslMode === "disable") {
    out.push(problem(["postgres", "sslMode"], config.postgres.sslMode, 'must not be "disable" in production: credentials and data would cross the network in clear text; use "verify-full"'));
  }
  if (config.redis.mode === "external" && !config.redis.tls) {
    out.push(problem(["redis", "tls"], config.redis.tls, "must be true in production: without TLS the Redis password and data cross the network in clear text; enable TLS on the endpoint and remove `tls: false`"));
  }
  if (policy) out.push(...checkProductionPolicy(policy));
  return out;
}

/**
 * A production policy config must keep the pack mandatory: `all` mandatory and no policy turned
 * down to advisory or disabled, or an unsafe deployment would only print a warning.
 */
export function checkProductionPolicy(policy: { file: string; config: PolicyConfigFile }): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const level = (v: unknown) => (typeof v === "string" ? v : v && typeof v === "object" ? (v as { enforcementLevel?: unknown }).enforcementLevel : undefined);
  const at = (key: string, value: unknown, rule: string): ConfigProblem => ({ path: `${policy.file}:${key}`, message: `${policy.file}:${key} (${JSON.stringify(value)}) ${rule}` });
  const all = level(policy.config.all);
  if (all !== "mandatory") {
    out.push(at("all", all ?? null, 'must be "mandatory" for production: advisory policies only warn, so nothing would stop an unsafe deployment; set "all": "mandatory"'));
  }
  for (const [key, value] of Object.entries(policy.config)) {
    if (key === "all") continue;
    const l = level(value);
    if (l === "advisory" || l === "disabled") {
      out.push(at(key, l, `turns a policy ${l === "disabled" ? "off" : "into a warning"} in production: keep it mandatory, or exempt the one workload that needs it with allowedWorkloads and a reason`));
    }
  }
  return out;
}
