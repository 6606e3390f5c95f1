import { z } from "zod";
import { hostName, webUrl } from "./network";
import { bytesQuantity, dnsLabel, promDuration } from "./common";
import "./meta";

/**
 * A byte size as Prometheus and the operator write it (`--storage.tsdb.retention.size`):
 * "512MB", "40GB", "1TiB". Not a Kubernetes quantity: "40Gi" is refused by the operator's CRD.
 */
export const prometheusBytes = z
  .string()
  .regex(/^\d+(\.\d+)?(K|M|G|T|P|E)i?B$/, { error: 'must be a Prometheus byte size such as "40GB" or "512MB"' });

/** Bytes of a {@link prometheusBytes} value; Prometheus reads KB, MB... as powers of 1024. */
export function prometheusBytesValue(size: string): number {
  const m = /^(\d+(?:\.\d+)?)(K|M|G|T|P|E)i?B$/.exec(size);
  if (!m) throw new Error(`not a Prometheus byte size: ${size}`);
  return Number(m[1]) * 1024 ** ("KMGTPE".indexOf(m[2]) + 1);
}

/** A PersistentVolumeClaim's size and class; `what` names whose volume it is. */
const storage = (what: string) =>
  z.strictObject({
    size: bytesQuantity.meta({
      description: `Size of ${what}'s volume (a Kubernetes quantity, base 2 with Gi). Growing it later needs a StorageClass that allows volume expansion.`,
      examples: ["50Gi"],
    }),
    storageClass: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: `StorageClass of ${what}'s volume. Required on eks: recent EKS clusters have no default StorageClass, and a claim that names none stays Pending.`,
        defaultText: "none: the cluster's default StorageClass",
        examples: ["gp3"],
      }),
  });

