// The harness's HAProxy stands in for a Gateway, which applies an HTTPRoute's weights at once: a
// route that moves all traffic from one backend to another never leaves a moment with no backend
// to send to. HAProxy's runtime API sets one server's weight per command, so the order matters:
// lowering the old backend to 0 before raising the new one leaves every server at weight 0 for
// a moment, and HAProxy answers 503 ("no server is available") to whatever arrives then — a
// failure the release tests would blame on the release. Judged from outside: HAProxy's own
// answers to a client hammering it while the weights flip back and forth.
import * as http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HaproxyProxy } from "../../../tools/harness/haproxy";
import { PROGRAMS, ProcessGroup, freePort, requireProgram } from "../../../tools/harness/processes";

const group = new ProcessGroup();
const servers: http.Server[] = [];
let proxy: HaproxyProxy;

beforeAll(async () => {
  requireProgram(PROGRAMS.haproxy);
  const backends = [];
  for (const name of ["web-blue", "web-green"]) {
    const port = await freePort();
    const server = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end(`${name}\n`));
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    servers.push(server);
    backends.push({ name, address: `127.0.0.1:${port}` });
  }
  proxy = await HaproxyProxy.start(group, backends, { "web-blue": 100, "web-green": 0 });
}, 60_000);

afterAll(async () => {
  await group.stopAll();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
}, 60_000);

/** One GET through the proxy: its status, 0 when no answer came. */
function get(agent: http.Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(proxy.url, { agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(0));
  });
}

describe("the harness proxy's weight changes", () => {
  it("never leave HAProxy without a backend: 0 of the requests sent while all traffic flips 40 times is refused", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const statuses: number[] = [];
    let flipping = true;
    // 32 users, each sending its next request as soon as the last is answered.
    const users = Array.from({ length: 32 }, async () => {
      while (flipping) statuses.push(await get(agent));
    });
    for (let i = 0; i < 40; i++) {
      await proxy.setWeights(i % 2 === 0 ? { "web-blue": 0, "web-green": 100 } : { "web-blue": 100, "web-green": 0 });
    }
    flipping = false;
    await Promise.all(users);
    agent.destroy();
    expect(await proxy.reportedWeights()).toEqual({ "web-blue": 100, "web-green": 0 });
    const refused = statuses.filter((s) => s !== 200);
    console.log(`weights flipped 40 times under ${statuses.length} requests: ${refused.length} not answered 200`);
    expect(statuses.length).toBeGreaterThan(100);
    expect(refused).toEqual([]);
  }, 60_000);
});
