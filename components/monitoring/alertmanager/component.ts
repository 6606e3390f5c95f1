import type { NamespacesSpec } from "../../foundation/namespaces-spec";
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { PROJECT } from "../../../lib/project";
import { standardLabels } from "../../foundation/labels";
import { ALERTMANAGER_CONFIG_KEY, ALERTMANAGER_CONFIG_SECRET, ALERTMANAGER_RECEIVERS_SECRET, RECEIVER_SECRET_KEYS } from "../contract";
import { buildAlertmanagerConfig, type AlertmanagerSettings } from "./config";

/** Annotation of the configuration Secret with the SHA-256 of alertmanager.yaml (visible in diffs). */
export const CONFIG_HASH_ANNOTATION = "app-platform/config-sha256";

/** Hex SHA-256 of a text. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Which stack secret feeds which key of the receivers Secret. */
export const RECEIVER_CREDENTIALS = ["slackWebhookUrl", "pagerdutyRoutingKey", "smtpPassword", "heartbeatUrl"] as const satisfies readonly (keyof typeof RECEIVER_SECRET_KEYS)[];

/** The Alertmanager configuration file text of a stack (pure; no credential in it). */
export function alertmanagerConfigText(config: AlertmanagerSettings): string {
  return YAML.stringify(buildAlertmanagerConfig(config), { lineWidth: 0 });
}

/** Arguments of {@link AlertmanagerConfig}. */
export interface AlertmanagerConfigArgs {
  /** The slice of stack config it reads: receivers, heartbeat, maintenance window, timers, timeScale. */
  readonly config: AlertmanagerSettings & { readonly namespaces: Pick<NamespacesSpec, "monitoring"> };
  /** Namespace of the two Secrets (Alertmanager's namespace). @default config.namespaces.monitoring */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Reads a credential of the stack; each comes from `pulumi config set --secret`.
   * @default `new pulumi.Config("app-platform").getSecret(key)`
   */
  readonly credential?: (key: (typeof RECEIVER_CREDENTIALS)[number]) => pulumi.Output<string> | undefined;
}

/**
 * Alertmanager's configuration, delivered as the two Secrets the monitoring stack mounts (see
 * components/monitoring/contract.ts): the configuration file, which names credential files
 * only, and the receiver credentials, whose values exist only as Pulumi secrets.
 */
export class AlertmanagerConfig extends pulumi.ComponentResource {
  /** Name of the Secret holding alertmanager.yaml. */
  readonly configSecretName: pulumi.Output<string>;
  /** Name of the Secret holding the receiver credentials. */
  readonly receiversSecretName: pulumi.Output<string>;

  constructor(name: string, args: AlertmanagerConfigArgs, opts?: pulumi.ComponentResourceOptions) {
    const config = args.config;
    const text = alertmanagerConfigText(config);
    // The file is also the component's input, so that renders and previews show it: the
    // Kubernetes provider marks all of a Secret's data secret, although this one holds none.
    super("app-platform:monitoring:AlertmanagerConfig", name, { [ALERTMANAGER_CONFIG_KEY]: text, sha256: sha256(text) }, opts);
    const namespace = args.namespace ?? config.namespaces.monitoring;
    const labels = standardLabels({ environment: config.environment, component: "alerting", name: "alertmanager" });
    const read = args.credential ?? ((key) => new pulumi.Config(PROJECT).getSecret(key));

    const configSecret = new k8s.core.v1.Secret(
      `${name}-config`,
      {
        metadata: { name: ALERTMANAGER_CONFIG_SECRET, namespace, labels, annotations: { [CONFIG_HASH_ANNOTATION]: sha256(text) } },
        type: "Opaque",
        stringData: { [ALERTMANAGER_CONFIG_KEY]: text },
      },
      { parent: this },
    );

    const credentials: Record<string, pulumi.Output<string>> = {};
    for (const key of RECEIVER_CREDENTIALS) {
      const value = read(key);
      if (value !== undefined) credentials[RECEIVER_SECRET_KEYS[key]] = pulumi.secret(value);
    }
    // Created even when empty: the Alertmanager pod mounts it by name and would not start without it.
    const receiversSecret = new k8s.core.v1.Secret(
      `${name}-receivers`,
      {
        metadata: { name: ALERTMANAGER_RECEIVERS_SECRET, namespace, labels },
        type: "Opaque",
        stringData: pulumi.secret(credentials),
      },
      { parent: this, additionalSecretOutputs: ["stringData", "data"] },
    );
    this.configSecretName = configSecret.metadata.name;
    this.receiversSecretName = receiversSecret.metadata.name;
    this.registerOutputs({ configSecretName: this.configSecretName, receiversSecretName: this.receiversSecretName });
  }
}
