// Which services a push releases, and which it flipped without the gate (deploy.yml's input).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { changesSummary, releaseChanges, servicesOf } from "../../tools/delivery/changed-releases";

const svc = (name: string, activeColor: "blue" | "green", blue: string, green: string) => ({ name, activeColor, image: { blue, green } });

describe("releaseChanges", () => {
  it("a new image on the idle colour is a release to promote", () => {
    expect(releaseChanges([svc("orders-api", "green", "o:2.13.0", "o:2.14.0")], [svc("orders-api", "green", "o:2.15.0", "o:2.14.0")])).toEqual([
      { service: "orders-api", kind: "release", detail: "blue now runs o:2.15.0 (was o:2.13.0)" },
    ]);
  });
  it("a changed activeColor is a flip without the gate, whatever else changed", () => {
    const [c] = releaseChanges([svc("web", "blue", "w:1", "w:2")], [svc("web", "green", "w:1", "w:2")]);
    expect(c.kind).toBe("flip");
    expect(c.detail).toBe("activeColor blue → green in the stack file: pulumi up switches all traffic at once, without the analysis gate");
    expect(changesSummary("production", [c])).toContain("⚠️ **web: traffic flipped without the gate**");
  });
  it("a change of the active colour's image, or no change, releases nothing; new services are only created", () => {
    expect(releaseChanges([svc("web", "blue", "w:1", "w:2")], [svc("web", "blue", "w:1b", "w:2")])).toEqual([]);
    expect(releaseChanges([svc("web", "blue", "w:1", "w:2")], [svc("web", "blue", "w:1", "w:2")])).toEqual([]);
    expect(releaseChanges([], [svc("new", "blue", "n:1", "n:1")])).toEqual([]);
  });
  it("a new build tag of the idle colour is a release", () => {
    const base = [{ name: "api", activeColor: "blue" as const, image: { blue: "a:1" }, build: { color: "green" as const, context: "api", tag: "git-1" } }];
    const head = [{ ...base[0], build: { ...base[0].build, tag: "git-2" } }];
    expect(releaseChanges(base, head).map((c) => c.kind)).toEqual(["release"]);
  });
});

describe("the script deploy.yml runs", () => {
  it("compares the stack file with a base commit and prints the services for $GITHUB_OUTPUT", () => {
    const repo = path.resolve(__dirname, "../..");
    const head = servicesOf(fs.readFileSync(path.join(repo, "Pulumi.staging.yaml"), "utf8"));
    expect(head.map((s) => s.name)).toContain("orders-api");
    const summary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "releases-")), "summary.md");
    const out = execFileSync("npx", ["tsx", "tools/delivery/changed-releases.ts", "staging", "0000000000000000000000000000000000000000"], { cwd: repo, encoding: "utf8", env: { ...process.env, GITHUB_STEP_SUMMARY: summary } });
    expect(out).toBe("services=\nflipped=\n");
    expect(fs.readFileSync(summary, "utf8")).toContain("No service has a new release staged; nothing to promote.");
  });
});
