// Every bad service config gives its exact, named error; good ones load with their defaults.
import { describe, expect, it } from "vitest";
import { edited, load, problemsOf } from "./fixtures";
import { defaultScaling } from "../../stacks/resolve";
import { ENVIRONMENT_DEFAULTS } from "../../stacks/schema/defaults";

const cases: Record<string, ["dev" | "staging" | "production", (v: any) => void]> = {
  minmax: ["staging", (v) => (v.services[0].replicas = { min: 5, max: 3 })],
  badport: ["staging", (v) => (v.services[0].port = 70000)],
  privport: ["staging", (v) => (v.services[0].port = 80)],
  privmetrics: ["staging", (v) => (v.services[0].metricsPort = 443)],
  color: ["staging", (v) => (v.services[0].activeColor = "purple")],
  colorMissing: ["staging", (v) => delete v.services[0].activeColor],
  dup: ["staging", (v) => v.services.push({ ...v.services[0] })],
  latestProd: ["production", (v) => (v.services[0].image.green = "ghcr.io/org/web:latest")],
  untaggedStaging: ["staging", (v) => (v.services[0].image.green = "ghcr.io/org/web")],
  unpinnedProd: ["production", (v) => (v.services[0].image.green = "ghcr.io/org/web:main")],
  memLimit: ["staging", (v) => (v.services[0].resources = { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "256Mi" } })],
  cpuLimit: ["staging", (v) => (v.services[0].resources = { requests: { cpu: "1", memory: "512Mi" }, limits: { cpu: "500m", memory: "1Gi" } })],
  probePort: ["staging", (v) => (v.services[0].probes.readiness.port = 9999)],
  probePath: ["staging", (v) => (v.services[0].probes.readiness.path = "readyz")],
  sameProbe: ["staging", (v) => (v.services[0].probes.readiness.path = "/healthz")],
  idleProd: ["production", (v) => (v.services[0].idleReplicas = 1)],
  idleMax: ["staging", (v) => (v.services[0].idleReplicas = 9)],
  minProd: ["production", (v) => (v.services[0].replicas = { min: 1, max: 4 })],
  prescaleRep: ["staging", (v) => (v.services[0].promotion = { prescaleReplicas: 9 })],
  grace: ["staging", (v) => (v.services[0].shutdown = { preStopSeconds: 20, terminationGracePeriodSeconds: 20 })],
  delayMax: ["staging", (v) => (v.services[0].strategy = { type: "blueGreen", scaleDownDelaySeconds: 30000 })],
  delayOldKey: ["staging", (v) => (v.services[0].promotion = { scaleDownDelaySeconds: 600 })],
  warmUntil: ["staging", (v) => (v.services[0].promotion = { prescale: true, warmUntil: "in 10 minutes" })],
  buildLatest: ["staging", (v) => { delete v.services[0].image.green; v.services[0].build = { context: "app", color: "green", tag: "latest" }; }],
  buildConflict: ["staging", (v) => { v.services[0].build = { context: "app", color: "green", tag: "1.5.0" }; }],
  noImage: ["staging", (v) => { delete v.services[0].image.blue; }],
  buildNoTag: ["staging", (v) => { delete v.services[0].image.green; v.services[0].build = { context: "app", color: "green" }; }],
  previewCollide: ["staging", (v) => v.services.push({ ...v.services[0], name: "web-preview" })],
  hostDup: ["staging", (v) => { v.services[0].ingress = { host: "a.example.com", tlsSecretName: "a-tls" }; v.services.push({ ...v.services[0], name: "api", ingress: { host: "a.example.com", tlsSecretName: "a-tls" } }); }],
  previewSame: ["staging", (v) => (v.services[0].ingress = { host: "a.example.com", previewHost: "a.example.com", tlsSecretName: "a-tls" })],
  cidr: ["staging", (v) => (v.services[0].egress = [{ cidr: "10.0.0.0/33", ports: [5432] }])],
  egressBoth: ["staging", (v) => (v.services[0].egress = [{ cidr: "10.0.0.0/16", namespace: "x", ports: [5432] }])],
  egressNs: ["staging", (v) => (v.services[0].egress = [{ namespace: "Bad_NS", ports: [5432] }])],
  secretConflict: ["staging", (v) => { v.services[0].settings = { DB: "x" }; v.services[0].secretSettings = { DB: { secretName: "redis-credentials", key: "password" } }; }],
  settingName: ["staging", (v) => (v.services[0].settings = { "bad-name": "x" })],
  runAsRoot: ["staging", (v) => (v.services[0].runAsUser = 0)],
  unknownKey: ["staging", (v) => (v.services[0].replica = 3)],
  name: ["staging", (v) => (v.services[0].name = "Web")],
};
const expected: Record<string, string[]> = {
  "minmax": [
    "app-platform:services[0].replicas.min (5) must be <= replicas.max (3)"
  ],
  "badport": [
    "app-platform:services[0].port (70000) must be <= 65535"
  ],
  "privport": [
    "app-platform:services[0].port (80) must be >= 1024: containers run as non-root with every capability dropped and cannot bind privileged ports; serve on e.g. 8080 (the Service still exposes port 80)",
    "app-platform:services[0].metricsPort (80) must be >= 1024: containers run as non-root with every capability dropped and cannot bind privileged ports; serve on e.g. 8080 (the Service still exposes port 80)"
  ],
  "privmetrics": [
    "app-platform:services[0].metricsPort (443) must be >= 1024: containers run as non-root with every capability dropped and cannot bind privileged ports; serve on e.g. 8080 (the Service still exposes port 80)"
  ],
  "color": [
    "app-platform:services[0].activeColor (\"purple\") must be one of \"blue\", \"green\""
  ],
  "colorMissing": [
    "app-platform:services[0].activeColor (unset) is required: set it in Pulumi.<stack>.yaml to one of \"blue\", \"green\""
  ],
  "dup": [
    "app-platform:services[1].name (\"web\") duplicates services[0].name: service names must be unique"
  ],
  "latestProd": [
    "app-platform:services[0].image.green (\"ghcr.io/org/web:latest\") must not use the \"latest\" tag in production: pin a version tag or a digest"
  ],
  "untaggedStaging": [
    "app-platform:services[0].image.green (\"ghcr.io/org/web\") has no tag, which means \"latest\": pin a version tag or a digest in staging"
  ],
  "unpinnedProd": [
    "app-platform:services[0].image.green (\"ghcr.io/org/web:main\") must name a digest in production (\"ghcr.io/org/web:main@sha256:<digest>\"): a tag can be moved or re-pushed, so the same name can run different code; run `platform pin-images production` where the registry is reachable"
  ],
  "memLimit": [
    "app-platform:services[0].resources.limits.memory (\"256Mi\") must be >= resources.requests.memory (512Mi)"
  ],
  "cpuLimit": [
    "app-platform:services[0].resources.limits.cpu (\"500m\") must be >= resources.requests.cpu (1)"
  ],
  "probePort": [
    "app-platform:services[0].probes.readiness.port (9999) must be a port the container serves (port 8080)"
  ],
  "probePath": [
    "app-platform:services[0].probes.readiness.path (\"readyz\") must be an HTTP path starting with \"/\""
  ],
  "sameProbe": [
    "app-platform:services[0].probes.readiness.path (\"/healthz\") must differ from probes.liveness.path: readiness reports whether to send traffic, liveness whether to restart"
  ],
  "idleProd": [
    "app-platform:services[0].idleReplicas (1) must be >= 2 in production: the idle colour stays warm so that a rollback is instant, and its PodDisruptionBudget must allow an eviction while keeping a pod"
  ],
  "idleMax": [
    "app-platform:services[0].idleReplicas (9) must be <= replicas.max (4)"
  ],
  "minProd": [
    "app-platform:services[0].replicas.min (1) must be >= 2 in production so that one pod can fail or be evicted without an outage"
  ],
  "prescaleRep": [
    "app-platform:services[0].promotion.prescaleReplicas (9) must be between replicas.min (1) and replicas.max (4): it is the active colour's size that the idle colour is raised to"
  ],
  "grace": [
    "app-platform:services[0].shutdown.terminationGracePeriodSeconds (20) must be > shutdown.preStopSeconds (20): the grace period includes the preStop pause, and requests in flight need time after it"
  ],
  "delayMax": [
    "app-platform:services[0].strategy.scaleDownDelaySeconds (30000) must be <= 21600"
  ],
  "delayOldKey": [
    "app-platform:services[0].promotion.scaleDownDelaySeconds (600) is not a known key: it moved to strategy.scaleDownDelaySeconds, the warm window during which platform promote keeps the old colour at its size after a switch; move it there"
  ],
  "warmUntil": [
    "app-platform:services[0].promotion.warmUntil (\"in 10 minutes\") must be an RFC 3339 UTC time such as \"2026-11-30T10:30:00Z\""
  ],
  "buildLatest": [
    "app-platform:services[0].build.tag (\"latest\") must not be \"latest\": registry tags are immutable, so each build needs its own tag (a version or a commit id)"
  ],
  "buildConflict": [
    "app-platform:services[0].image.green (\"ghcr.io/org/web:1.4.2@sha256:5e5e5e5e5e5e5e5e5e5e5e5e5e5...) conflicts with build.color \"green\": the colour runs either a reference or the build; remove one"
  ],
  "noImage": [
    "app-platform:services[0].image.blue (unset) is required: set an image reference for the blue colour, or build it with build.color \"blue\""
  ],
  "buildNoTag": [
    "app-platform:services[0].build.tag (unset) is required: set it in Pulumi.<stack>.yaml (a string)"
  ],
  "previewCollide": [
    "app-platform:services[1].name (\"web-preview\") collides with the preview Service of services[0] (\"web\"): rename it"
  ],
  "hostDup": [
    "app-platform:services[1].ingress.host (\"a.example.com\") is already served by services[0] (\"web\"): each host routes to one Service"
  ],
  "previewSame": [
    "app-platform:services[0].ingress.previewHost (\"a.example.com\") must differ from ingress.host: the preview colour needs its own host"
  ],
  "cidr": [
    "app-platform:services[0].egress[0].cidr (\"10.0.0.0/33\") must be an IPv4 CIDR such as \"10.20.0.0/16\""
  ],
  "egressBoth": [
    "app-platform:services[0].egress[0] ({\"namespace\":\"x\",\"cidr\":\"10.0.0.0/16\",\"ports\":[5432]}) must set exactly one of \"namespace\" or \"cidr\""
  ],
  "egressNs": [
    "app-platform:services[0].egress[0].namespace (\"Bad_NS\") must be a namespace name (a DNS label)"
  ],
  "secretConflict": [
    "app-platform:services[0].secretSettings.DB ({\"secretName\":\"redis-credentials\",\"key\":\"password\"}) conflicts with settings.DB: a variable is either plain or secret; remove one"
  ],
  "settingName": [
    "app-platform:services[0].settings.bad-name (\"bad-name\") is not a valid key: must be an environment variable name"
  ],
  "runAsRoot": [
    "app-platform:services[0].runAsUser (0) must not be 0 (root): pods run as non-root; use the image's unprivileged UID, e.g. 10001"
  ],
  "unknownKey": [
    "app-platform:services[0].replica (3) is not a known key: did you mean \"replicas\"? Rename it"
  ],
  "name": [
    "app-platform:services[0].name (\"Web\") must be a DNS label: lowercase letters, digits and '-', starting with a letter"
  ]
};

