import type { ExportersConfig } from "./workloads";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../foundation/labels";
import { monitoringResource } from "../monitoring/monitoring-stack";
import { BLACKBOX_CONFIG_FILE, blackboxConfigYaml } from "./blackbox";
import { POSTGRES_QUERIES_FILE, postgresQueriesYaml } from "./postgres-queries";
import {
  CREDENTIALS_CHECKSUM_ANNOTATION,
  POSTGRES_CA_CONFIGMAP,
  POSTGRES_CA_KEY,
  POSTGRES_QUERIES_CONFIGMAP,
  blackboxExporterSpec,
  credentialsChecksum,
  exporterDeploymentSpec,
  exporterLabels,
  exporterName,
  exporterNetworkPolicy,
  exporterServiceMonitor,
  exporterServiceSpec,
  postgresExporterSpec,
  probeObjects,
  redisExporterSpec,
  type ExporterKind,
  type ExporterSpec,
} from "./workloads";

/** Arguments of {@link Exporters}. */
export interface ExportersArgs {
  /** The slice of stack config the exporters read: datastore endpoints, probes, scrape interval. */
  readonly config: ExportersConfig;
  /** Namespace the exporters run in. @default config.namespaces.monitoring */
  readonly namespace?: pulumi.Input<string>;
  /**
   * The resource that installs the monitoring.coreos.com CRDs (the kube-prometheus-stack
   * chart); ServiceMonitors and Probes wait for it.
   */
  readonly crds: pulumi.Resource;
  /** Which exporters to run. @default ["postgres", "redis", "blackbox"] */
  readonly exporters?: readonly ExporterKind[];
  /**
   * The passwords the Postgres and Redis exporters read from their credentials Secrets. Their
   * checksum goes on the pod template, so that a rotation rolls the pods (environment
   * variables are read once, at start). @default none: pods do not roll on rotation
   */
  readonly credentials?: {
    /** @default none: the Postgres exporter's pods do not roll on rotation */
    readonly postgres?: pulumi.Input<string>;
    /** @default none: the Redis exporter's pods do not roll on rotation */
    readonly redis?: pulumi.Input<string>;
  };
  /**
   * An image with the public roots and the RDS CA bundle at /etc/ssl/certs/postgres-roots.pem
   * (the backup tools image). On AWS stacks with sslMode verify-ca/verify-full and no
   * `postgres.caBundle`, an init container copies that file for the exporter's sslrootcert;
   * without it such a stack is refused. @default undefined
   */
  readonly postgresRootsImage?: pulumi.Input<string>;
}

/**
 * The exporters the chart does not bring: postgres_exporter and redis_exporter against the
 * stack's datastores (credentials from the secrets component's Secrets, by reference), and
 * blackbox_exporter for the public endpoints in `monitoring.probes`. Each is a hardened
 * Deployment with a Service, an egress NetworkPolicy and a ServiceMonitor; every probe is a
 * Probe object run through the blackbox exporter.
 */
export class Exporters extends pulumi.ComponentResource {
  /** Kubernetes names of the exporter Services. */
  readonly serviceNames: string[];

