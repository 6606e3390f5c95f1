import { z } from "zod";
import { bytesQuantity, cpuQuantity } from "./common";
import "./meta";

/**
 * A keeper for generated credentials: change it (to any new value, e.g. a date) to regenerate
 * them on purpose. Nothing else regenerates them, so a refactor never rotates by accident.
 */
export const rotationKeeper = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'must be a short label such as "2026-01" (letters, digits, . _ : -)' });

/** A cron schedule; checked by config-rules (robfig/cron's 5 fields, as the CronJob controller reads them). */
const cronSchedule = (what: string, example: string) =>
  z
    .string()
    .optional()
    .meta({
      description: `When ${what} runs: a 5-field cron expression in UTC (the CronJob's \`timeZone\` is UTC).`,
      allowed: "a 5-field cron expression (minute hour day-of-month month day-of-week)",
      examples: [example],
    });

/** `app-platform:backup` */
export const backupSchema = z.strictObject({
  enabled: z.boolean().optional().meta({
    description: "Run the scheduled backups and the restore drill. Production refuses false: its data needs restorable, drilled backups.",
    examples: [false],
  }),
  schedule: cronSchedule("the backup job (pg_dump, compressed, uploaded)", "30 2 * * *"),
  retentionDays: z.int32().min(1).max(3650).optional().meta({
    description: "Days a backup is kept before the bucket's lifecycle rule deletes it; longest in production.",
    examples: [30],
  }),
  transitionDays: z.int32().min(30).optional().meta({
    description: "Days after which a backup moves to infrequent-access storage (S3 STANDARD_IA, which charges for at least 30 days). Outside dev it must be below retentionDays.",
    examples: [60],
  }),
  objectLock: z
    .strictObject({
      mode: z.enum(["GOVERNANCE", "COMPLIANCE"]).meta({
        description: "S3 Object Lock mode: `COMPLIANCE` lets nobody (not even the root user) delete a backup before `days`; `GOVERNANCE` lets users with a special permission do so.",
        examples: ["COMPLIANCE"],
      }),
      days: z.int32().min(1).meta({ description: "Days each backup stays locked; at most retentionDays (a locked object cannot expire).", examples: [30] }),
    })
    .optional()
    .meta({
      description: "S3 Object Lock on the backup bucket, so that backups cannot be deleted or overwritten (e.g. by ransomware with stolen credentials). Required in production.",
      defaultText: "none (required in production)",
    }),
  drill: z
    .strictObject({
      schedule: cronSchedule("the restore drill (the latest backup restored into a scratch database and checked)", "0 6 * * 1"),
      verifyTables: z
        .array(z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/, { error: 'must be a table name such as "public.orders"' }))
        .optional()
        .meta({
          description: "Tables whose row counts must match between the source and the restored copy. Production needs at least one: a drill that counts no rows proves only that pg_restore ran.",
          examples: [["public.orders", "public.customers"]],
        }),
    })
    .optional()
    .meta({ description: "The restore drill: a Job that restores the latest backup into a scratch database and checks it, so that a backup is known to be restorable." }),
  image: z.string().min(1).optional().meta({
    description: "Image of the backup and drill jobs, with pg_dump 15 and the aws CLI. Production requires a digest (`repo@sha256:...`); the image built when this is unset runs by the digest its push reports.",
    defaultText: "none: built from components/backup/image and pushed to the stack's registry",
    examples: ["ghcr.io/acme/pg-backup:15.8-1"],
  }),
  compressLevel: z.int32().min(1).max(19).optional().meta({
    description: "zstd level of the dump: 3 is zstd's own default (fast, about gzip -6's ratio); higher levels trade CPU time for smaller uploads.",
    examples: [9],
  }),
  scratchSize: bytesQuantity.optional().meta({
    description: "Size limit of the jobs' scratch volume (an emptyDir); it must hold one compressed dump, and the drill's restored copy.",
    examples: ["100Gi"],
  }),
  timeoutMinutes: z.int32().min(5).max(1440).optional().meta({
    description: "Minutes a backup or drill Job may run before Kubernetes stops it (activeDeadlineSeconds); the backup alerts then fire.",
    examples: [240],
  }),
  resources: z
    .strictObject({
      cpu: cpuQuantity.meta({ description: "CPU request of the job containers.", examples: ["500m"] }),
      memory: bytesQuantity.meta({ description: "Memory request of the job containers.", examples: ["512Mi"] }),
      memoryLimit: bytesQuantity.meta({ description: "Memory limit of the job containers.", examples: ["2Gi"] }),
    })
    .optional()
    .meta({ description: "Requests and limits of the backup and drill containers." }),
  rotation: rotationKeeper.optional().meta({
    description: "Dev only: change it (to any new value, e.g. a date) to regenerate the in-cluster object store's access keys on purpose.",
    examples: ["2026-01"],
  }),
});
