import { describe, expect, it } from "vitest";
import { latencyModel, matchRoutes } from "../../../tools/harness/latency-model";

const am = {
  route: {
    receiver: "default",
    group_wait: "30s",
    routes: [
      { matchers: ['alertname="Watchdog"'], receiver: "heartbeat", group_wait: "0s", repeat_interval: "1m" },
      { matchers: ['severity="critical"'], receiver: "pagerduty", group_wait: "10s", continue: true },
      { matchers: ['severity=~"critical|warning"'], receiver: "slack", group_interval: "2m" },
      { match: { severity: "info" }, receiver: "null" },
    ],
  },
};

describe("matchRoutes", () => {
  it("follows continue and inherits timers like Alertmanager's dispatcher", () => {
    const r = matchRoutes(am, { alertname: "X", severity: "critical" });
    expect(r.map((x) => [x.receiver, x.groupWait, x.groupInterval])).toEqual([
      ["pagerduty", 10, 300],
      ["slack", 30, 120],
    ]);
  });
  it("stops at the first match without continue, falls back to the root, reads legacy match", () => {
    expect(matchRoutes(am, { alertname: "Watchdog", severity: "critical" }).map((x) => x.receiver)).toEqual(["heartbeat"]);
    expect(matchRoutes(am, { alertname: "X", severity: "none" }).map((x) => x.receiver)).toEqual(["default"]);
    expect(matchRoutes(am, { alertname: "X", severity: "info" }).map((x) => x.receiver)).toEqual(["null"]);
    expect(matchRoutes({}, { a: "b" })[0]).toMatchObject({ receiver: "", groupWait: 30, groupInterval: 300, repeatInterval: 14400 });
  });
});

describe("latencyModel", () => {
  const rules = [{ groups: [{ name: "g", rules: [{ record: "r", expr: "1" }, { alert: "Down", expr: "up == 0", for: "5m", labels: { severity: "critical" } }] }] }];
  it("adds scrape, evaluation, for and the group_wait of the matched route", () => {
    expect(latencyModel({ ruleFiles: rules, alertmanager: am, alert: "Down", labels: {}, scrapeSeconds: 30, evaluationSeconds: 15 })).toEqual({
      scrape: 30,
      evaluation: 15,
      for: 300,
      groupWait: 10,
      total: 355,
    });
  });
  it("fails naming an alert that no rule defines", () => {
    expect(() => latencyModel({ ruleFiles: rules, alertmanager: am, alert: "Nope", labels: {}, scrapeSeconds: 1, evaluationSeconds: 1 })).toThrow("no alerting rule named Nope in the rendered rule files");
  });
});
