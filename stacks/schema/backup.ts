import { z } from "zod";
import { bytesQuantity, cpuQuantity } from "./common";

/**
 * A keeper for generated credentials: change it (to any new value, e.g. a date) to regenerate
 * them on purpose. Nothing else regenerates them, so a refactor never rotates by accident.
 */
export const rotationKeeper = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'must be a short label such as "2026-01" (letters, digits, . _ : -)' });

/** `app-platform:backup` */
export const backupSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** Cron schedule of the backup job (5 fields, UTC). */
  schedule: z.string().optional(),
  /** Days a backup is kept before it expires. */
  retentionDays: z.int32().min(1).max(3650).optional(),
  /** Days before a backup moves to infrequent-access storage. */
  transitionDays: z.int32().min(30).optional(),
  /** Object Lock retention (production). */
  objectLock: z
    .strictObject({ mode: z.enum(["GOVERNANCE", "COMPLIANCE"]), days: z.int32().min(1) })
    .optional(),
  drill: z
    .strictObject({
      schedule: z.string().optional(),
      /** Tables whose row counts must match after a restore. */
      verifyTables: z
        .array(z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/, { error: 'must be a table name such as "public.orders"' }))
        .optional(),
    })
    .optional(),
  /** Image with pg_dump 15 and the aws CLI; unset: built from components/backup/image. */
  image: z.string().min(1).optional(),
  /** zstd level of the dump (1-19; 3 is zstd's own default: fast, about gzip -6's ratio). */
  compressLevel: z.int32().min(1).max(19).optional(),
  /** Size limit of the job's scratch volume; must hold one compressed dump. */
  scratchSize: bytesQuantity.optional(),
  /** Minutes a backup or drill Job may run before Kubernetes stops it. */
  timeoutMinutes: z.int32().min(5).max(1440).optional(),
  /** Requests and limits of the job containers. */
  resources: z
    .strictObject({ cpu: cpuQuantity, memory: bytesQuantity, memoryLimit: bytesQuantity })
    .optional(),
  /** Regenerates the dev object store's keys when changed. */
  rotation: rotationKeeper.optional(),
});
