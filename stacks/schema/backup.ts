import { z } from "zod";

/** `app-platform:backup` */
export const backupSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** Cron schedule of the backup job (5 fields, UTC). */
  schedule: z.string().optional(),
  /** Days a backup is kept before it expires. */
  retentionDays: z.number().int().min(1).max(3650).optional(),
  /** Days before a backup moves to infrequent-access storage. */
  transitionDays: z.number().int().min(30).optional(),
  /** Object Lock retention (production). */
  objectLock: z
    .strictObject({ mode: z.enum(["GOVERNANCE", "COMPLIANCE"]), days: z.number().int().min(1) })
    .optional(),
  drill: z
    .strictObject({
      schedule: z.string().optional(),
      /** Tables whose row counts must match after a restore. */
      verifyTables: z.array(z.string().regex(/^[a-z_][a-z0-9_.]*$/, { error: "must be a table name" })).optional(),
    })
    .optional(),
});
