import { z } from "zod";
import { bytesQuantity, dnsLabel, promDuration } from "./common";

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
      replicas: z.number().int().min(1).max(10).optional(),
      retention: promDuration.optional(),
      retentionSize: bytesQuantity.optional(),
      storage: storage.optional(),
      remoteWrite: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            url: z.url({ error: "must be an https URL" }),
            /** SigV4 region for Amazon Managed Prometheus. */
            sigv4Region: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  alertmanager: z
    .strictObject({
      replicas: z.number().int().min(1).max(5).optional(),
      storage: storage.optional(),
    })
    .optional(),
  grafana: z
    .strictObject({
      replicas: z.number().int().min(1).max(5).optional(),
      host: z.string().optional(),
    })
    .optional(),
  /** Endpoints probed by the blackbox exporter. */
  probes: z
    .array(
      z.strictObject({
        name: dnsLabel(40),
        url: z.url({ error: "must be an http(s) URL" }),
        module: z.enum(["http_2xx", "http_2xx_tls"]).optional(),
      }),
    )
    .optional(),
});