const titles: Record<string, string> = {
  "minmax": "replicas.min above replicas.max",
  "badport": "a port above 65535",
  "privport": "a privileged port (both port and the metricsPort it defaults to)",
  "privmetrics": "a privileged metricsPort",
  "color": "an unknown colour",
  "colorMissing": "a missing activeColor",
  "dup": "duplicate service names",
  "latestProd": "latest in production",
  "untaggedStaging": "an untagged image outside dev",
  "unpinnedProd": "an unpinned tag in production",
  "memLimit": "a memory limit below the request",
  "cpuLimit": "a CPU limit below the request",
  "probePort": "a probe port the container does not serve",
  "probePath": "a probe path without a leading slash",
  "sameProbe": "readiness equal to liveness outside dev",
  "idleProd": "an idle colour of 1 in production",
  "idleMax": "idleReplicas above replicas.max",
  "minProd": "replicas.min of 1 in production (once, not again for the inherited idle size)",
  "prescaleRep": "prescaleReplicas outside the replica bounds",
  "grace": "a grace period not longer than the preStop pause",
  "delayMax": "a warm window longer than a GitHub Actions job may run",
  "delayOldKey": "the scale-down delay where it used to be (promotion)",
  "warmUntil": "a warm window end that is not a time",
  "buildLatest": "a build tagged latest",
  "buildConflict": "a colour with both an image and the build",
  "noImage": "a colour with neither image nor build",
  "buildNoTag": "a build without a tag",
  "previewCollide": "a service named like another's preview Service",
  "hostDup": "two services on one host",
  "previewSame": "previewHost equal to host",
  "cidr": "an invalid egress CIDR",
  "egressBoth": "egress with both namespace and cidr",
  "egressNs": "an invalid egress namespace",
  "secretConflict": "a variable both plain and secret",
  "settingName": "a settings key that is no variable name",
  "runAsRoot": "runAsUser 0",
  "unknownKey": "a misspelt key",
  "name": "a service name that is no DNS label"
};

