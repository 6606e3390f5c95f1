import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildRuleGroups, duplicateAlertNames, RULE_GROUP_MODULES } from "../../../../components/monitoring/rules/catalogue";
import { runbookFiles, runbookIndex } from "../../../../components/monitoring/rules/runbooks";
import { isAlertingRule, type AlertingRule, type RecordingRule } from "../../../../components/monitoring/rules/types";
import { ALERT_THRESHOLDS, DEFAULT_RUNBOOK_BASE_URL } from "../../../../stacks/schema/alerting";
import { durationSeconds } from "../../../../lib/duration";
import { REPO_ROOT } from "../../../../tools/render/mock-runtime";
import { edited, load } from "../../../stacks/fixtures";
import { stackConfig } from "../fixtures";

const STACKS = ["dev", "staging", "production"] as const;
const alertsOf = (stack: (typeof STACKS)[number]) => buildRuleGroups(stackConfig(stack)).flatMap((g) => g.alerts);

describe("alert catalogue", () => {
  it.each(STACKS)("%s has at least 40 alerts of our own, none sharing a name", (stack) => {
    const groups = buildRuleGroups(stackConfig(stack));
    const names = groups.flatMap((g) => g.alerts.map((a) => a.rule.alert));
    expect(names.length).toBeGreaterThanOrEqual(40);
    expect(new Set(names).size).toBe(names.length);
    expect(duplicateAlertNames(groups)).toEqual([]);
  });

  it("duplicateAlertNames finds a name defined twice", () => {
    const groups = buildRuleGroups(stackConfig("production"));
    const copy = [...groups, groups[0]];
    expect(duplicateAlertNames(copy)).toEqual(groups[0].alerts.map((a) => a.rule.alert));
  });

  it.each(STACKS)("%s: every alert has a severity, summary, description with values and a runbook URL", (stack) => {
    for (const { rule } of alertsOf(stack)) {
      expect(["critical", "warning", "info"], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length, rule.alert).toBeGreaterThan(10);
      expect(rule.annotations.description, rule.alert).toMatch(/\{\{ \$(value|labels)/);
      expect(rule.annotations.description, rule.alert).toMatch(/\{\{ \$value/);
      expect(rule.annotations.runbook_url).toBe(`${DEFAULT_RUNBOOK_BASE_URL}/${rule.alert}.md`);
    }
  });

  it.each(STACKS)("%s: every alert's runbook exists, names the alert and says what, how to check and how to fix", (stack) => {
    for (const { rule } of alertsOf(stack)) {
      const file = path.join(REPO_ROOT, "docs", "runbooks", `${rule.alert}.md`);
      expect(fs.existsSync(file), `${file} is missing: run npx tsx tools/docs/write-runbooks.ts`).toBe(true);
      const text = fs.readFileSync(file, "utf8");
      expect(text.split("\n")[0]).toBe(`# ${rule.alert}`);
      for (const heading of ["## What it means", "## How to check", "## How to fix"]) expect(text, rule.alert).toContain(heading);
    }
  });

  it("the runbook files are exactly what the definitions generate (no drift)", () => {
    for (const f of runbookFiles(alertsOf("production"))) {
      expect(fs.readFileSync(path.join(REPO_ROOT, f.path), "utf8"), `${f.path} is stale: run npx tsx tools/docs/write-runbooks.ts`).toBe(f.content);
    }
  });

  it("the runbook index lists every alert and is current", () => {
    const groups = buildRuleGroups(stackConfig("production"));
    const text = fs.readFileSync(path.join(REPO_ROOT, "docs", "runbooks", "README.md"), "utf8");
    expect(text, "docs/runbooks/README.md is stale: run npx tsx tools/docs/write-runbooks.ts").toBe(runbookIndex(groups));
    for (const a of groups.flatMap((g) => g.alerts)) expect(text).toContain(`[${a.rule.alert}](${a.rule.alert}.md)`);
  });

  it("has alerts of every severity and every group the issue names", () => {
    const groups = buildRuleGroups(stackConfig("production"));
    expect(groups.map((g) => g.group.name)).toEqual(RULE_GROUP_MODULES.map((m) => m.name));
    const severities = new Set(groups.flatMap((g) => g.alerts.map((a) => a.rule.labels.severity)));
    expect([...severities].sort()).toEqual(["critical", "info", "warning"]);
    const names = groups.flatMap((g) => g.alerts.map((a) => a.rule.alert));
    for (const n of ["ServiceDown", "ErrorBudgetBurn1h", "ErrorBudgetBurn6h", "ErrorBudgetBurn1d", "ErrorBudgetBurn3d", "PodCrashLooping", "HPAAtMaxForLong", "BothColorsServing", "PreviewColorFailing", "PDBBlockingEvictions", "NodeDiskFillingUp", "PostgresReplicationLag", "RedisEvictingKeys", "TLSCertificateExpiringSoon", "TLSCertificateExpiryImminent", "BackupStale", "RestoreDrillStale", "Watchdog", "AlertmanagerNotificationsFailing", "PrometheusRuleEvaluationFailures", "ScrapeTargetsDown"]) {
      expect(names).toContain(n);
    }
  });

  it("runbookBaseUrl from config sets every runbook_url (trailing slash dropped)", () => {
    const config = load(edited("staging", (v) => (v.alerting.runbookBaseUrl = "https://git.example.com/ops/runbooks/")));
    for (const g of buildRuleGroups(config)) for (const a of g.alerts) expect(a.rule.annotations.runbook_url).toBe(`https://git.example.com/ops/runbooks/${a.rule.alert}.md`);
  });

  it("drops the backup group when backups are disabled", () => {
    const config = load(edited("dev", (v) => (v.backup = { enabled: false })));
    expect(buildRuleGroups(config).map((g) => g.group.name)).not.toContain("app-platform-backups");
  });
});

describe("thresholds and for: durations from config", () => {
  const rule = (config: ReturnType<typeof load>, name: string) =>
    buildRuleGroups(config).flatMap((g) => g.group.rules).find((r): r is AlertingRule => isAlertingRule(r) && r.alert === name)!;

  it("uses the environment's defaults: seeds' 5% error ratio for 10 minutes, 2 s p95 for 5 minutes", () => {
    const prod = stackConfig("production");
    expect(rule(prod, "ServiceHighErrorRatio").expr).toMatch(/> 0\.05$/);
    expect(rule(prod, "ServiceHighErrorRatio").for).toBe("10m");
    expect(rule(prod, "ServiceElevatedErrorRatio").expr).toMatch(/> 0\.02$/);
    expect(rule(prod, "ServiceHighLatency").expr).toMatch(/> 2$/);
    expect(rule(prod, "ServiceHighLatency").for).toBe("5m");
    expect(rule(prod, "ServiceDown").for).toBe("2m");
    expect(rule(stackConfig("staging"), "ServiceDown").for).toBe("3m");
    expect(rule(stackConfig("dev"), "ServiceDown").for).toBe("5m");
  });

  it("applies overrides of numbers and durations", () => {
    const config = load(edited("production", (v) => (v.alerting.thresholds = { errorRatioCritical: 0.1, errorRatioFor: "3m", serviceDownFor: "1m" })));
    expect(rule(config, "ServiceHighErrorRatio").expr).toMatch(/> 0\.1$/);
    expect(rule(config, "ServiceHighErrorRatio").for).toBe("3m");
    expect(rule(config, "ServiceDown").for).toBe("1m");
    expect(rule(config, "ServiceElevatedErrorRatio").expr).toMatch(/> 0\.02$/);
  });

  it("every threshold name is used by some rule", () => {
    const t = stackConfig("production").alerting.thresholds;
    const text = JSON.stringify(buildRuleGroups(stackConfig("production")).map((g) => g.group));
    for (const name of Object.keys(ALERT_THRESHOLDS) as (keyof typeof t)[]) {
      // Values the loader accepts: warnings stay below their critical thresholds (defaults 0.02/0.05,
      // 0.85/0.9, 0.8/0.95; TLS expiry 14d/3d).
      const ratio = name.endsWith("Critical") ? 0.97 : name.endsWith("Warning") ? 0.0123 : 0.123;
      const value = typeof t[name] === "string" ? (name === "tlsExpiryWarning" ? "20d" : "5h") : name === "sloMinFailures" ? 17 : ratio;
      const config = load(edited("production", (v) => (v.alerting.thresholds = { [name]: value })));
      const changed = JSON.stringify(buildRuleGroups(config).map((g) => g.group));
      expect(changed, `${name} changes no rule`).not.toBe(text);
    }
  });
});

describe("timeScale", () => {
  const durations = (rules: readonly (AlertingRule | RecordingRule)[]) =>
    rules.flatMap((r) => [
      ...[...r.expr.matchAll(/\[(\d+[smhd])\]/g)].map((m) => durationSeconds(m[1])),
      ...("for" in r && r.for ? [durationSeconds(r.for)] : []),
    ]);

  it("multiplies every range window and for: by timeScale, rounded to whole seconds, at least 1 s", () => {
    const base = stackConfig("dev");
    const scaled = load(edited("dev", (v) => (v.timeScale = 0.01)));
    const a = buildRuleGroups(base).flatMap((g) => durations(g.group.rules));
    const b = buildRuleGroups(scaled).flatMap((g) => durations(g.group.rules));
    expect(b.length).toBe(a.length);
    expect(a.length).toBeGreaterThan(100);
    a.forEach((s, i) => expect(b[i]).toBe(Math.max(1, Math.round(s * 0.01))));
  });

  it("scales thresholds that are durations (TLS expiry, predict_linear horizon, backup age)", () => {
    const scaled = load(edited("dev", (v) => (v.timeScale = 0.01)));
    const rules = buildRuleGroups(scaled).flatMap((g) => g.group.rules).filter(isAlertingRule);
    const expr = (n: string) => rules.find((r) => r.alert === n)!.expr;
    expect(expr("TLSCertificateExpiringSoon")).toBe(`probe_ssl_earliest_cert_expiry - time() < ${Math.round(14 * 86400 * 0.01)}`);
    expect(expr("NodeDiskFillingUp")).toContain(`, ${Math.round(86400 * 0.01)}) < 0`);
    // Daily schedule plus 2 h grace.
    expect(expr("BackupStale")).toMatch(new RegExp(`> ${Math.round((86400 + 7200) * 0.01)}$`));
  });
});

describe("timeScale on ages", () => {
  it("scales replication lag and transaction age limits (they grow with the clock) but not latency thresholds", () => {
    const scaled = load(edited("dev", (v) => (v.timeScale = 0.01)));
    const rules = buildRuleGroups(scaled).flatMap((g) => g.group.rules).filter(isAlertingRule);
    const expr = (n: string) => rules.find((r) => r.alert === n)!.expr;
    expect(expr("PostgresReplicationLag")).toMatch(/ > 3$/);
    expect(expr("PostgresLongTransaction")).toMatch(/ > 9$/);
    expect(expr("ServiceHighLatency")).toMatch(/ > 2$/);
    expect(expr("EndpointSlow")).toMatch(/\[3s\]\) > 2$/);
  });
});
