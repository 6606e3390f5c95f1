import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";
import { Foundation } from "../components/foundation";
import { BlueGreenService, MigrationJob, TrafficRouter, colorWeights, otherColor, type ImageRegistry } from "../components/app";
import { PlatformSecrets, secretConfig } from "../components/secrets";
import { InClusterDatastores } from "../components/datastores";
import { PostgresBackups } from "../components/backup";
import { MonitoringStack } from "../components/monitoring/monitoring-stack";
import { Exporters } from "../components/exporters";
import { AlertRules } from "../components/monitoring/rules/component";
import { AlertmanagerConfig } from "../components/monitoring/alertmanager/component";

/** What a stack exports. */
export interface Platform {
  readonly outputs: Record<string, pulumi.Input<unknown>>;
}

/**
 * Composes the platform of one environment from its components. Each component owns one
 * capability; the order of creation follows the data flow (namespaces first).
 */
export function createPlatform(config: PlatformConfig): Platform {
  const foundation = new Foundation("platform", { environment: config.environment, namespaces: config.namespaces });

  // Credentials first (generated in dev, from --secret config otherwise): the monitoring stack,
  // the exporters, the in-cluster datastores and the backups read them.
  const secrets = new PlatformSecrets(
    "secrets",
    {
      environment: config.environment,
      namespaces: foundation.namespaceNames,
      postgres: config.postgres,
      redis: config.redis,
      objectStore: config.backup.enabled && !config.aws,
      objectStoreRotation: config.backup.rotation,
      aws: config.aws,
      postgresPassword: secretConfig("postgresPassword"),
      redisPassword: secretConfig("redisPassword"),
      postgresMonitoringPassword: secretConfig("postgresMonitoringPassword"),
      postgresBackupPassword: secretConfig("postgresBackupPassword"),
    },
    { dependsOn: [foundation] },
  );
  const monitoring = new MonitoringStack(
    "monitoring",
    { config, namespace: foundation.namespaces.monitoring.metadata.name, grafanaSecretsManager: secrets.secretsManagerTarget("grafana-admin") },
    { dependsOn: [foundation] },
  );
  new AlertRules("alert-rules", { config, namespace: foundation.namespaces.monitoring.metadata.name, crds: monitoring.chart }, { dependsOn: [foundation] });
  new AlertmanagerConfig("alertmanager", { config, namespace: foundation.namespaces.monitoring.metadata.name }, { dependsOn: [foundation] });

  // Built images go to ECR in AWS stacks and to kind's local registry in dev.
  const imageRegistry: ImageRegistry = config.aws
    ? { kind: "ecr", region: config.aws.region, keepImages: config.aws.ecr.keepImages }
    : { kind: "local", server: "localhost:5001" };
  // A canary router that gives the idle colour no weight (outside a canary's steps: also a hand
  // flip, an abort) waits for the active colour only, and the idle colour waits for it: the
  // weights move off the old colour before it shrinks. The router is created below, after the
  // colours it routes to: the idle colour's dependsOn holds a promise of its route.
  const routeGates = config.services.map((service) => {
    if (!service.strategy.router || colorWeights(service)[otherColor(service.activeColor)] > 0) return undefined;
    let resolve!: (route: pulumi.Resource) => void;
    const route = new Promise<pulumi.Resource>((r) => (resolve = r));
    return { route, resolve };
  });
  const services = config.services.map(
    (service, i) =>
      new BlueGreenService(
        `app-${service.name}`,
        {
          environment: config.environment,
          service,
          namespace: foundation.namespaces.apps.metadata.name,
          ingressControllerNamespace: config.namespaces.ingressController,
          monitoringNamespace: config.namespaces.monitoring,
          imageRegistry,
          idleDependsOn: routeGates[i] ? [routeGates[i].route] : undefined,
        },
        { dependsOn: [foundation] },
      ),
  );

  // A release's migration Job, then the weighted router; both under their service's component.
  config.services.forEach((service, i) => {
    const app = services[i];
    const idleColor = otherColor(service.activeColor);
    const namespace = config.namespaces.apps;
    const migration = service.migration && service.promotion.migrate
      ? new MigrationJob(
          `app-${service.name}-migration`,
          // The image, not the new colour's Deployment, so that the Job does not wait for that
          // colour's rollout (a release whose pods need the migrated schema would never get there).
          { environment: config.environment, service, namespace, newColorImage: app.images[idleColor] },
          { parent: app },
        )
      : undefined;
    if (service.strategy.router) {
      // The idle colour's Deployment gates the weights only while they give it traffic; otherwise it waits for the route (routeGates).
      const gate = routeGates[i] ? [] : [app.deployments[idleColor]];
      const router = new TrafficRouter(
        `app-${service.name}-router`,
        { environment: config.environment, service, namespace, colorDependsOn: { blue: [app.deployments.blue], green: [app.deployments.green] }, trafficDependsOn: [...gate, ...(migration ? [migration] : [])] },
        { parent: app },
      );
      routeGates[i]?.resolve(router.route);
    }
  });

  // Only where something runs in the cluster (dev by default; staging if it chooses an in-cluster
  // datastore): an AWS stack with external endpoints has nothing to put in it.
  const objectStore = config.backup.enabled && !config.aws;
  const datastores =
    config.postgres.mode === "in-cluster" || config.redis.mode === "in-cluster" || objectStore
      ? new InClusterDatastores(
          "datastores",
          { environment: config.environment, namespaces: config.namespaces, postgres: config.postgres, redis: config.redis, objectStore },
          { dependsOn: [foundation, secrets] },
        )
      : undefined;
  const backups = config.backup.enabled
    ? new PostgresBackups("backup", { config, imageRegistry }, { dependsOn: [foundation, secrets, ...(datastores ? [datastores] : [])] })
    : undefined;
  new Exporters(
    "exporters",
    {
      config,
      namespace: foundation.namespaces.monitoring.metadata.name,
      crds: monitoring.chart,
      credentials: {
        // What the monitoring namespace's credentials Secret holds: the generated owner's password
        // in-cluster, the pg_monitor role's (postgresMonitoringPassword) with an external Postgres.
        postgres: config.postgres.mode === "external" ? secretConfig("postgresMonitoringPassword") : secrets.postgresPassword,
        redis: secrets.redisPassword ?? secretConfig("redisPassword"),
      },
      // The backup tools image bakes the RDS CA bundle: the exporter's default CA on AWS.
      postgresRootsImage: backups?.image ?? config.backup.image,
    },
    { dependsOn: [foundation, secrets] },
  );

  return {
    outputs: {
      environment: config.environment,
      backup: backups ? { bucket: backups.bucket, image: backups.image } : undefined,
      namespaces: foundation.namespaceNames,
      activeColors: Object.fromEntries(config.services.map((s, i) => [s.name, { active: s.activeColor, service: services[i].activeServiceName, preview: services[i].previewServiceName }])),
    },
  };
}