describe("bad service config", () => {
  for (const [key, [env, edit]] of Object.entries(cases)) {
    it(`${titles[key]} (${env})`, () => {
      expect(problemsOf(edited(env, edit))).toEqual(expected[key]);
    });
  }
  it("every case has a title and an expected message", () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(cases).sort());
    expect(Object.keys(titles).sort()).toEqual(Object.keys(cases).sort());
    for (const messages of Object.values(expected)) expect(messages.length).toBeGreaterThan(0);
  });
});

describe("service defaults", () => {
  const svc = (env: "dev" | "staging" | "production", edit: (s: any) => void = () => {}) =>
    load(edited(env, (v) => edit(v.services[0]))).services[0];

  it("metricsPort defaults to port, metricsPath to /metrics", () => {
    expect(svc("dev").metricsPort).toBe(8080);
    expect(svc("dev").metricsPath).toBe("/metrics");
  });
  it("idleReplicas: 0 in dev and staging, replicas.min in production", () => {
    expect(svc("dev").idleReplicas).toBe(0);
    expect(svc("staging").idleReplicas).toBe(0);
    expect(svc("production", (s) => (s.replicas = { min: 3, max: 5 })).idleReplicas).toBe(3);
  });
  it("resources come from the environment's defaults", () => {
    for (const env of ["dev", "staging", "production"] as const) expect(svc(env).resources).toEqual(ENVIRONMENT_DEFAULTS[env].serviceResources);
  });
  it("autoscaling: CPU 70 %, no memory target, per-environment behaviour", () => {
    for (const env of ["dev", "staging", "production"] as const) {
      const a = svc(env).autoscaling;
      expect(a.cpuUtilization).toBe(70);
      expect(a.memoryUtilization).toBeUndefined();
      expect(a.metric).toBeUndefined();
      expect({ scaleUp: a.scaleUp, scaleDown: a.scaleDown }).toEqual(defaultScaling(env));
    }
  });
  it("defaultScaling: scale up fast everywhere, scale down slower the stricter the environment", () => {
    expect(defaultScaling("dev").scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [{ type: "Percent", value: 100, periodSeconds: 30 }, { type: "Pods", value: 4, periodSeconds: 30 }],
    });
    expect(defaultScaling("dev").scaleDown).toEqual({ stabilizationWindowSeconds: 60, selectPolicy: "Min", policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] });
    expect(defaultScaling("staging").scaleDown).toEqual({ stabilizationWindowSeconds: 300, selectPolicy: "Min", policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] });
    expect(defaultScaling("production").scaleDown).toEqual({ stabilizationWindowSeconds: 600, selectPolicy: "Min", policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] });
  });
  it("promotion: no hold anywhere until a release writes one; prescaleReplicas = replicas.min; no warm window recorded", () => {
    expect(svc("dev").promotion).toEqual({ prescale: false, prescaleReplicas: 1, warmUntil: undefined, canaryWeight: 0, migrate: false });
    expect(svc("staging").promotion).toEqual({ prescale: false, prescaleReplicas: 1, warmUntil: undefined, canaryWeight: 0, migrate: false });
    expect(svc("production").promotion).toEqual({ prescale: false, prescaleReplicas: 2, warmUntil: undefined, canaryWeight: 0, migrate: false });
  });
  it("strategy.scaleDownDelaySeconds: no warm window in dev, 10 minutes in staging, 30 in production", () => {
    expect(["dev", "staging", "production"].map((e) => svc(e as "dev").strategy.scaleDownDelaySeconds)).toEqual([0, 600, 1800]);
  });
  it("shutdown: preStop 3 s in dev and 10 s elsewhere; grace period = preStop + 30 s", () => {
    expect(svc("dev").shutdown).toEqual({ preStopSeconds: 3, terminationGracePeriodSeconds: 33 });
    expect(svc("staging").shutdown).toEqual({ preStopSeconds: 10, terminationGracePeriodSeconds: 40 });
    expect(svc("production").shutdown).toEqual({ preStopSeconds: 10, terminationGracePeriodSeconds: 40 });
    expect(svc("dev", (s) => (s.shutdown = { preStopSeconds: 20 })).shutdown.terminationGracePeriodSeconds).toBe(50);
  });
  it("runAsUser 10001, token automount off, no settings, no egress", () => {
    const s = svc("dev");
    expect(s.runAsUser).toBe(10001);
    expect(s.automountServiceAccountToken).toBe(false);
    expect(s.settings).toEqual({});
    expect(s.secretSettings).toEqual({});
    expect(s.egress).toEqual([]);
  });
  it("probes: startup falls back to liveness; paths /healthz and /readyz; port = service port", () => {
    const s = svc("staging", (x) => delete x.probes);
    expect(s.probes.startup).toEqual({ path: "/healthz", port: 8080, periodSeconds: 2, failureThreshold: 30 });
    expect(s.probes.readiness).toEqual({ path: "/readyz", port: 8080, periodSeconds: 5, failureThreshold: 3 });
    expect(s.probes.liveness).toEqual({ path: "/healthz", port: 8080, periodSeconds: 10, failureThreshold: 3 });
    expect(svc("staging", (x) => (x.probes.liveness = { path: "/live" })).probes.startup.path).toBe("/live");
  });
  it("build: the loader leaves dockerfile unset (ServiceImage applies its default, Dockerfile: test/components/app/components.test.ts)", () => {
    const s = svc("staging", (x) => {
      delete x.image.green;
      x.build = { context: "app", color: "green", tag: "1.5.0" };
    });
    expect(s.build).toEqual({ context: "app", color: "green", tag: "1.5.0" });
  });
  it("a build replaces the image of its colour and loads in production", () => {
    expect(problemsOf(edited("production", (v) => {
      delete v.services[0].image.green;
      v.services[0].build = { context: "app", color: "green", tag: "git-3f2a9c1" };
    }))).toEqual([]);
  });
});
