import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "./service-spec";
import type { Environment } from "../../lib/environment";
import { restrictedContainer, restrictedPod } from "../foundation/security";
import { standardLabels } from "../foundation/labels";
import { TMP_SIZE_LIMIT } from "./pod";
import { secretEnv, settingsConfigMapName } from "./settings";
import { priorityClassName } from "../foundation/priority";

/** Name of the container of a migration Job. */
export const MIGRATION_CONTAINER = "migrate";

/**
 * Kubernetes name of a release's migration Job: `<service>-<migration.name>-<8 hex>`, the hex
 * from the image and command. The same release keeps its Job (a re-run of `pulumi up` does not
 * migrate twice); a new image or command is a new Job, which Pulumi creates and awaits.
 */
export function migrationJobName(service: string, migrationName: string, image: string, command: readonly string[]): string {
  const hash = createHash("sha256").update(JSON.stringify([image, command])).digest("hex").slice(0, 8);
  return `${service}-${migrationName}-${hash}`;
}

/**
 * The Job of a release's migration: the image and command from config, the service's settings
 * and secret references as environment (the same database credentials as its pods), the
 * platform's restricted pod settings, no retries (a half-applied migration must be looked at,
 * not re-run) and `activeDeadlineSeconds` as the timeout.
 */
export function migrationJob(s: ServiceConfig, image: string, namespace: string, environment: Environment): Record<string, unknown> {
  const m = s.migration;
  if (!m) throw new Error(`service ${s.name} has no migration`);
  const labels = standardLabels({ environment, component: "migration", name: s.name, instance: `${s.name}-${m.name}` });
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: migrationJobName(s.name, m.name, image, m.command), namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: m.timeoutSeconds,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          serviceAccountName: s.name,
          automountServiceAccountToken: false,
          priorityClassName: priorityClassName("apps"),
          securityContext: restrictedPod(s.runAsUser),
          containers: [
            {
              name: MIGRATION_CONTAINER,
              image,
              command: [...m.command],
              ...(Object.keys(s.settings).length > 0 ? { envFrom: [{ configMapRef: { name: settingsConfigMapName(s.name) } }] } : {}),
              env: secretEnv(s),
              resources: s.resources,
              securityContext: restrictedContainer(),
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: TMP_SIZE_LIMIT } }],
        },
      },
    },
  };
}

/** Arguments of {@link MigrationJob}. */
export interface MigrationJobArgs {
  /** Environment; labels the Job. */
  readonly environment: Environment;
  /** The service, every default applied; must have `migration`. */
  readonly service: ServiceConfig;
  /** Namespace of the Job (the service's). */
  readonly namespace: string;
  /** Image of the new colour; used unless `migration.image` is set. */
  readonly newColorImage: pulumi.Input<string>;
  /** What the Job waits for. @default none */
  readonly after?: readonly pulumi.Input<pulumi.Resource>[];
}

/**
 * A release's migration, run once as a Job before traffic moves. The Kubernetes provider waits
 * for a Job to complete and fails the update as soon as it fails (its await logic for
 * batch/v1 Job), so the traffic objects that depend on it are not touched by a failed
 * migration. The custom timeout is the Job's deadline plus time to schedule the pod.
 */
export class MigrationJob extends pulumi.ComponentResource {
  /** Kubernetes name of the Job (for `kubectl logs job/<name>`). */
  readonly jobName: pulumi.Output<string>;

  constructor(name: string, args: MigrationJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:app:MigrationJob", name, {}, opts);
    const s = args.service;
    if (!s.migration) throw new pulumi.ResourceError(`MigrationJob ${name}: service.migration (unset) is required`, this);
    const image = pulumi.output(s.migration.image ?? args.newColorImage);
    const job = image.apply((img) => migrationJob(s, img, args.namespace, args.environment));
    this.jobName = job.apply((j) => (j.metadata as { name: string }).name);
    new k8s.batch.v1.Job(
      `${name}-job`,
      { metadata: job.apply((j) => j.metadata as k8s.types.input.meta.v1.ObjectMeta), spec: job.apply((j) => j.spec as k8s.types.input.batch.v1.JobSpec) },
      { parent: this, dependsOn: [...(args.after ?? [])], customTimeouts: { create: `${s.migration.timeoutSeconds + 120}s`, update: `${s.migration.timeoutSeconds + 120}s` } },
    );
    this.registerOutputs({ jobName: this.jobName });
  }
}
