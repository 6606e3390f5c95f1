// docs/config.md states a default per environment for each key. Here the real program renders
// each real stack file with some of those keys removed (in a child process, chart objects
// rendered by Helm from the real kube-prometheus-stack chart), and the value each rendered
// object carries must be the one the reference states: the reference is checked against what
// is deployed, not against the code that wrote it.
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { ENVIRONMENTS, type Environment } from "../../../lib/environment";
import type { RenderResult } from "../../../tools/render/mock-runtime";
import { REPO_ROOT } from "../../../tools/render/paths";
import { renderInChild, stackFolder } from "../../../tools/render/subprocess";

const REFERENCE = fs.readFileSync(path.join(REPO_ROOT, "docs", "config.md"), "utf8");

/** The default docs/config.md states for `key` in each environment, as written there (backticks removed). */
function statedDefaults(key: string): Record<Environment, string> {
  const start = REFERENCE.indexOf(`### \`${key}\`\n`);
  if (start < 0) throw new Error(`docs/config.md has no entry for ${key}`);
  const block = REFERENCE.slice(start, REFERENCE.indexOf("\n### ", start + 1));
  const line = /^- \*\*Default\*\*: (.*)$/m.exec(block)?.[1];
  if (!line) throw new Error(`docs/config.md states no default for ${key}`);
  const every = /`([^`]*)` \(every environment\)$/.exec(line);
  if (every) return { dev: every[1], staging: every[1], production: every[1] };
  const per = /dev `([^`]*)` · staging `([^`]*)` · production `([^`]*)`$/.exec(line);
  if (!per) throw new Error(`docs/config.md's default of ${key} is not a value per environment: ${line}`);
  return { dev: per[1], staging: per[2], production: per[3] };
}

type Doc = { config: Record<string, any> };
const cfg = (d: Doc, key: string) => d.config[`app-platform:${key}`];

/** Keys left out of every stack file, where the stack sets them. */
function omitKeys(d: Doc): void {
  delete cfg(d, "monitoring")?.prometheus?.retention;
  delete cfg(d, "monitoring")?.prometheus?.replicas;
  delete cfg(d, "monitoring")?.alertmanager?.replicas;
  delete cfg(d, "monitoring")?.scrapeInterval;
  delete cfg(d, "backup")?.schedule;
  delete cfg(d, "backup")?.retentionDays;
  delete cfg(d, "backup")?.drill?.schedule;
  for (const s of cfg(d, "services") ?? []) {
    delete s.shutdown?.preStopSeconds;
    delete s.shutdown?.terminationGracePeriodSeconds;
    delete s.autoscaling?.cpuUtilization;
  }
}

const renders = {} as Record<Environment, RenderResult>;
const services = {} as Record<Environment, string[]>;

beforeAll(async () => {
  await Promise.all(
    ENVIRONMENTS.map(async (env) => {
      const doc = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${env}.yaml`), "utf8")) as Doc;
      omitKeys(doc);
      services[env] = (cfg(doc, "services") ?? []).map((s: { name: string }) => s.name);
      const r = await renderInChild({ stack: env, rootDir: stackFolder(env, YAML.stringify(doc)) });
      if (!r.ok) throw new Error(`render of ${env} without the keys failed (exit ${r.exitCode}):\n${r.stderr}`);
      renders[env] = r.result;
    }),
  );
}, 240_000);

/** The one rendered object of a kind whose metadata.name matches. */
function object(env: Environment, kind: string, name: RegExp): any {
  const found = renders[env].resources.filter((x) => (x.inputs as any)?.kind === kind && name.test((x.inputs as any)?.metadata?.name ?? ""));
  if (found.length !== 1) throw new Error(`${env}: expected one ${kind} named ${name}, found ${found.length}`);
  return found[0].inputs;
}
const cronJob = (env: Environment, role: string) => object(env, "CronJob", new RegExp(`^[a-z-]*${role}$`));

// Each key, and where its value sits in what is deployed (field paths from the Kubernetes and
// prometheus-operator API references: Prometheus/Alertmanager spec.replicas, spec.retention,
// spec.scrapeInterval; CronJob spec.schedule; container lifecycle.preStop.sleep.seconds).
const deployed: [string, (env: Environment) => unknown][] = [
  ["monitoring.prometheus.retention", (env) => object(env, "Prometheus", /prometheus$/).spec.retention],
  ["monitoring.prometheus.replicas", (env) => object(env, "Prometheus", /prometheus$/).spec.replicas],
  ["monitoring.scrapeInterval", (env) => object(env, "Prometheus", /prometheus$/).spec.scrapeInterval],
  ["monitoring.alertmanager.replicas", (env) => object(env, "Alertmanager", /alertmanager$/).spec.replicas],
  ["backup.schedule", (env) => cronJob(env, "backup").spec.schedule],
  ["backup.drill.schedule", (env) => cronJob(env, "drill").spec.schedule],
];

describe.each(ENVIRONMENTS)("%s, rendered without the keys", (env) => {
  it.each(deployed)("deploys the default docs/config.md states for %s", (key, read) => {
    expect(String(read(env))).toBe(statedDefaults(key)[env]);
  });

  it("runs every service's containers with the preStop pause and grace period docs/config.md states", () => {
    const preStop = Number(statedDefaults("services[].shutdown.preStopSeconds")[env]);
    expect(services[env].length).toBeGreaterThan(0);
    for (const name of services[env]) {
      for (const color of ["blue", "green"]) {
        const pod = object(env, "Deployment", new RegExp(`^${name}-${color}$`)).spec.template.spec;
        expect(pod.containers[0].lifecycle.preStop.sleep.seconds, `${name}-${color}`).toBe(preStop);
        // "`preStopSeconds` + 30", worked out by hand from the stated pause.
        expect(pod.terminationGracePeriodSeconds, `${name}-${color}`).toBe(preStop + 30);
      }
    }
  });

  it("targets the CPU utilisation docs/config.md states in every service's HPA", () => {
    const target = Number(statedDefaults("services[].autoscaling.cpuUtilization")[env]);
    const hpas = renders[env].resources.filter((x) => (x.inputs as any)?.kind === "HorizontalPodAutoscaler").map((x) => x.inputs as any);
    expect(hpas.length).toBeGreaterThan(0);
    for (const h of hpas) {
      const cpu = h.spec.metrics.find((m: any) => m.resource?.name === "cpu");
      expect(cpu.resource.target, h.metadata.name).toEqual({ type: "Utilization", averageUtilization: target });
    }
  });
});

describe("docs/config.md's defaults", () => {
  it("are stricter in production where the environments differ (read from the reference, not the code)", () => {
    // Production keeps data longer and runs more replicas than dev; numbers from the reference.
    const days = (d: string) => Number(d.replace(/d$/, ""));
    const retention = statedDefaults("monitoring.prometheus.retention");
    expect(days(retention.production)).toBeGreaterThan(days(retention.dev));
    const am = statedDefaults("monitoring.alertmanager.replicas");
    expect(Number(am.production)).toBeGreaterThanOrEqual(2);
    expect(Number(am.production)).toBeGreaterThan(Number(am.dev));
  });
});
