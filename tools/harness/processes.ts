import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";

// The programs, temp folders and sleep that the `platform` command needs too live in
// tools/programs.ts; re-exported here for the harness and the tests.
export { MissingProgramError, PROGRAMS, requireProgram, sleep, tempDir, type Program } from "../programs";
import { sleep, tempDir } from "../programs";

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** One started program. */
export interface Started {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output(): string;
}

/** Options of {@link ProcessGroup.start}. */
export interface StartOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Run as this user (via runuser), e.g. "postgres" for initdb/postgres as root. */
  readonly user?: string;
  /** Resolves true once the program is ready. Polled every 100 ms. */
  readonly ready?: () => Promise<boolean>;
  /** Milliseconds to wait for readiness. @default 20000 */
  readonly readyTimeoutMs?: number;
}

/**
 * Starts programs and stops every one of them, by PID, when asked — also after a failed
 * test (call stopAll in afterAll/afterEach) and when the test process exits.
 */
export class ProcessGroup {
  private readonly started: Started[] = [];
  private readonly dirs: string[] = [];
  private readonly onExit = () => this.killAllSync();

  constructor() {
    process.on("exit", this.onExit);
  }

  /** A temporary folder owned by this group. */
  tempDir(prefix: string): string {
    const d = tempDir(prefix);
    this.dirs.push(d);
    return d;
  }

  /** Starts a program and waits until `ready` says so; fails with its output if it dies first. */
  async start(name: string, command: string, args: readonly string[], opts: StartOptions = {}): Promise<Started> {
    const [cmd, argv] = opts.user ? ["runuser", ["-u", opts.user, "--", command, ...args]] : [command, [...args]];
    const child = spawn(cmd, argv, { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout?.on("data", (d) => (out = (out + d).slice(-20000)));
    child.stderr?.on("data", (d) => (out = (out + d).slice(-20000)));
    const entry: Started = { name, pid: child.pid ?? -1, child, output: () => out };
    this.started.push(entry);
    let exited: number | null = null;
    child.on("exit", (code) => (exited = code ?? -1));
    if (opts.ready) {
      const deadline = Date.now() + (opts.readyTimeoutMs ?? 20000);
      for (;;) {
        if (exited !== null) throw new Error(`${name} exited with ${exited} before it was ready:\n${out}`);
        if (await opts.ready().catch(() => false)) break;
        if (Date.now() > deadline) throw new Error(`${name} was not ready within ${opts.readyTimeoutMs ?? 20000} ms:\n${out}`);
        await sleep(100);
      }
    }
    return entry;
  }

  /** Stops one program (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
  async stop(entry: Started): Promise<void> {
    if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
    const done = new Promise<void>((r) => entry.child.once("exit", () => r()));
    entry.child.kill("SIGTERM");
    const timer = setTimeout(() => entry.child.kill("SIGKILL"), 3000);
    await done;
    clearTimeout(timer);
  }

  /** Stops every program this group started, newest first, and removes its folders. */
  async stopAll(): Promise<void> {
    for (const e of [...this.started].reverse()) await this.stop(e);
    this.started.length = 0;
    for (const d of this.dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    process.off("exit", this.onExit);
  }

  private killAllSync(): void {
    for (const e of this.started) {
      try {
        process.kill(e.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

/** True when an HTTP GET of `url` answers with a status below 400. */
export async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.status < 400;
  } catch {
    return false;
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}
