import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { ALERTMANAGER_SECRETS_DIR } from "../../components/monitoring/contract";
import { PROGRAMS, ProcessGroup, freePort, httpOk, requireProgram, type Started } from "./processes";
import type { NotificationKind } from "./recorder";

/** Where {@link rewriteAlertmanagerConfig} sends each receiver integration. */
export type RecorderUrl = (receiver: string, kind: NotificationKind) => string;

/** The result of {@link rewriteAlertmanagerConfig}. */
export interface RewrittenAlertmanagerConfig {
  /** The configuration to run, as an object (YAML-serialise it). */
  readonly config: Record<string, any>;
  /** Files the configuration refers to: absolute path -> content. Write them before starting. */
  readonly files: Readonly<Record<string, string>>;
  /** Receiver name -> the integrations it had in the rendered config (slack, pagerduty, ...). */
  readonly integrations: Readonly<Record<string, readonly string[]>>;
}

/** Options of {@link rewriteAlertmanagerConfig}. */
export interface RewriteOptions {
  /** URL of the recorder endpoint for one receiver integration. */
  readonly recorderUrl: RecorderUrl;
  /** Folder that stands in for {@link ALERTMANAGER_SECRETS_DIR}. */
  readonly secretsDir: string;
  /**
   * Add a webhook integration (kind "shadow") to every receiver so tests see each notification
   * with its full label sets even when the real integration (Slack, PagerDuty) renders text.
   * It sends resolutions exactly when one of the receiver's own integrations does. @default true
   */
  readonly shadow?: boolean;
}

/** Alertmanager's per-integration default of `send_resolved`. */
const SEND_RESOLVED_DEFAULT: Record<string, boolean> = {
  slack_configs: false,
  email_configs: false,
  pagerduty_configs: true,
  webhook_configs: true,
  opsgenie_configs: true,
  victorops_configs: true,
  pushover_configs: true,
  wechat_configs: false,
  telegram_configs: true,
  sns_configs: true,
  discord_configs: true,
  webex_configs: true,
};

/** Values written into credential files that do not point anywhere (keys, passwords). */
const DUMMY_CREDENTIAL = "e2e-test-credential";

/**
 * Turns a rendered Alertmanager configuration into one that runs on loopback: every Slack,
 * PagerDuty and webhook endpoint (inline URL, `*_url_file`, or the global default) points at the
 * recorder under the receiver's own path, and every credential file under
 * {@link ALERTMANAGER_SECRETS_DIR} is mapped into `secretsDir`. Routes, inhibitions, timers,
 * time intervals and templates stay exactly as rendered: they are what is under test.
 * Email integrations are rejected: there is no SMTP recorder here, and silently dropping them
 * would hide a receiver from the test.
 */
