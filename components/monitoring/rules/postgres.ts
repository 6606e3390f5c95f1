import { BACKUP_APPLICATION_NAME, POSTGRES_QUERY_METRICS } from "../contract";
import { pct } from "./services";
import { counterFrom, gauge, series, windowIncrease } from "./series";
import type { AlertCase, RuleGroupModule } from "./types";

/** Postgres alerts from postgres_exporter: down, connections, replication lag, deadlocks, long transactions. */
export const postgresGroup: RuleGroupModule = {
  name: "app-platform-postgres",
  build(ctx) {
    const t = ctx.thresholds;
    // Ages grow with the wall clock, so they scale with timeScale like windows; latencies do not.
    const lagLimit = ctx.secs(t.postgresReplicationLagSeconds);
    const txLimit = ctx.secs(t.postgresLongTransactionSeconds);
    const used = "sum by (namespace, instance) (pg_stat_activity_count)\n  / on (namespace, instance) max by (namespace, instance) (pg_settings_max_connections)";
    const connectionsRunbook = {
      meaning: "Most of Postgres' `max_connections` are in use. When none is left, new connections fail and services return errors.",
      check: [
        "`SELECT usename, application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2, 3 ORDER BY 4 DESC;`",
        "Did the number of pods grow (HPA) while each pod keeps a fixed pool?",
      ],
      fix: ["Lower per-pod pool sizes or put PgBouncer in front; terminate idle-in-transaction sessions; raise `max_connections` (and `postgres.maxConnections` in config) if the server has memory for it."],
    };
    const alerts = [
      ctx.alert({
        name: "PostgresDown",
        expr: "pg_up == 0",
        for: ctx.durOf("postgresDownFor"),
        severity: "critical",
        summary: "Postgres {{ $labels.instance }} is down",
        description: "postgres_exporter {{ $labels.instance }} has not reached Postgres for " + t.postgresDownFor + " (pg_up {{ $value | humanize }}).",
        runbook: {
          meaning: "The exporter cannot connect to Postgres: the database is down, unreachable or refuses the credentials. Services that need it fail.",
          check: ["Exporter logs: `kubectl -n <monitoring namespace> logs deploy/<postgres exporter>` — connection refused, timeout or authentication failed?", "For RDS: the instance status and events in the AWS console.", "`psql \"host=<host> user=<user> sslmode=<sslMode>\" -c 'select 1'` from a debug pod in the apps namespace."],
          fix: [
            "Restore the database (RDS: reboot or fail over; in-cluster: check the pod).",
            "If the log says `password authentication failed`, the exporter's password is out of date (it reads it once, at start): with an external Postgres run `pulumi config set --secret postgresMonitoringPassword <the role's current password>` and `pulumi up`. The password's checksum on the exporter's pod template changes, so its pod is replaced and the new one logs in.",
          ],
        },
      }),
      ctx.alert({
        name: "PostgresConnectionsHigh",
        expr: `${used}\n  > ${t.postgresConnectionsWarning}`,
        for: ctx.durOf("postgresFor"),
        severity: "warning",
        summary: "Postgres {{ $labels.instance }} uses {{ $value | humanizePercentage }} of max_connections",
        description: "Postgres {{ $labels.instance }} has {{ $value | humanizePercentage }} of max_connections in use (warning above " + pct(t.postgresConnectionsWarning) + ").",
        runbook: connectionsRunbook,
      }),
      ctx.alert({
        name: "PostgresConnectionsExhausted",
        expr: `${used}\n  > ${t.postgresConnectionsCritical}`,
        for: ctx.durOf("postgresFor"),
        severity: "critical",
        summary: "Postgres {{ $labels.instance }} is out of connections ({{ $value | humanizePercentage }})",
        description: "Postgres {{ $labels.instance }} has {{ $value | humanizePercentage }} of max_connections in use (critical above " + pct(t.postgresConnectionsCritical) + "); new connections are about to be refused.",
        runbook: connectionsRunbook,
      }),
      ctx.alert({
        name: "PostgresReplicationLag",
        // Seen from the writer (the exporter's endpoint): each replica's replay lag in
        // pg_stat_replication. pg_replication_lag is computed on the writer itself, always 0.
        expr: `max by (namespace, instance, application_name) (${POSTGRES_QUERY_METRICS.replicaLag}) > ${lagLimit}`,
        for: ctx.durOf("postgresFor"),
        severity: "warning",
        summary: "Postgres replica {{ $labels.application_name }} lags {{ $value | humanizeDuration }}",
        description: "Postgres replica {{ $labels.application_name }} of {{ $labels.instance }} is {{ $value | humanizeDuration }} behind in replaying WAL (threshold " + lagLimit + "s).",
        runbook: {
          meaning: "A streaming replica replays WAL late. Reads from it are stale, and a failover to it would lose the lagging transactions. (Aurora replicas replicate at the storage layer and do not appear here: use the AuroraReplicaLag CloudWatch metric.)",
          check: ["On the writer: `SELECT application_name, client_addr, state, replay_lag FROM pg_stat_replication;`", "Replica CPU and I/O; long queries on the replica that conflict with replay."],
          fix: ["Remove the load on the replica or scale it up; cancel long queries that block replay."],
        },
      }),
      ctx.alert({
        name: "PostgresDeadlocks",
        expr: `increase(pg_stat_database_deadlocks{datname!~"template0|template1"}[${ctx.dur("10m")}]) > 0`,
        for: ctx.durOf("postgresFor"),
        severity: "warning",
        summary: "Deadlocks in Postgres database {{ $labels.datname }}",
        description: "Postgres {{ $labels.instance }} database {{ $labels.datname }} had {{ $value | humanize }} deadlocks in the last 10 minutes.",
        runbook: {
          meaning: "Transactions lock rows in conflicting orders; Postgres aborts one of them each time. Requests fail and retry.",
          check: ["Postgres log (`log_lock_waits = on`): the statements of both transactions of each deadlock."],
          fix: ["Make the code take locks in a consistent order, keep transactions short, add missing indexes on foreign keys."],
        },
      }),
      ctx.alert({
        name: "PostgresLongTransaction",
        // The backup's snapshot is open for the whole dump by design: not an incident.
        expr: `max by (namespace, instance, datname, application_name) (${POSTGRES_QUERY_METRICS.transactionAge}{application_name!="${BACKUP_APPLICATION_NAME}"}) > ${txLimit}`,
        for: ctx.durOf("postgresFor"),
        severity: "warning",
        summary: "A transaction of {{ $labels.application_name }} in {{ $labels.datname }} has run for {{ $value | humanizeDuration }}",
        description: "The oldest transaction of application {{ $labels.application_name }} in Postgres {{ $labels.instance }} database {{ $labels.datname }} has been open for {{ $value | humanizeDuration }} (threshold " + txLimit + "s); it holds locks and blocks vacuum. The backup (" + BACKUP_APPLICATION_NAME + ") is exempt.",
        runbook: {
          meaning: "A transaction has stayed open for long. It holds locks others wait for and keeps vacuum from removing dead rows (table bloat).",
          check: ["`SELECT pid, usename, state, now() - xact_start AS age, query FROM pg_stat_activity WHERE xact_start IS NOT NULL ORDER BY age DESC LIMIT 5;`"],
          fix: ["Find the client that left it open (often `idle in transaction`); `SELECT pg_terminate_backend(<pid>);` if it is stuck; set `idle_in_transaction_session_timeout`."],
        },
      }),
    ];
    const exp = { namespace: ctx.config.namespaces.monitoring, instance: "postgres-exporter:9187", job: "postgres-exporter" };
    const key = { namespace: exp.namespace, instance: exp.instance };
    const conns = (ratio: number) => [
      series("pg_stat_activity_count", { ...exp, datname: "app", state: "active" }, gauge(Math.round(ratio * 100))),
      series("pg_settings_max_connections", exp, gauge(100)),
    ];
    const lag = lagLimit;
    const long = txLimit;
    const db = { ...exp, datname: "app" };
    const tx = (application_name: string) => ({ ...db, usename: "app", application_name });
    const replica = { ...exp, application_name: "replica-1", client_addr: "10.0.1.7" };
    const cases: AlertCase[] = [
      { alert: "PostgresDown", firing: [series("pg_up", exp, gauge(0))], quiet: [series("pg_up", exp, gauge(1))], labels: exp, value: 0 },
      { alert: "PostgresConnectionsHigh", firing: conns(t.postgresConnectionsCritical), quiet: conns(t.postgresConnectionsWarning - 0.05), labels: key, value: Math.round(t.postgresConnectionsCritical * 100) / 100 },
      { alert: "PostgresConnectionsExhausted", firing: conns(Math.min(1, t.postgresConnectionsCritical + 0.03)), quiet: conns(t.postgresConnectionsCritical - 0.02), labels: key, value: Math.round(Math.min(1, t.postgresConnectionsCritical + 0.03) * 100) / 100 },
      { alert: "PostgresReplicationLag", firing: [series(POSTGRES_QUERY_METRICS.replicaLag, replica, gauge(lag * 2))], quiet: [series(POSTGRES_QUERY_METRICS.replicaLag, replica, gauge(lag / 2))], labels: { ...key, application_name: "replica-1" }, value: lag * 2 },
      // One deadlock a minute from minute 3 on, none before: pending from minute 3 and still true
      // after a `for:` longer than the 10-minute window (a single deadlock leaves it after 10m).
      { alert: "PostgresDeadlocks", firing: [series("pg_stat_database_deadlocks", db, counterFrom(2, 1))], quiet: [series("pg_stat_database_deadlocks", db, gauge(0))], onsetMinutes: 3, labels: db, value: windowIncrease(1, ctx.secs(t.postgresFor) / 60, 10) },
      {
        alert: "PostgresLongTransaction",
        firing: [series(POSTGRES_QUERY_METRICS.transactionAge, tx("orders-api"), gauge(long * 1.5))],
        quiet: [series(POSTGRES_QUERY_METRICS.transactionAge, tx("orders-api"), gauge(long / 2))],
        labels: { namespace: db.namespace, instance: db.instance, datname: "app", application_name: "orders-api" },
        value: long * 1.5,
      },
      // The nightly backup holds its snapshot for the whole dump: silent however long it runs.
      {
        alert: "PostgresLongTransaction",
        firing: [series(POSTGRES_QUERY_METRICS.transactionAge, tx("orders-api"), gauge(long * 1.5)), series(POSTGRES_QUERY_METRICS.transactionAge, tx(BACKUP_APPLICATION_NAME), gauge(long * 10))],
        quiet: [series(POSTGRES_QUERY_METRICS.transactionAge, tx(BACKUP_APPLICATION_NAME), gauge(long * 10))],
        labels: { namespace: db.namespace, instance: db.instance, datname: "app", application_name: "orders-api" },
        value: long * 1.5,
      },
    ];
    return { group: { name: this.name, rules: alerts.map((a) => a.rule) }, alerts, cases, exprCases: [] };
  },
};
