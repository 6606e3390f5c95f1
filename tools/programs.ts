import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A real program the `platform` command or the tests run, and the Debian (or npm) package that provides it. */
export interface Program {
  /** Command name or absolute path. */
  readonly command: string;
  /** What installs it, e.g. `apt-get install -y prometheus`. */
  readonly install: string;
}

/** The programs `platform check`/`graph` and the integration tests run (all installed by scripts/setup-system.sh). */
export const PROGRAMS = {
  promtool: { command: "promtool", install: "apt-get install -y prometheus  (or: bash scripts/setup-system.sh)" },
  prometheus: { command: "prometheus", install: "apt-get install -y prometheus  (or: bash scripts/setup-system.sh)" },
  amtool: { command: "amtool", install: "apt-get install -y prometheus-alertmanager  (or: bash scripts/setup-system.sh)" },
  alertmanager: { command: "prometheus-alertmanager", install: "apt-get install -y prometheus-alertmanager  (or: bash scripts/setup-system.sh)" },
  nodeExporter: { command: "prometheus-node-exporter", install: "apt-get install -y prometheus-node-exporter  (or: bash scripts/setup-system.sh)" },
  blackboxExporter: { command: "prometheus-blackbox-exporter", install: "apt-get install -y prometheus-blackbox-exporter  (or: bash scripts/setup-system.sh)" },
  postgresExporter: { command: "prometheus-postgres-exporter", install: "apt-get install -y prometheus-postgres-exporter  (or: bash scripts/setup-system.sh)" },
  redisExporter: { command: "prometheus-redis-exporter", install: "apt-get install -y prometheus-redis-exporter  (or: bash scripts/setup-system.sh)" },
  redisServer: { command: "redis-server", install: "apt-get install -y redis-server  (or: bash scripts/setup-system.sh)" },
  postgres: { command: "/usr/lib/postgresql/15/bin/postgres", install: "apt-get install -y postgresql  (or: bash scripts/setup-system.sh)" },
  initdb: { command: "/usr/lib/postgresql/15/bin/initdb", install: "apt-get install -y postgresql  (or: bash scripts/setup-system.sh)" },
  pgDump: { command: "/usr/lib/postgresql/15/bin/pg_dump", install: "apt-get install -y postgresql  (or: bash scripts/setup-system.sh)" },
  pgRestore: { command: "/usr/lib/postgresql/15/bin/pg_restore", install: "apt-get install -y postgresql  (or: bash scripts/setup-system.sh)" },
  psql: { command: "/usr/lib/postgresql/15/bin/psql", install: "apt-get install -y postgresql  (or: bash scripts/setup-system.sh)" },
  dot: { command: "dot", install: "apt-get install -y graphviz  (or: bash scripts/setup-system.sh)" },
  haproxy: { command: "haproxy", install: "apt-get install -y haproxy  (or: bash scripts/setup-system.sh)" },
  openssl: { command: "openssl", install: "apt-get install -y openssl  (or: bash scripts/setup-system.sh)" },
} as const satisfies Record<string, Program>;

/** Thrown when a required program is missing; the message is the install command. */
export class MissingProgramError extends Error {
  override name = "MissingProgramError";
}

/**
 * Resolves a program to its path, or throws with the command that installs it. Tests call
 * this instead of skipping: a missing program is a failure that says how to fix it.
 */
export function requireProgram(p: Program): string {
  if (path.isAbsolute(p.command)) {
    if (fs.existsSync(p.command)) return p.command;
  } else {
    const found = spawnSync("sh", ["-c", `command -v ${p.command}`], { encoding: "utf8" });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  throw new MissingProgramError(`${p.command} is not installed; install it with: ${p.install}`);
}

/** A fresh temporary folder (the harness's ProcessGroup removes the ones it is given). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `app-platform-${prefix}-`));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
