// Per-consumer Postgres credentials: with an external Postgres the exporter and the backups each
// log in as their own least-privilege role (pg_monitor, pg_read_all_data; PostgreSQL's
// predefined roles), never as the application owner.
import { describe, expect, it } from "vitest";
import { edited, load, problemsOf } from "./fixtures";

const P = "app-platform:";

describe("per-consumer Postgres credentials", () => {
  it("defaults: monitoringUser app_monitoring, backupUser app_backup", () => {
    const c = load(edited("production", () => {}));
    expect(c.postgres).toMatchObject({ user: "app", monitoringUser: "app_monitoring", backupUser: "app_backup" });
  });

  it.each(["staging", "production"] as const)("%s: refuses an external Postgres without the consumers' passwords", (env) => {
    const v = edited(env, (x) => {
      delete x.postgresMonitoringPassword;
      delete x.postgresBackupPassword;
    });
    expect(problemsOf(v)).toEqual([
      `${P}postgresMonitoringPassword (unset) is required with an external Postgres: the exporter logs in as its own role postgres.monitoringUser ("app_monitoring", member of pg_monitor), never as the owner "app"; create the role (README "Credentials per consumer") and run \`pulumi config set --secret postgresMonitoringPassword <value>\``,
      `${P}postgresBackupPassword (unset) is required with an external Postgres: the backup jobs log in as their own role postgres.backupUser ("app_backup", member of pg_read_all_data), never as the owner "app"; create the role (README "Credentials per consumer") and run \`pulumi config set --secret postgresBackupPassword <value>\``,
    ]);
  });

  it("refuses the owner as a consumer, and one role for both consumers", () => {
    expect(problemsOf(edited("production", (x) => (x.postgres = { ...x.postgres, user: "orders", monitoringUser: "orders" })))).toEqual([
      `${P}postgres.monitoringUser ("orders") must differ from postgres.user ("orders"): the owner's credential is not shared; give the pg_monitor role its own name`,
    ]);
    expect(problemsOf(edited("production", (x) => (x.postgres = { ...x.postgres, monitoringUser: "ops", backupUser: "ops" })))).toEqual([
      `${P}postgres.backupUser ("ops") must differ from postgres.monitoringUser ("ops"): each consumer has its own role`,
    ]);
  });

  it("refuses a role name Postgres would fold or need quoted, which the dev init script writes into SQL", () => {
    // Postgres folds unquoted names to lowercase and takes only letters, digits and _ unquoted.
    expect(problemsOf(edited("production", (x) => (x.postgres = { ...x.postgres, backupUser: "Backup; drop" })))).toEqual([
      `${P}postgres.backupUser ("Backup; drop") must be a lowercase SQL identifier (a-z, 0-9 and _, not starting with a digit), such as "app_backup"`,
    ]);
  });
});
