import { describe, expect, it } from "vitest";
import { matchRoutes, matcherMatches, parseMatcher, parseMatchers, routeMatches, type RouteNode } from "../../lib/alertmanager-routing";

// Semantics from Alertmanager's documentation (configuration.md, <route> and <matcher>): regexes
// are fully anchored, a missing label has the empty value, the first matching child wins unless it
// sets `continue`, and a route none of whose children match is itself the match.
describe("matchers", () => {
  it("parses quoted and unquoted values and every operator", () => {
    expect(parseMatcher('severity=~"critical|warning"')).toEqual({ name: "severity", op: "=~", value: "critical|warning" });
    expect(parseMatcher("team!=db")).toEqual({ name: "team", op: "!=", value: "db" });
    expect(parseMatcher(' alertname !~ "A|B" ')).toEqual({ name: "alertname", op: "!~", value: "A|B" });
    expect(parseMatcher('name="with, comma"')).toEqual({ name: "name", op: "=", value: "with, comma" });
  });

  it("reads several matchers in braces, commas inside quotes kept", () => {
    expect(parseMatchers('{severity="critical", team="db"}')).toEqual([
      { name: "severity", op: "=", value: "critical" },
      { name: "team", op: "=", value: "db" },
    ]);
    expect(parseMatchers('msg="a, b"')).toEqual([{ name: "msg", op: "=", value: "a, b" }]);
  });

  it("rejects text that is not a matcher, naming it", () => {
    expect(() => parseMatcher("=x")).toThrow('"=x" is not an Alertmanager matcher (e.g. severity="critical")');
    expect(() => parseMatcher("no operator")).toThrow('"no operator" is not an Alertmanager matcher');
  });

  it("anchors regexes and treats missing labels as empty", () => {
    expect(matcherMatches(parseMatcher('service=~"pay"'), { service: "payments" })).toBe(false);
    expect(matcherMatches(parseMatcher('service=~"pay.*"'), { service: "payments" })).toBe(true);
    expect(matcherMatches(parseMatcher("team!=ops"), {})).toBe(true);
    expect(matcherMatches(parseMatcher('team!~"o.*"'), { team: "ops" })).toBe(false);
    expect(matcherMatches(parseMatcher('team=""'), {})).toBe(true);
  });

  it("combines matchers, match and match_re of one route", () => {
    const r: RouteNode = { matchers: ['severity="critical"'], match: { team: "db" }, match_re: { service: "orders-.*" } };
    expect(routeMatches(r, { severity: "critical", team: "db", service: "orders-api" })).toBe(true);
    expect(routeMatches(r, { severity: "critical", team: "db", service: "podinfo" })).toBe(false);
  });
});

describe("matchRoutes", () => {
  const root: RouteNode = {
    receiver: "default",
    routes: [
      { matchers: ['alertname="Watchdog"'], receiver: "heartbeat" },
      { matchers: ['severity="critical"'], receiver: "pager", continue: true },
      { match_re: { severity: "critical|warning" }, receiver: "chat", routes: [{ matchers: ["team=db"] }] },
    ],
  };
  const receivers = (labels: Record<string, string>) => matchRoutes<RouteNode, string | undefined>(root, labels, (node, parent) => node.receiver ?? parent);

  it("first match wins, continue goes on, receivers are inherited, the root catches the rest", () => {
    expect(receivers({ alertname: "Watchdog", severity: "critical" })).toEqual(["heartbeat"]);
    expect(receivers({ alertname: "X", severity: "critical" })).toEqual(["pager", "chat"]);
    expect(receivers({ alertname: "X", severity: "warning", team: "db" })).toEqual(["chat"]);
    expect(receivers({ alertname: "X", severity: "info" })).toEqual(["default"]);
  });
});