  constructor(name: string, args: ExportersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:exporters:Exporters", name, {}, opts);
    const config = args.config;
    const kinds = args.exporters ?? (["postgres", "redis", "blackbox"] as const);
    const unknown = kinds.filter((k) => !["postgres", "redis", "blackbox"].includes(k));
    if (unknown.length > 0) {
      throw new pulumi.ResourceError(`exporters (${JSON.stringify(unknown)}) must be among "postgres", "redis", "blackbox"`, this);
    }
    if (config.monitoring.probes.length > 0 && !kinds.includes("blackbox")) {
      throw new pulumi.ResourceError('exporters must include "blackbox" when monitoring.probes is set: the Probe objects are run by it', this);
    }
    const namespace = args.namespace ?? config.namespaces.monitoring;
    const base = standardLabels({ environment: config.environment, component: "exporters" });
    const crdOpts = { parent: this, dependsOn: [args.crds] };

    const pg = config.postgres;
    if (kinds.includes("postgres") && config.aws !== undefined && pg.sslMode.startsWith("verify") && pg.caBundle === undefined && args.postgresRootsImage === undefined) {
      throw new pulumi.ResourceError(
        `Exporters ${name}: postgresRootsImage (unset) is required when config.aws is set, config.postgres.sslMode is "${pg.sslMode}" and config.postgres.caBundle is unset: the Postgres exporter needs a CA bundle to verify the server; pass the backup tools image or set config.postgres.caBundle`,
        this,
      );
    }

    const specs: ExporterSpec[] = [];
    for (const kind of kinds) {
      if (kind === "postgres") {
        new k8s.core.v1.ConfigMap(
          `${name}-postgres-queries`,
          {
            metadata: { name: POSTGRES_QUERIES_CONFIGMAP, namespace, labels: exporterLabels("postgres", base) },
            data: { [POSTGRES_QUERIES_FILE]: postgresQueriesYaml() },
          },
          { parent: this },
        );
        const pgSpec = postgresExporterSpec(config, POSTGRES_QUERIES_CONFIGMAP, args.postgresRootsImage);
        if (pgSpec.mounts?.some((m) => m.configMap === POSTGRES_CA_CONFIGMAP)) {
          new k8s.core.v1.ConfigMap(
            `${name}-postgres-ca`,
            { metadata: { name: POSTGRES_CA_CONFIGMAP, namespace, labels: exporterLabels("postgres", base) }, data: { [POSTGRES_CA_KEY]: config.postgres.caBundle! } },
            { parent: this },
          );
        }
        specs.push(pgSpec);
      }
      if (kind === "redis") specs.push(redisExporterSpec(config));
      if (kind === "blackbox") {
        new k8s.core.v1.ConfigMap(
          `${name}-blackbox-config`,
          {
            metadata: { name: "blackbox-exporter-config", namespace, labels: exporterLabels("blackbox", base) },
            data: { [BLACKBOX_CONFIG_FILE]: blackboxConfigYaml() },
          },
          { parent: this },
        );
        specs.push(blackboxExporterSpec(config, "blackbox-exporter-config"));
      }
    }

    this.serviceNames = [];
    for (const spec of specs) {
      const labels = exporterLabels(spec.kind, base);
      const role = exporterName(spec.kind);
      const policy = exporterNetworkPolicy(spec);
      new k8s.networking.v1.NetworkPolicy(`${name}-${role}-egress`, { metadata: { name: policy.name, namespace, labels }, spec: policy.spec }, { parent: this });
      const credential = spec.kind === "postgres" || spec.kind === "redis" ? args.credentials?.[spec.kind] : undefined;
      // The queries file is read at start too: its content rolls the pod like a credential.
      const rollOn = [credential, spec.kind === "postgres" ? postgresQueriesYaml() : undefined].filter((x): x is pulumi.Input<string> => x !== undefined);
      // unsecret: a secret annotation would make the whole Deployment spec secret, hiding it
      // from previews and diffs. The checksum is a truncated hash, not the password.
      const annotations = credential !== undefined ? { [CREDENTIALS_CHECKSUM_ANNOTATION]: pulumi.unsecret(pulumi.all(rollOn).apply((v) => credentialsChecksum(v.map((x) => x ?? "")))) } : undefined;
      new k8s.apps.v1.Deployment(`${name}-${role}`, { metadata: { name: role, namespace, labels }, spec: exporterDeploymentSpec(spec, labels, annotations) }, { parent: this });
      new k8s.core.v1.Service(`${name}-${role}-service`, { metadata: { name: role, namespace, labels }, spec: exporterServiceSpec(spec.kind) }, { parent: this });
      this.serviceNames.push(role);
      const monitor = exporterServiceMonitor(spec.kind, config.namespaces.monitoring, base, config.monitoring.scrapeInterval);
      monitoringResource(`${name}-${role}-monitor`, monitor, namespace, crdOpts);
    }

    for (const probe of probeObjects(config, base)) {
      monitoringResource(`${name}-${probe.metadata.name}`, probe, namespace, crdOpts);
    }

    this.registerOutputs({ serviceNames: this.serviceNames });
  }
}
