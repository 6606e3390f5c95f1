/**
 * {@link ReleaseOps} against a real cluster with kubectl (current kubeconfig context, as
 * `pulumi up` uses): the on-demand backup run, the migration Job's logs, and HTTP for the
 * smoke test.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { ReleaseOps } from "./canary";

const run = promisify(execFile);

async function kubectl(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run("kubectl", [...args], { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(" ")}: ${(err.stderr ?? err.message).trim()}`);
  }
}

/** Where the backup CronJob lives and how long a run may take. */
export interface BackupTarget {
  readonly namespace: string;
  readonly cronJob: string;
  readonly timeoutSeconds: number;
}

/** GET `url` without following redirects; the status, or a throw when nothing answers. */
export async function httpStatus(url: string, timeoutMs: number): Promise<number> {
  const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  await res.body?.cancel();
  return res.status;
}

/**
 * Real release operations. The backup is `kubectl create job --from=cronjob/<name>` (the same
 * pod template as the scheduled run) polled until it succeeds or fails; migration logs are read
 * by the Job's instance label (components/app/migration-job.ts).
 */
export function kubectlReleaseOps(appsNamespace: string, backup: BackupTarget | undefined, now: () => number = Date.now, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): ReleaseOps {
  return {
    async runBackup() {
      if (!backup) throw new Error("this stack has no backup CronJob (backup.enabled is false)");
      const name = `${backup.cronJob}-pre-release-${Math.floor(now() / 1000)}`.slice(0, 63);
      await kubectl(["-n", backup.namespace, "create", "job", name, `--from=cronjob/${backup.cronJob}`]);
      const deadline = now() + backup.timeoutSeconds * 1000;
      for (;;) {
        const out = await kubectl(["-n", backup.namespace, "get", "job", name, "-o", "jsonpath={.status.succeeded},{.status.failed}"]);
        const [ok, failed] = out.split(",").map((x) => Number(x || 0));
        if (ok > 0) return `backup Job ${backup.namespace}/${name} succeeded`;
        if (failed > 0) {
          const logs = await kubectl(["-n", backup.namespace, "logs", `job/${name}`, "--tail=50"]).catch(() => "");
          throw new Error(`backup Job ${backup.namespace}/${name} failed\n${logs}`);
        }
        if (now() > deadline) throw new Error(`backup Job ${backup.namespace}/${name} did not finish within ${backup.timeoutSeconds} s`);
        await sleep(5000);
      }
    },
    migrationLogs(service, migration) {
      return kubectl(["-n", appsNamespace, "logs", "-l", `app.kubernetes.io/instance=${service}-${migration}`, "--all-containers", "--tail=200"]);
    },
    httpStatus,
  };
}
