import { pct } from "./services";
import { counterFrom, gauge, series, windowIncrease } from "./series";
import type { AlertCase, RuleGroupModule } from "./types";

/** Redis alerts from redis_exporter: down, memory near maxmemory, rejected connections, evictions. */
export const redisGroup: RuleGroupModule = {
  name: "app-platform-redis",
  build(ctx) {
    const t = ctx.thresholds;
    const w = ctx.dur("10m");
    const alerts = [
      ctx.alert({
        name: "RedisDown",
        expr: "redis_up == 0",
        for: ctx.durOf("redisDownFor"),
        severity: "critical",
        summary: "Redis {{ $labels.instance }} is down",
        description: "redis_exporter {{ $labels.instance }} has not reached Redis for " + t.redisDownFor + " (redis_up {{ $value | humanize }}).",
        runbook: {
          meaning: "The exporter cannot connect to Redis: the server is down, unreachable, or refuses the password. Services that cache or queue through it degrade or fail.",
          check: ["Exporter logs in the monitoring namespace: connection refused, timeout, NOAUTH/WRONGPASS, TLS errors?", "ElastiCache: cluster status and events; in-cluster: the Redis pod."],
          fix: ["Restore the server (fail over, restart the pod); if the password rotated, update `redisPassword` and run `pulumi up`."],
        },
      }),
      ctx.alert({
        name: "RedisMemoryNearMax",
        expr: `redis_memory_used_bytes / redis_memory_max_bytes > ${t.redisMemoryWarning}\nand redis_memory_max_bytes > 0`,
        for: ctx.durOf("redisFor"),
        severity: "warning",
        summary: "Redis {{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory",
        description: "Redis {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its maxmemory (threshold " + pct(t.redisMemoryWarning) + "); it will evict keys or refuse writes depending on its policy.",
        runbook: {
          meaning: "Redis is close to `maxmemory`. With a `noeviction` policy writes will fail; with an LRU policy keys are evicted and hit rates drop.",
          check: ["`redis-cli INFO memory` and `INFO keyspace`; `redis-cli --bigkeys`.", "`CONFIG GET maxmemory-policy`."],
          fix: ["Set TTLs on keys that lack them, delete unused keys, or move to a larger node."],
        },
      }),
      ctx.alert({
        name: "RedisRejectedConnections",
        expr: `increase(redis_rejected_connections_total[${w}]) > 0`,
        for: ctx.durOf("redisFor"),
        severity: "warning",
        summary: "Redis {{ $labels.instance }} rejects connections",
        description: "Redis {{ $labels.instance }} rejected {{ $value | humanize }} connections in the last 10 minutes: maxclients is reached.",
        runbook: {
          meaning: "Redis refused new clients because `maxclients` is reached. The clients that were refused fail their requests.",
          check: ["`redis-cli INFO clients` — connected_clients vs `CONFIG GET maxclients`.", "Which clients hold connections: `redis-cli CLIENT LIST`."],
          fix: ["Fix connection leaks or oversized pools; raise maxclients if the server has headroom."],
        },
      }),
      ctx.alert({
        name: "RedisEvictingKeys",
        expr: `increase(redis_evicted_keys_total[${w}]) > 0`,
        for: ctx.durOf("redisFor"),
        severity: "warning",
        summary: "Redis {{ $labels.instance }} evicts keys",
        description: "Redis {{ $labels.instance }} evicted {{ $value | humanize }} keys in the last 10 minutes because it reached maxmemory.",
        runbook: {
          meaning: "Redis is full and drops keys to make room. For a cache this lowers the hit rate; for queues or sessions it loses data.",
          check: ["`redis-cli INFO stats` (evicted_keys) and `INFO memory`.", "Check RedisMemoryNearMax."],
          fix: ["Give Redis more memory, shorten TTLs, or keep non-cache data in a Redis with `noeviction`."],
        },
      }),
    ];
    const exp = { namespace: ctx.config.namespaces.monitoring, instance: "redis-exporter:9121", job: "redis-exporter" };
    const mem = (ratio: number) => [series("redis_memory_used_bytes", exp, gauge(Math.round(ratio * 1e9))), series("redis_memory_max_bytes", exp, gauge(1e9))];
    const forMinutes = ctx.secs(t.redisFor) / 60;
    const high = Math.round(((t.redisMemoryWarning + 1) / 2) * 1e9) / 1e9;
    const cases: AlertCase[] = [
      { alert: "RedisDown", firing: [series("redis_up", exp, gauge(0))], quiet: [series("redis_up", exp, gauge(1))], labels: exp, value: 0 },
      { alert: "RedisMemoryNearMax", firing: mem(high), quiet: mem(t.redisMemoryWarning * 0.9), labels: exp, value: high },
      // A Redis without maxmemory (0) never fires, however much it uses.
      { alert: "RedisMemoryNearMax", firing: mem(high), quiet: [series("redis_memory_used_bytes", exp, gauge(5e9)), series("redis_memory_max_bytes", exp, gauge(0))], labels: exp, value: high },
      // Two rejected connections (40 evictions) a minute from minute 3 on, none before: still true
      // after a `for:` longer than the 10-minute window, which a single burst would leave.
      { alert: "RedisRejectedConnections", firing: [series("redis_rejected_connections_total", exp, counterFrom(2, 2))], quiet: [series("redis_rejected_connections_total", exp, gauge(0))], onsetMinutes: 3, labels: exp, value: windowIncrease(2, forMinutes, 10) },
      { alert: "RedisEvictingKeys", firing: [series("redis_evicted_keys_total", exp, counterFrom(2, 40))], quiet: [series("redis_evicted_keys_total", exp, gauge(0))], onsetMinutes: 3, labels: exp, value: windowIncrease(40, forMinutes, 10) },
    ];
    return { group: { name: this.name, rules: alerts.map((a) => a.rule) }, alerts, cases, exprCases: [] };
  },
};
