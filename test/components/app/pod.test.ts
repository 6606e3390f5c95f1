import { describe, expect, it } from "vitest";
import { deploymentSpec, probes, topologySpread, TMP_SIZE_LIMIT } from "../../../components/app/pod";
import { planColors } from "../../../components/app/sizing";
import { SETTINGS_CHECKSUM_ANNOTATION, settingsChecksum } from "../../../components/app/settings";
import { APP_LABELS, METRICS_PORT_NAME } from "../../../components/monitoring/contract";
import type { Environment } from "../../../lib/environment";
import { resolved } from "./fixtures";

function spec(env: Environment, edit?: (s: any) => void, color: "blue" | "green" = "blue"): any {
  const s = resolved(env, edit);
  return deploymentSpec({ environment: env, service: s, plan: planColors(s)[color], image: "img:1", serviceAccountName: "web" });
}
const container = (d: any) => d.template.spec.containers[0];

describe("secure defaults", () => {
  it("pod security context, field by field", () => {
    const pod = spec("production").template.spec.securityContext;
    expect(pod.runAsNonRoot).toBe(true);
    expect(pod.runAsUser).toBe(10001);
    expect(pod.runAsGroup).toBe(10001);
    expect(pod.fsGroup).toBe(10001);
    expect(pod.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(Object.keys(pod).sort()).toEqual(["fsGroup", "runAsGroup", "runAsNonRoot", "runAsUser", "seccompProfile"]);
  });

  it("container security context, field by field", () => {
    const c = container(spec("production")).securityContext;
    expect(c.runAsNonRoot).toBe(true);
    expect(c.runAsUser).toBe(10001);
    expect(c.privileged).toBe(false);
    expect(c.allowPrivilegeEscalation).toBe(false);
    expect(c.readOnlyRootFilesystem).toBe(true);
    expect(c.capabilities).toEqual({ drop: ["ALL"] });
    expect(c.capabilities.add).toBeUndefined();
    expect(c.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(c.runAsGroup).toBe(10001);
    expect(Object.keys(c).length).toBe(8); // nothing beyond the fields above
  });

  it("runAsUser from config reaches pod and container", () => {
    const d = spec("dev", (s) => (s.runAsUser = 2000));
    expect(d.template.spec.securityContext.runAsUser).toBe(2000);
    expect(container(d).securityContext.runAsUser).toBe(2000);
  });

  it("writable /tmp is an emptyDir with a size limit; nothing else is writable", () => {
    const d = spec("dev");
    expect(container(d).volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
    expect(d.template.spec.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: TMP_SIZE_LIMIT } }]);
    expect(TMP_SIZE_LIMIT).toBe("64Mi");
  });

  it("service-account token is not mounted unless asked", () => {
    expect(spec("dev").template.spec.automountServiceAccountToken).toBe(false);
    expect(spec("dev", (s) => (s.automountServiceAccountToken = true)).template.spec.automountServiceAccountToken).toBe(true);
    expect(spec("dev").template.spec.serviceAccountName).toBe("web");
    expect(spec("dev").template.spec.enableServiceLinks).toBe(false);
  });
});

describe("replicas", () => {
  it("is unset on a colour an HPA scales", () => {
    expect("replicas" in spec("production", undefined, "blue")).toBe(false);
    expect("replicas" in spec("production", undefined, "green")).toBe(false);
    expect("replicas" in spec("dev", undefined, "blue")).toBe(false);
  });
  it("is 0 on a colour scaled away", () => {
    expect(spec("dev", undefined, "green").replicas).toBe(0);
  });
});

describe("pods", () => {
  it("carry the contract's name and colour labels and are selected by them", () => {
    const d = spec("staging", undefined, "green");
    expect(d.selector.matchLabels).toEqual({ [APP_LABELS.name]: "web", [APP_LABELS.color]: "green" });
    expect(d.template.metadata.labels[APP_LABELS.name]).toBe("web");
    expect(d.template.metadata.labels[APP_LABELS.color]).toBe("green");
    expect(d.template.metadata.labels[APP_LABELS.role]).toBeUndefined();
  });

  it("do not depend on the active colour", () => {
    expect(spec("production", undefined, "green")).toEqual(spec("production", (s) => (s.activeColor = "green"), "green"));
  });

  it("roll out by surging, never below the current size", () => {
    expect(spec("dev").strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } });
  });

  it("serve http and, when separate, metrics", () => {
    expect(container(spec("dev")).ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(container(spec("dev", (s) => (s.metricsPort = 9090))).ports).toEqual([
      { name: "http", containerPort: 8080, protocol: "TCP" },
      { name: METRICS_PORT_NAME, containerPort: 9090, protocol: "TCP" },
    ]);
  });

  it("state requests and limits from config or the environment's defaults", () => {
    expect(container(spec("production")).resources).toEqual({ requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } });
    const custom = spec("dev", (s) => (s.resources = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } }));
    expect(container(custom).resources).toEqual({ requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "2Gi", cpu: "2" } });
  });
});

