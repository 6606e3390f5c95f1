import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { POSTGRES_CREDENTIALS_SECRET, REDIS_CREDENTIALS_SECRET } from "../../../components/monitoring/contract";
import {
  EXPORTER_IMAGES,
  EXPORTER_PORTS,
  EXPORTER_RESOURCES,
  blackboxExporterSpec,
  exporterDeploymentSpec,
  exporterNetworkPolicy,
  exporterServiceMonitor,
  exporterServiceSpec,
  hostNamespace,
  postgresExporterSpec,
  probeObjects,
  probePorts,
  redisExporterSpec,
  type ExporterSpec,
} from "../../../components/exporters/workloads";
import { edited, load } from "../../stacks/fixtures";
import { stackConfig } from "../monitoring/fixtures";

const specsOf = (stack: "dev" | "production"): ExporterSpec[] => {
  const c = stackConfig(stack);
  return [postgresExporterSpec(c), redisExporterSpec(c), blackboxExporterSpec(c, "blackbox-exporter-config")];
};

describe("every exporter pod is hardened like every workload", () => {
  for (const spec of specsOf("production")) {
    it(spec.kind, () => {
      const d = exporterDeploymentSpec(spec, { "app.kubernetes.io/name": `${spec.kind}-exporter` }) as any;
      const pod = d.template.spec;
      const c = pod.containers[0];
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } });
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 65534,
        runAsGroup: 65534,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        privileged: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(c.resources).toEqual(EXPORTER_RESOURCES);
      // Production's exporter: the default image's repository and tag, by a digest (the stack file
      // sets the one whose digest is not known, redis_exporter).
      expect(c.image.split("@")[0]).toBe(EXPORTER_IMAGES[spec.kind].split("@")[0]);
      expect(c.image).toMatch(/@sha256:[0-9a-f]{64}$/);
      // A released version, and its multi-arch digest where one is confirmed (redis_exporter's is not yet).
      expect(c.image).toMatch(/:v\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?$/);
      expect(c.ports).toEqual([{ name: "metrics", containerPort: EXPORTER_PORTS[spec.kind], protocol: "TCP" }]);
      expect(c.readinessProbe).toEqual({ tcpSocket: { port: "metrics" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
      expect(c.livenessProbe).toEqual({ httpGet: { path: "/", port: "metrics" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
      expect(c.image).toMatch(/^quay\.io\//);
      expect(d.replicas).toBe(1);
      expect(d.selector.matchLabels).toEqual({ "app.kubernetes.io/name": `${spec.kind}-exporter` });
    });
  }
});

describe("credentials come from Secrets by reference", () => {
  it("postgres: user and password from the credentials Secret, the address in plain", () => {
    const s = postgresExporterSpec(stackConfig("production"));
    expect(s.env).toEqual([
      { name: "DATA_SOURCE_URI", value: "orders-prod.cluster-def456.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full" },
      { name: "DATA_SOURCE_USER", valueFrom: { secretKeyRef: { name: POSTGRES_CREDENTIALS_SECRET, key: "username" } } },
      { name: "DATA_SOURCE_PASS", valueFrom: { secretKeyRef: { name: POSTGRES_CREDENTIALS_SECRET, key: "password" } } },
    ]);
  });
  it("postgres in dev: the in-cluster instance without TLS", () => {
    expect(postgresExporterSpec(stackConfig("dev")).env[0]).toEqual({ name: "DATA_SOURCE_URI", value: "postgres.apps.svc.cluster.local:5432/app?sslmode=disable" });
  });
  it("redis: TLS (rediss) for the external endpoint, plain in dev; password by reference", () => {
    expect(redisExporterSpec(stackConfig("production")).env).toEqual([
      { name: "REDIS_ADDR", value: "rediss://orders-prod.def456.euw1.cache.amazonaws.com:6379" },
      { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: REDIS_CREDENTIALS_SECRET, key: "password" } } },
    ]);
    expect(redisExporterSpec(stackConfig("dev")).env[0]).toEqual({ name: "REDIS_ADDR", value: "redis://redis.apps.svc.cluster.local:6379" });
  });
  it("no env var of any exporter carries a literal password", () => {
    for (const spec of [...specsOf("dev"), ...specsOf("production")]) {
      for (const v of spec.env) if (/PASS/.test(v.name)) expect("valueFrom" in v, v.name).toBe(true);
    }
  });
});

describe("egress", () => {
  it("in-cluster datastores: only their namespace, on their port", () => {
    const p = exporterNetworkPolicy(postgresExporterSpec(stackConfig("dev")));
    expect(p.name).toBe("allow-postgres-exporter-egress");
    expect(p.spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "postgres-exporter" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } } }], ports: [{ protocol: "TCP", port: 5432 }] }],
    });
  });
  it("external datastores: any address, only on their port", () => {
    const p = exporterNetworkPolicy(redisExporterSpec(stackConfig("production")));
    expect(p.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 6379 }] }]);
  });
  it("blackbox: web ports plus any explicit probe port", () => {
    expect(probePorts(stackConfig("production"))).toEqual([80, 443]);
    const c = load(edited("dev", (v) => (v.monitoring = { probes: [{ name: "alt", url: "https://status.example.com:8443/ok" }] })));
    expect(probePorts(c)).toEqual([80, 443, 8443]);
  });
  it("hostNamespace reads the namespace of a cluster DNS name only", () => {
    expect(hostNamespace("postgres.apps.svc.cluster.local")).toBe("apps");
    expect(hostNamespace("db.example.com")).toBeUndefined();
  });
});

