import { z } from "zod";
import { hostName, webUrl } from "./network";
import { bytesQuantity, dnsLabel, promDuration } from "./common";

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

const storage = z.strictObject({
  size: bytesQuantity,
  storageClass: z.string().min(1).optional(),
});

/** `app-platform:monitoring` */
export const monitoringSchema = z.strictObject({
  /** kube-prometheus-stack chart version. */
  chartVersion: z.string().regex(/^\d+\.\d+\.\d+$/, { error: 'must be an exact chart version such as "79.0.1"' }).optional(),
  scrapeInterval: promDuration.optional(),
  evaluationInterval: promDuration.optional(),
  prometheus: z
    .strictObject({
      replicas: z.int32().min(1).max(10).optional(),
      retention: promDuration.optional(),
      /** Size limit of Prometheus' blocks, in Prometheus' units ("40GB", "512MB"; base 2). */
      retentionSize: prometheusBytes.optional(),
      storage: storage.optional(),
      remoteWrite: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            url: webUrl(),
            /** SigV4 region for Amazon Managed Prometheus; signs every request. */
            sigv4Region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as "eu-west-1"' }).optional(),
            /** Role assumed for SigV4 signing (Amazon Managed Prometheus); @default the pod's IRSA role. */
            sigv4RoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "must be an IAM role ARN" }).optional(),
            /** Tenant sent as `X-Scope-OrgID` (Mimir, Cortex, Thanos receive with tenancy). */
            tenant: z.string().min(1).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  alertmanager: z
    .strictObject({
      replicas: z.int32().min(1).max(5).optional(),
      storage: storage.optional(),
    })
    .optional(),
  grafana: z
    .strictObject({
      replicas: z.int32().min(1).max(5).optional(),
      host: hostName({ lowercase: true }).optional(),
    })
    .optional(),
  /** Endpoints probed by the blackbox exporter. */
  probes: z
    .array(
      z.strictObject({
        name: dnsLabel(40),
        url: webUrl(),
        module: z.enum(["http_2xx", "http_2xx_tls"]).optional(),
      }),
    )
    .optional(),
});
