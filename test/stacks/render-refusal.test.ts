// Bad stack files rendered for real, in a fresh process each: the render must stop before any
// resource is registered, exit 2, and print every problem without a stack trace.
import { describe, expect, it } from "vitest";
import { renderInChild, stackFolder } from "../../tools/render/subprocess";
import { edited, stackYaml, type StackValues } from "./fixtures";

const P = "app-platform:";

async function refused(stack: string, values: StackValues, plaintext: readonly string[] = []) {
  const dir = stackFolder(stack, stackYaml(values, plaintext));
  const r = await renderInChild({ stack, rootDir: dir });
  if (r.ok) throw new Error(`render of the bad stack "${stack}" succeeded with ${r.result.resources.length} resources`);
  return r;
}

function expectCleanRefusal(r: { exitCode: number; stderr: string; stdout: string }, messages: readonly string[]): void {
  expect(r.exitCode).toBe(2);
  // Nothing was registered: the child prints the render (JSON) on stdout only on success.
  expect(r.stdout).toBe("");
  expect(r.stderr).not.toMatch(/^\s+at /m);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines[0]).toMatch(new RegExp(`^invalid configuration for stack "[a-z-]+" \\(${messages.length} problems?\\):$`));
  expect(lines.slice(1)).toEqual(messages.map((m) => `  - ${m}`));
}

describe("a render of an invalid stack", () => {
  it("lists every schema problem of a production file, exits 2, registers nothing", async () => {
    const values = edited("production", (v) => {
      v.enviroment = "production";
      delete v.environment;
      v.services[0].replicas.min = "two";
      v.monitoring = { ...v.monitoring, prometheus: { ...v.monitoring.prometheus, retention: "15 days" } };
    });
    const r = await refused("prod-bad", values, ["pagerdutyRoutingKey"]);
    expectCleanRefusal(r, [
      `${P}pagerdutyRoutingKey ("[plaintext]") is a credential given in plaintext: remove it from the stack file and run \`pulumi config set --secret pagerdutyRoutingKey <value>\``,
      `${P}environment (unset) is required: set it in Pulumi.<stack>.yaml to one of "dev", "staging", "production"`,
      `${P}services[0].replicas.min ("two") must be a number; write it as a number such as 3`,
      `${P}monitoring.prometheus.retention ("15 days") must be a duration such as "30s", "5m" or "1h"`,
      `${P}enviroment ("production") is not a known key: did you mean "environment"? Rename it`,
    ]);
    expect(r.stderr).not.toContain("routing-key");
  });

  it("lists every production rule problem at once", async () => {
    const values = edited("production", (v) => {
      v.services[0].image.blue = "ghcr.io/org/web:latest";
      delete v.alerting.receivers.pagerduty;
      delete v.pagerdutyRoutingKey;
      delete v.backup.objectLock;
    });
    const r = await refused("prod-unsafe", values);
    expectCleanRefusal(r, [
      `${P}services[0].image.blue ("ghcr.io/org/web:latest") must not use the "latest" tag in production: pin a version tag or a digest`,
      `${P}alerting.receivers.pagerduty (unset) is required in production: critical alerts must page someone; add \`pagerduty: {}\` and set the secret \`pagerdutyRoutingKey\``,
      `${P}backup.objectLock (unset) is required in production: add \`objectLock: { mode: "COMPLIANCE", days: 30 }\` so that backups cannot be deleted or overwritten`,
    ]);
  });

  it("refuses a bad cron schedule and AWS in dev", async () => {
    const values = edited("dev", (v) => {
      v.backup = { schedule: "0 3 * * 8" };
      v.aws = { region: "eu-west-1" };
    });
    const r = await refused("dev-bad", values);
    expectCleanRefusal(r, [
      `${P}backup.schedule ("0 3 * * 8") has day of week "8" outside 0-7: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`,
      `${P}aws ({"region":"eu-west-1"}) is not used in dev (dev needs no cloud account): remove it`,
    ]);
  });

  it("refuses a staging stack without AWS and with a time scale", async () => {
    const values = edited("staging", (v) => {
      delete v.aws;
      v.timeScale = 0.5;
    });
    const r = await refused("staging-bad", values);
    expectCleanRefusal(r, [
      `${P}aws (unset) is required in staging: backups go to S3 and secrets to Secrets Manager; add \`aws: { region: "eu-west-1" }\``,
      `${P}timeScale (0.5) is for end-to-end tests of dev only: remove it`,
    ]);
  });

  it("refuses a production file with hostile values of many classes at once, registering nothing", async () => {
    const values = edited("production", (v) => {
      v.services[0].resources = { requests: { cpu: "0", memory: "256Mi" }, limits: { memory: "512Mi" } };
      v.services[0].ingress = { host: "-shop..example.com" };
      v.services[0].egress = [{ cidr: "0.0.0.0/0", ports: [443] }];
      v.backup.schedule = "0 3 31 2 *";
      v.monitoring.scrapeInterval = "0s";
      v.alerting.maintenance = { weekdays: ["sunday"], startTime: "02:00", endTime: "04:00", location: "Europe/Berln" };
      v.alerting.runbookBaseUrl = "javascript:alert(1)";
      v.namespaces = { monitoring: "apps" };
      v.redis.tls = false;
      delete v.alerting.heartbeat;
      delete v.heartbeatUrl;
    });
    const r = await refused("prod-hostile", values);
    expectCleanRefusal(r, [
      `${P}services[0].resources.requests.cpu ("0") must be greater than zero: nothing runs on no CPU; write a quantity such as "100m"`,
      `${P}services[0].ingress.host ("-shop..example.com") has an empty label (a leading, trailing or double "."): write e.g. "app.example.com" (RFC 1123)`,
      `${P}monitoring.scrapeInterval ("0s") must be greater than zero: write a duration such as "30s", "5m" or "1h"`,
      `${P}alerting.maintenance.location ("Europe/Berln") is not an IANA time zone: did you mean "Europe/Berlin"?`,
      `${P}alerting.runbookBaseUrl ("javascript:alert(1)") has the scheme "javascript:", but only https: and http: are allowed here: write e.g. "https://example.com/path"`,
      `${P}backup.schedule ("0 3 31 2 *") never fires: day 31 does not occur in February: write a cron expression such as "0 3 * * *" (daily at 03:00 UTC)`,
      `${P}namespaces.monitoring ("apps") is also namespaces.apps: each role needs its own namespace (the platform creates one Namespace per role, each with its own Pod Security level, and two would conflict); choose another name`,
      `${P}alerting.heartbeat (unset) is required in production: without the dead man's switch nobody learns that Prometheus or Alertmanager stopped alerting; add \`heartbeat: {}\` and set the secret \`heartbeatUrl\``,
      `${P}services[0].egress[0].cidr ("0.0.0.0/0") opens egress to every address on the internet: production pods may reach only what they need; declare the endpoints' own ranges (a /8 or narrower)`,
      `${P}redis.tls (false) must be true in production: without TLS the Redis password and data cross the network in clear text; enable TLS on the endpoint and remove \`tls: false\``,
    ]);
  });

  it("names the file when the stack file is not YAML", async () => {
    const dir = stackFolder("broken", "config:\n  app-platform:environment: [dev\n");
    const r = await renderInChild({ stack: "broken", rootDir: dir });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^Pulumi\.broken\.yaml is not valid YAML: /);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