describe("monitors and probes", () => {
  it("each exporter's Service exposes the metrics port its ServiceMonitor scrapes", () => {
    for (const kind of ["postgres", "redis", "blackbox"] as const) {
      const svc = exporterServiceSpec(kind) as any;
      const sm = exporterServiceMonitor(kind, "monitoring", {}, "30s");
      expect(svc.ports[0].name).toBe((sm.spec.endpoints as any[])[0].port);
      expect(svc.selector).toEqual((sm.spec.selector as any).matchLabels);
      expect(sm.metadata.labels).toEqual({ "app-platform/monitoring": "true" });
    }
  });
  it("one Probe per configured endpoint, run by the blackbox Service", () => {
    const probes = probeObjects(stackConfig("production"), {});
    expect(probes).toHaveLength(1);
    expect(probes[0].metadata.name).toBe("probe-podinfo-public");
    expect(probes[0].spec).toEqual({
      jobName: "blackbox",
      interval: "15s",
      module: "http_2xx_tls",
      prober: { url: "blackbox-exporter.monitoring.svc:9115", scheme: "http", path: "/probe" },
      targets: { staticConfig: { static: ["https://podinfo.example.com/healthz"], labels: { probe: "podinfo-public" } } },
    });
    expect(probeObjects(stackConfig("dev"), {})).toEqual([]);
  });
});

describe("the Postgres exporter's CA on AWS (RDS/Aurora roots are in no public trust store)", () => {
  // The path the backup tools image writes its bundle to, read from the Dockerfile itself.
  const dockerfile = fs.readFileSync(path.join(__dirname, "../../../components/backup/image/Dockerfile"), "utf8");
  const baked = /> (\/etc\/ssl\/certs\/\S+\.pem)/.exec(dockerfile)![1];
  const image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/production/backup-tools:15.13-abc";
  const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  it("verify-full without caBundle: an init container on the backup image copies its bundle into an emptyDir the exporter reads", () => {
    const c = stackConfig("production");
    expect(c.aws).toBeDefined();
    expect(c.postgres.sslMode).toBe("verify-full");
    expect(c.postgres.caBundle).toBeUndefined();
    const spec = postgresExporterSpec(c, "postgres-exporter-queries", image);
    const pod = (exporterDeploymentSpec(spec, { "app.kubernetes.io/name": "postgres-exporter" }) as any).template.spec;
    expect(pod.initContainers).toHaveLength(1);
    const init = pod.initContainers[0];
    expect(init.image).toBe(image);
    expect(init.command).toEqual(["cp", baked, "/etc/postgres-roots/postgres-roots.pem"]);
    expect(init.volumeMounts).toEqual([{ name: "postgres-roots", mountPath: "/etc/postgres-roots" }]);
    // Hardened like the exporter itself (the policy pack checks init containers too).
    expect(init.securityContext).toEqual(pod.containers[0].securityContext);
    expect(init.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(init.resources).toEqual(EXPORTER_RESOURCES);
    expect(pod.volumes).toContainEqual({ name: "postgres-roots", emptyDir: {} });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "postgres-roots", mountPath: "/etc/postgres-roots", readOnly: true });
    const uri = pod.containers[0].env.find((e: any) => e.name === "DATA_SOURCE_URI").value;
    expect(uri).toMatch(/\?sslmode=verify-full&sslrootcert=\/etc\/postgres-roots\/postgres-roots\.pem$/);
  });

  it("a user caBundle overrides the default: the postgres-ca ConfigMap, no init container", () => {
    const base = stackConfig("production");
    const c = { ...base, postgres: { ...base.postgres, caBundle: pem } };
    const spec = postgresExporterSpec(c, "postgres-exporter-queries", image);
    const pod = (exporterDeploymentSpec(spec, { "app.kubernetes.io/name": "postgres-exporter" }) as any).template.spec;
    expect(pod.initContainers).toBeUndefined();
    expect(pod.volumes).toEqual([{ name: "config", configMap: { name: "postgres-exporter-queries" } }, { name: "postgres-ca", configMap: { name: "postgres-ca" } }]);
    expect(pod.containers[0].env[0].value).toMatch(/&sslrootcert=\/etc\/postgres-ca\/ca\.crt$/);
  });

  it("sslMode require (no verification) or not AWS: no init container, no sslrootcert", () => {
    const base = stackConfig("production");
    const require = postgresExporterSpec({ ...base, postgres: { ...base.postgres, sslMode: "require" } }, "q", image);
    expect(require.init).toBeUndefined();
    expect(require.env[0]).toMatchObject({ value: expect.stringMatching(/\?sslmode=require$/) });
    const dev = stackConfig("dev");
    const devVerify = postgresExporterSpec({ ...dev, postgres: { ...dev.postgres, sslMode: "verify-full" } }, "q", image);
    expect(dev.aws).toBeUndefined();
    expect(devVerify.init).toBeUndefined();
  });
});