describe("probes", () => {
  it("startup, readiness and liveness, readiness on its own path", () => {
    const p = probes(resolved("staging")) as any;
    expect(p.startupProbe).toEqual({ httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 2 });
    expect(p.readinessProbe).toEqual({ httpGet: { path: "/readyz", port: 8080 }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 2, successThreshold: 1 });
    expect(p.livenessProbe).toEqual({ httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 });
    expect(p.readinessProbe.httpGet.path).not.toBe(p.livenessProbe.httpGet.path);
  });
  it("are on the container", () => {
    const c = container(spec("staging"));
    expect(c.startupProbe).toBeDefined();
    expect(c.readinessProbe).toBeDefined();
    expect(c.livenessProbe).toBeDefined();
  });
});

describe("draining", () => {
  it("pauses in preStop and gives the grace period room after it", () => {
    const dev = spec("dev");
    expect(container(dev).lifecycle).toEqual({ preStop: { sleep: { seconds: 3 } } });
    expect(dev.template.spec.terminationGracePeriodSeconds).toBe(33);
    const prod = spec("production");
    expect(container(prod).lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    expect(prod.template.spec.terminationGracePeriodSeconds).toBe(40);
  });
  it("follows config, and a zero pause has no hook", () => {
    const d = spec("dev", (s) => (s.shutdown = { preStopSeconds: 0, terminationGracePeriodSeconds: 5 }));
    expect(container(d).lifecycle).toBeUndefined();
    expect(d.template.spec.terminationGracePeriodSeconds).toBe(5);
  });
});

describe("topology spread", () => {
  it("requires zone spread in production and prefers it elsewhere; node spread is preferred", () => {
    // Laptop clusters carry no zone label: a hard constraint there would leave pods Pending.
    const of = (env: Environment) => spec(env).template.spec.topologySpreadConstraints as any[];
    expect(of("production").map((c) => [c.topologyKey, c.whenUnsatisfiable, c.maxSkew])).toEqual([
      ["topology.kubernetes.io/zone", "DoNotSchedule", 1],
      ["kubernetes.io/hostname", "ScheduleAnyway", 1],
    ]);
    for (const env of ["dev", "staging"] as const) {
      expect(of(env).map((c) => c.whenUnsatisfiable)).toEqual(["ScheduleAnyway", "ScheduleAnyway"]);
    }
  });
  it("takes the zone constraint from its argument and selects the colour's pods", () => {
    expect((topologySpread("ScheduleAnyway", "web", "blue") as any[])[0].whenUnsatisfiable).toBe("ScheduleAnyway");
    const hard = topologySpread("DoNotSchedule", "web", "blue") as any[];
    expect(hard[0].whenUnsatisfiable).toBe("DoNotSchedule");
    expect(hard[0].labelSelector).toEqual({ matchLabels: { [APP_LABELS.name]: "web", [APP_LABELS.color]: "blue" } });
    expect(hard[0].matchLabelKeys).toEqual(["pod-template-hash"]);
  });
});

describe("settings", () => {
  it("come from the ConfigMap and secretKeyRefs, never literal values", () => {
    const c = container(
      spec("dev", (s) => {
        s.settings = { LOG_LEVEL: "info" };
        s.secretSettings = { DB_PASSWORD: { secretName: "db", key: "password" } };
      }),
    );
    expect(c.envFrom).toEqual([{ configMapRef: { name: "web-settings" } }]);
    expect(c.env).toEqual([{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }]);
    expect(c.env.every((e: any) => e.value === undefined)).toBe(true);
  });
  it("without settings there is no envFrom or env", () => {
    const c = container(spec("dev"));
    expect(c.envFrom).toBeUndefined();
    expect(c.env).toBeUndefined();
  });
  it("annotate the pod template with their checksum", () => {
    const s = resolved("dev", (x) => (x.settings = { A: "1" }));
    const d = spec("dev", (x) => (x.settings = { A: "1" }));
    expect(d.template.metadata.annotations[SETTINGS_CHECKSUM_ANNOTATION]).toBe(settingsChecksum(s));
    expect(spec("dev", (x) => (x.settings = { A: "2" })).template.metadata.annotations[SETTINGS_CHECKSUM_ANNOTATION]).not.toBe(
      d.template.metadata.annotations[SETTINGS_CHECKSUM_ANNOTATION],
    );
  });
});
