import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { BLACKBOX_TIMEOUT, blackboxConfig, blackboxConfigYaml } from "../../../components/exporters/blackbox";
import { checkBlackboxConfig } from "../../../tools/check/blackbox";
import { PROGRAMS, requireProgram, tempDir } from "../../../tools/harness/processes";

const dir = tempDir("blackbox");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};

describe("blackbox module configuration", () => {
  it("offers exactly the modules the config schema allows", () => {
    expect(Object.keys(blackboxConfig().modules)).toEqual(["http_2xx", "http_2xx_tls"]);
  });
  it("the TLS module fails without TLS and verifies certificates", () => {
    const m = blackboxConfig().modules.http_2xx_tls as any;
    expect(m.http.fail_if_not_ssl).toBe(true);
    expect(m.http.tls_config).toEqual({ insecure_skip_verify: false });
    expect(m.timeout).toBe(BLACKBOX_TIMEOUT);
  });
  it("renders as plain YAML without anchors, equal to the builder's object", () => {
    const text = blackboxConfigYaml();
    expect(text).not.toMatch(/[&*]a\d/);
    expect(YAML.parse(text)).toEqual(blackboxConfig());
  });
  it("passes the real exporter's --config.check", async () => {
    requireProgram(PROGRAMS.blackboxExporter);
    const r = await checkBlackboxConfig(write("blackbox.yml", blackboxConfigYaml()));
    expect(r.output).toContain("Config file is ok");
    expect(r.ok).toBe(true);
  });
  it("the check refuses a broken file, naming the bad field", async () => {
    const broken = blackboxConfigYaml().replace("fail_if_not_ssl: true", "fail_if_not_tls: true");
    const r = await checkBlackboxConfig(write("broken.yml", broken));
    expect(r.ok).toBe(false);
    expect(r.output).toContain("fail_if_not_tls");
  });
});