export function rewriteAlertmanagerConfig(rendered: Record<string, any>, opts: RewriteOptions): RewrittenAlertmanagerConfig {
  const config = structuredClone(rendered);
  const files: Record<string, string> = {};
  const integrations: Record<string, string[]> = {};
  const mapFile = (original: string, content: string, suffix: string): string => {
    if (!original.startsWith(ALERTMANAGER_SECRETS_DIR + "/")) {
      throw new Error(`alertmanager.yaml refers to ${original}, outside ${ALERTMANAGER_SECRETS_DIR}: credential files must come from the receivers Secret`);
    }
    const local = path.join(opts.secretsDir, original.slice(ALERTMANAGER_SECRETS_DIR.length + 1).replace(/\//g, "__") + suffix);
    files[local] = content;
    return local;
  };
  const global = (config.global ??= {});
  for (const key of Object.keys(global)) {
    if (key.endsWith("_file") && typeof global[key] === "string") global[key] = mapFile(global[key], DUMMY_CREDENTIAL, "");
  }
  for (const receiver of config.receivers ?? []) {
    const name: string = receiver.name;
    const kinds: string[] = [];
    let sendsResolved = false;
    for (const [key, list] of Object.entries(receiver)) {
      if (!key.endsWith("_configs") || !Array.isArray(list)) continue;
      if (key === "email_configs") throw new Error(`receiver "${name}" has email_configs: the harness has no SMTP recorder; test that receiver with amtool instead`);
      kinds.push(key.replace(/_configs$/, ""));
      for (const c of list as Record<string, any>[]) {
        sendsResolved ||= c.send_resolved ?? SEND_RESOLVED_DEFAULT[key] ?? false;
        if (key === "slack_configs") {
          delete c.api_url;
          c.api_url_file = mapFile(c.api_url_file ?? `${ALERTMANAGER_SECRETS_DIR}/recorder/slack`, opts.recorderUrl(name, "slack"), `.${safe(name)}`);
        } else if (key === "pagerduty_configs") {
          c.url = opts.recorderUrl(name, "pagerduty");
          for (const f of ["routing_key_file", "service_key_file"]) if (c[f]) c[f] = mapFile(c[f], DUMMY_CREDENTIAL, "");
        } else if (key === "webhook_configs") {
          const kind: NotificationKind = isHeartbeat(c) ? "heartbeat" : "webhook";
          if (c.url_file) c.url_file = mapFile(c.url_file, opts.recorderUrl(name, kind), `.${safe(name)}`);
          else c.url = opts.recorderUrl(name, kind);
        } else {
          throw new Error(`receiver "${name}" uses ${key}, which the harness cannot redirect to its recorder`);
        }
        if (c.http_config?.basic_auth?.password_file) c.http_config.basic_auth.password_file = mapFile(c.http_config.basic_auth.password_file, DUMMY_CREDENTIAL, "");
        if (c.http_config?.authorization?.credentials_file) c.http_config.authorization.credentials_file = mapFile(c.http_config.authorization.credentials_file, DUMMY_CREDENTIAL, "");
      }
    }
    integrations[name] = kinds;
    if (opts.shadow ?? true) {
      receiver.webhook_configs = [...(receiver.webhook_configs ?? []), { url: opts.recorderUrl(name, "shadow"), send_resolved: sendsResolved }];
    }
  }
  return { config, files, integrations };
}

function isHeartbeat(c: Record<string, any>): boolean {
  return /heartbeat/.test(String(c.url_file ?? c.url ?? ""));
}

function safe(s: string): string {
  return s.replace(/[^\w.-]/g, "_");
}

/** A running Alertmanager. */
export interface AlertmanagerServer {
  readonly process: Started;
  readonly port: number;
  readonly url: string;
  /** The rewritten configuration it runs. */
  readonly config: RewrittenAlertmanagerConfig;
}

/**
 * Starts Alertmanager 0.25 with a rewritten configuration on a free loopback port. Clustering
 * is off (`--cluster.listen-address=`): a single instance would otherwise wait for peers.
 */
export async function startAlertmanager(group: ProcessGroup, rendered: Record<string, any>, opts: Omit<RewriteOptions, "secretsDir">): Promise<AlertmanagerServer> {
  const cmd = requireProgram(PROGRAMS.alertmanager);
  const dir = group.tempDir("alertmanager");
  const secretsDir = path.join(dir, "secrets");
  fs.mkdirSync(secretsDir);
  const rewritten = rewriteAlertmanagerConfig(rendered, { ...opts, secretsDir });
  for (const [file, content] of Object.entries(rewritten.files)) fs.writeFileSync(file, content, { mode: 0o600 });
  const configFile = path.join(dir, "alertmanager.yaml");
  fs.writeFileSync(configFile, YAML.stringify(rewritten.config, { lineWidth: 0 }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await group.start(
    "alertmanager",
    cmd,
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      `--web.external-url=${url}`,
    ],
    { ready: () => httpOk(`${url}/-/ready`) },
  );
  return { process: proc, port, url, config: rewritten };
}