/** `app-platform:monitoring` */
export const monitoringSchema = z.strictObject({
  chartVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, { error: 'must be an exact chart version such as "79.0.1"' })
    .optional()
    .meta({
      description:
        "Version of the kube-prometheus-stack Helm chart (prometheus-community). Pin another version to upgrade; `platform diff` shows what the new chart changes, object by object.",
      examples: ["79.7.1"],
    }),
  scrapeInterval: promDuration.optional().meta({
    description:
      "How often Prometheus scrapes every target. Production scrapes twice as often so that alerts with short `for:` durations see enough samples; each halving doubles the samples stored.",
    examples: ["30s"],
  }),
  evaluationInterval: promDuration.optional().meta({
    description: "How often Prometheus evaluates alerting and recording rules; keep it equal to scrapeInterval.",
    examples: ["30s"],
  }),
  prometheus: z
    .strictObject({
      replicas: z.int32().min(1).max(10).optional().meta({
        description:
          "Prometheus replicas; each scrapes every target and evaluates every rule, and Alertmanager deduplicates their alerts. Production needs at least 2 so that alerting survives the loss of one (refused below 2).",
        examples: [2],
      }),
      retention: promDuration.optional().meta({
        description: "How long Prometheus keeps samples before it deletes them (`--storage.tsdb.retention.time`). Longer retention needs a larger volume.",
        examples: ["30d"],
      }),
      retentionSize: prometheusBytes.optional().meta({
        description:
          "Size at which Prometheus deletes its oldest blocks (`--storage.tsdb.retention.size`), in Prometheus' units: GB and MB are powers of 1024. At most 85% of `storage.size`: the write-ahead log and compaction need the rest, or Prometheus stops when the volume fills.",
        examples: ["40GB"],
      }),
      storage: storage("Prometheus").optional().meta({ description: "Prometheus' persistent volume (one per replica)." }),
      remoteWrite: z
        .array(
          z.strictObject({
            name: z.string().min(1).meta({ description: "Name of the target; labels its queue in Prometheus' metrics. Unique among the targets.", examples: ["amp"] }),
            url: webUrl().meta({
              description: "Endpoint samples are sent to (e.g. Amazon Managed Prometheus, Mimir, Thanos receive). Outside dev it must be https: samples carry every label of every series.",
              allowed: "an https or http URL with a valid host name",
              examples: ["https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0123/api/v1/remote_write"],
            }),
            sigv4Region: z
              .string()
              .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as "eu-west-1"' })
              .optional()
              .meta({
                description: "AWS region to sign every request for with SigV4; required for Amazon Managed Prometheus, which accepts only signed writes.",
                defaultText: "none: requests are not signed",
                examples: ["eu-west-1"],
              }),
            sigv4RoleArn: z
              .string()
              .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "must be an IAM role ARN" })
              .optional()
              .meta({
                description: "IAM role assumed to sign requests (needs sigv4Region). Prometheus' service account can assume one IRSA role, so every target must name the same one.",
                defaultText: "none: the pod's own IRSA role signs",
                examples: ["arn:aws:iam::123456789012:role/prometheus-remote-write"],
              }),
            tenant: z.string().min(1).optional().meta({
              description: "Tenant sent as the `X-Scope-OrgID` header (Mimir, Cortex, Thanos receive with multi-tenancy).",
              defaultText: "none: no tenant header",
              examples: ["platform"],
            }),
          }),
        )
        .optional()
        .meta({
          description: "Remote storage that Prometheus also sends every sample to, for retention beyond the local volume or a global view.",
          defaultText: "none: samples stay in the cluster",
        }),
    })
    .optional()
    .meta({ description: "The Prometheus servers (kube-prometheus-stack's Prometheus resource)." }),
  alertmanager: z
    .strictObject({
      replicas: z.int32().min(1).max(5).optional().meta({
        description:
          "Alertmanager replicas; they gossip silences and notification state so that each alert is sent once. Production needs at least 2 so that notifications survive the loss of one (refused below 2).",
        examples: [3],
      }),
      storage: storage("Alertmanager").optional().meta({ description: "Alertmanager's persistent volume, which keeps silences and the notification log across restarts." }),
    })
    .optional()
    .meta({ description: "The Alertmanager cluster that routes alerts to the receivers in `alerting`." }),
  grafana: z
    .strictObject({
      replicas: z.int32().min(1).max(5).optional().meta({
        description:
          "Grafana replicas. Must be 1: each replica keeps users, sessions and annotations in its own SQLite database, and no shared database is configured.",
        examples: [1],
      }),
      host: hostName({ lowercase: true })
        .optional()
        .meta({
          description: "Host name of an Ingress for Grafana (TLS Secret `grafana-tls`); also Grafana's root URL.",
          defaultText: "none: no Ingress; reach Grafana with `kubectl port-forward`",
          allowed: "a lowercase host name (RFC 1123)",
          examples: ["grafana.example.com"],
        }),
    })
    .optional()
    .meta({ description: "Grafana, with the platform's dashboards provisioned." }),
  probes: z
    .array(
      z.strictObject({
        name: dnsLabel(40).meta({ description: "Name of the probe; names the Probe object and labels its metrics. Unique among the probes.", examples: ["shop-home"] }),
        url: webUrl().meta({ description: "URL the blackbox exporter requests; the probe fails on a non-2xx status or a timeout.", allowed: "an https or http URL with a valid host name", examples: ["https://shop.example.com/"] }),
        module: z
          .enum(["http_2xx", "http_2xx_tls"])
          .optional()
          .meta({
            description: "Blackbox module: `http_2xx` expects a 2xx answer; `http_2xx_tls` also requires https and a valid certificate, and its expiry feeds the TLS-expiry alerts.",
            examples: ["http_2xx_tls"],
          }),
      }),
    )
    .optional()
    .meta({
      description: "Endpoints probed from inside the cluster by the blackbox exporter; a failing probe raises the probe alerts.",
      defaultText: "none: no blackbox probes",
    }),
});
