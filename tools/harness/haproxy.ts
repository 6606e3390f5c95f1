import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { PROGRAMS, ProcessGroup, freePort, requireProgram, tcpOpen, type Started } from "./processes";

/** One backend server of the proxy: a colour Service's name and where its pods answer. */
export interface ProxyBackend {
  /** The Service name an HTTPRoute backendRef names, e.g. `orders-api-green`. */
  readonly name: string;
  /** `127.0.0.1:<port>`. */
  readonly address: string;
}

/**
 * haproxy.cfg for one HTTP frontend in front of weighted servers (HAProxy 2.6). `roundrobin`
 * is HAProxy's dynamic weighted algorithm, so a weight set over the runtime API takes effect
 * at once; weight 0 takes a server out of the rotation. No retries or redispatch: a request a
 * colour fails is a failed request, as through a Gateway.
 */
export function haproxyConfig(o: { port: number; socket: string; backends: readonly ProxyBackend[]; weights: Readonly<Record<string, number>> }): string {
  const servers = o.backends.map((b) => `  server ${b.name} ${b.address} weight ${o.weights[b.name] ?? 0}`);
  return [
    "global",
    `  stats socket ${o.socket} mode 600 level admin`,
    "  maxconn 4096",
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    "  timeout client 30s",
    "  timeout server 30s",
    "frontend web",
    `  bind 127.0.0.1:${o.port}`,
    "  default_backend app",
    "backend app",
    "  balance roundrobin",
    ...servers,
    "",
  ].join("\n");
}

/** Weights by backend name from a rendered HTTPRoute (gateway.networking.k8s.io/v1). */
export function routeWeights(route: Record<string, any>): Record<string, number> {
  if (route.apiVersion !== "gateway.networking.k8s.io/v1" || route.kind !== "HTTPRoute") throw new Error(`not an HTTPRoute: ${route.apiVersion} ${route.kind}`);
  const rules = route.spec?.rules ?? [];
  if (rules.length !== 1) throw new Error(`the harness proxy applies an HTTPRoute with one rule, got ${rules.length}`);
  // Gateway API: a backendRef without a weight has weight 1.
  return Object.fromEntries((rules[0].backendRefs ?? []).map((b: any) => [b.name, b.weight ?? 1]));
}

/**
 * A real HAProxy (Debian's) standing in for the Gateway: it listens on a loopback port, sends
 * each request to one of the backends by weight, and takes new weights from a rendered
 * HTTPRoute over its runtime API (the admin socket) — and writes them to its config file, so a
 * restart would keep them.
 */
export class HaproxyProxy {
  private constructor(
    readonly process: Started,
    readonly port: number,
    private readonly socket: string,
    private readonly configFile: string,
    private readonly backends: readonly ProxyBackend[],
    private current: Record<string, number>,
  ) {}

  /** Starts HAProxy with every request to the backends at `weights` (by name). */
  static async start(group: ProcessGroup, backends: readonly ProxyBackend[], weights: Readonly<Record<string, number>>): Promise<HaproxyProxy> {
    const cmd = requireProgram(PROGRAMS.haproxy);
    const dir = group.tempDir("haproxy");
    const port = await freePort();
    const socket = path.join(dir, "admin.sock");
    const configFile = path.join(dir, "haproxy.cfg");
    fs.writeFileSync(configFile, haproxyConfig({ port, socket, backends, weights }));
    const r = spawnSync(cmd, ["-c", "-f", configFile], { encoding: "utf8" });
    const check = r.status === 0 ? "" : `${r.stdout}${r.stderr}`;
    if (check) throw new Error(`haproxy refused its config:\n${check}`);
    const proc = await group.start("haproxy", cmd, ["-db", "-f", configFile], { ready: () => tcpOpen(port) });
    return new HaproxyProxy(proc, port, socket, configFile, backends, { ...weights });
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The weights in effect, by backend name. */
  get weights(): Readonly<Record<string, number>> {
    return this.current;
  }

  /** Applies an HTTPRoute's weights (backends it does not name get 0). */
  async applyRoute(route: Record<string, any>): Promise<void> {
    const w = routeWeights(route);
    const unknown = Object.keys(w).filter((n) => !this.backends.some((b) => b.name === n));
    if (unknown.length > 0) throw new Error(`HTTPRoute names backends the proxy does not have: ${unknown.join(", ")}`);
    await this.setWeights(w);
  }

  /**
   * Sets every server's weight through the runtime API, then records them in the config file.
   * A Gateway applies a route's weights at once; HAProxy takes one server per command, so the
   * raised weights go first and the lowered ones after, all on one admin connection: traffic may
   * briefly reach both servers, never neither (every weight 0 would answer 503).
   */
  async setWeights(weights: Readonly<Record<string, number>>): Promise<void> {
    const next = Object.fromEntries(this.backends.map((b) => [b.name, weights[b.name] ?? 0]));
    for (const [name, w] of Object.entries(next)) {
      if (!Number.isInteger(w) || w < 0 || w > 256) throw new Error(`weight of ${name} (${w}) must be an integer from 0 to 256 (HAProxy's range)`);
    }
    const names = this.backends.map((b) => b.name);
    const raised = names.filter((n) => next[n] >= (this.current[n] ?? 0));
    const lowered = names.filter((n) => next[n] < (this.current[n] ?? 0));
    const commands = [...raised, ...lowered].map((n) => `set weight app/${n} ${next[n]}`);
    // Commands separated by ";" run in order on one connection; each answers nothing on success.
    const answer = await this.command(commands.join("; "));
    if (answer.trim() !== "") throw new Error(`haproxy refused "${commands.join("; ")}": ${answer.trim()}`);
    this.current = next;
    fs.writeFileSync(this.configFile, haproxyConfig({ port: this.port, socket: this.socket, backends: this.backends, weights: this.current }));
  }

  /** The weights HAProxy itself reports (`get weight`), to check what it applied. */
  async reportedWeights(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const b of this.backends) {
      // "10 (initial 100)"
      out[b.name] = Number((await this.command(`get weight app/${b.name}`)).trim().split(/\s+/)[0]);
    }
    return out;
  }

  private command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = net.connect(this.socket);
      let data = "";
      s.on("data", (d) => (data += d));
      s.on("end", () => resolve(data));
      s.on("error", reject);
      s.write(`${line}\n`);
    });
  }
}
