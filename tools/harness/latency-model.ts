import { durationSeconds } from "../../lib/duration";
import { matchRoutes as matchRoutes_ } from "../../lib/alertmanager-routing";

/** One Alertmanager route with the timers it inherited from its parents. */
export interface ResolvedRoute {
  readonly receiver: string;
  readonly groupWait: number;
  readonly groupInterval: number;
  readonly repeatInterval: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
}

/**
 * The routes an alert with `labels` is notified through, as Alertmanager's dispatcher picks
 * them: depth first, the first matching child wins unless it has `continue: true`; a route
 * with no matching child is itself the match. Timers default as Alertmanager's do
 * (group_wait 30s, group_interval 5m, repeat_interval 4h) and are inherited.
 */
export function matchRoutes(config: Record<string, any>, labels: Record<string, string>): ResolvedRoute[] {
  const inherit = (route: Record<string, any>, parent?: ResolvedRoute): ResolvedRoute => ({
    receiver: route.receiver ?? parent?.receiver ?? "",
    groupWait: route.group_wait !== undefined ? durationSeconds(route.group_wait) : (parent?.groupWait ?? 30),
    groupInterval: route.group_interval !== undefined ? durationSeconds(route.group_interval) : (parent?.groupInterval ?? 300),
    repeatInterval: route.repeat_interval !== undefined ? durationSeconds(route.repeat_interval) : (parent?.repeatInterval ?? 14400),
    muteTimeIntervals: route.mute_time_intervals ?? [],
    activeTimeIntervals: route.active_time_intervals ?? [],
  });
  return matchRoutes_(config.route ?? {}, labels, inherit);
}

/** The terms of the fault-to-notification model of one alert. */
export interface LatencyModel {
  /** Until a scrape sees the fault: at most one scrape interval of the alert's job. */
  readonly scrape: number;
  /** Until a rule evaluation sees the new sample: at most one evaluation interval. */
  readonly evaluation: number;
  /** The rule's `for:`. */
  readonly for: number;
  /** The route's group_wait before the first notification of a new group. */
  readonly groupWait: number;
  /** The sum, in seconds. */
  readonly total: number;
}

/** A rule file as Prometheus reads it. */
export interface RuleFile {
  readonly groups: readonly { readonly name: string; readonly interval?: string; readonly rules: readonly Record<string, any>[] }[];
}

/** The alerting rule named `alert` in any of the files, with its group's interval if it sets one. */
export function findAlertRule(files: readonly RuleFile[], alert: string): { rule: Record<string, any>; interval?: string } {
  for (const f of files) {
    for (const g of f.groups) {
      const rule = g.rules.find((r) => r.alert === alert);
      if (rule) return { rule, interval: g.interval };
    }
  }
  throw new Error(`no alerting rule named ${alert} in the rendered rule files`);
}

/**
 * The model bound of the latency from a fault to the first notification of `alert`:
 * scrape interval + evaluation interval (the group's own, if it sets one) + `for:` + the
 * group_wait of the route the alert's labels reach. Window fill time of ratio alerts (how long
 * a rate window needs to cross its threshold) is not part of it.
 */
export function latencyModel(opts: {
  readonly ruleFiles: readonly RuleFile[];
  readonly alertmanager: Record<string, any>;
  readonly alert: string;
  readonly labels: Record<string, string>;
  readonly scrapeSeconds: number;
  readonly evaluationSeconds: number;
}): LatencyModel {
  const { rule, interval } = findAlertRule(opts.ruleFiles, opts.alert);
  const routes = matchRoutes(opts.alertmanager, { ...rule.labels, ...opts.labels, alertname: opts.alert });
  const evaluation = interval !== undefined ? durationSeconds(interval) : opts.evaluationSeconds;
  const f = rule.for !== undefined ? durationSeconds(rule.for) : 0;
  const groupWait = Math.min(...routes.map((r) => r.groupWait));
  return { scrape: opts.scrapeSeconds, evaluation, for: f, groupWait, total: opts.scrapeSeconds + evaluation + f + groupWait };
}
