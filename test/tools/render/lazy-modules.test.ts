import { execFile } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { lazyModule } from "../../../tools/render/lazy-modules";

const ROOT = path.resolve(__dirname, "..", "..", "..");

function node(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-r", "tsx/cjs", "-e", code], { cwd: ROOT }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout.trim())));
  });
}

describe("lazyModule", () => {
  it("loads nothing until a property is read, then forwards to the real module", () => {
    let loads = 0;
    const real = { answer: 42, nested: { x: 1 } };
    const m = lazyModule(() => (loads++, real)) as typeof real & { __esModule?: boolean };
    expect(m.__esModule).toBe(true);
    expect(Object.getOwnPropertyDescriptor(m, "module.exports")).toBeUndefined();
    expect(loads).toBe(0);
    expect(m.answer).toBe(42);
    expect(m.nested).toBe(real.nested);
    expect("answer" in m).toBe(true);
    expect(Object.keys(m)).toEqual(["answer", "nested"]);
    expect(loads).toBe(1);
  });
});

describe("the render harness", () => {
  it("does not load the TypeScript compiler or arborist, and they still work when used", async () => {
    const out = await node(`
      require("./tools/render/mock-runtime");
      const loaded = () => Object.keys(require.cache).filter((k) => /node_modules\\/(typescript|@npmcli\\/arborist)\\//.test(k)).length;
      const before = loaded();
      const pulumi = require("@pulumi/pulumi");
      pulumi.runtime.serializeFunction(() => 1 + 1).then((f) => {
        console.log(JSON.stringify({ before, after: loaded() > 0, text: f.text.includes("1 + 1") }));
      });
    `);
    expect(JSON.parse(out)).toEqual({ before: 0, after: true, text: true });
  });
});

describe("provider SDK namespaces", () => {
  it("load on first use, and work as usual then", async () => {
    const out = await node(`
      require("./tools/render/mock-runtime");
      const count = () => Object.keys(require.cache).filter((k) => k.includes("/node_modules/@pulumi/aws/ecr/")).length;
      const aws = require("@pulumi/aws");
      const before = count();
      const isClass = typeof aws.ecr.Repository === "function" && aws.ecr.Repository.isInstance({}) === false;
      console.log(JSON.stringify({ before, after: count() > 0, isClass, region: typeof aws.getRegion }));
    `);
    expect(JSON.parse(out)).toEqual({ before: 0, after: true, isClass: true, region: "function" });
  });
});

describe("source maps during a render", () => {
  it("are off while the program runs and back on for the error it throws", async () => {
    const out = await node(`
      // Pulumi also rejects the stack's own registration with the same error.
      process.on("unhandledRejection", () => {});
      const { renderProgram } = require("./tools/render/mock-runtime");
      const { program } = require("./test/tools/render/fixtures/throwing-program.ts");
      renderProgram({ stack: "dev", program }).then(
        () => console.log(JSON.stringify({ threw: false })),
        (e) => console.log(JSON.stringify({ threw: true, mapped: /throwing-program\\.ts:12:\\d+/.test(String(e.stack)), maps: process.sourceMapsEnabled })),
      );
    `);
    expect(JSON.parse(out)).toEqual({ threw: true, mapped: true, maps: true });
  });
});
