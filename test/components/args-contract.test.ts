import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { argsViolations, codeDefault, componentArgs, formatViolation, normalizeCode, programOf } from "../support/args-contract";
import { sourceFiles } from "../support/imports";

// STYLE.md "Args, defaults, validation" checked on the declarations with the TypeScript compiler:
// readonly args (and everything they embed), an @default on every optional field, documented
// values applied as `args.x ?? value`, and no `||` fallback on a number or boolean.

const ROOT = path.resolve(__dirname, "../..");
const inComponents = (rel: string): boolean => rel.startsWith("components/");
const ours = (rel: string): boolean => rel.startsWith("components/") || rel.startsWith("lib/");

describe("the args scanner", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "args-contract-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // A made-up component with one breach of each rule, and the same shapes done right; the
  // expected list below is written by hand from this source, line by line.
  const spec = [
    "export interface ThingSpec {", // 1
    "  readonly size: number;", // 2
    "  tags: string[];", // 3
    "  /** @default none */", // 4
    "  readonly note?: string;", // 5
    "}", // 6
  ].join("\n");
  const component = [
    'import type { ThingSpec } from "./spec";', // 1
    "export interface ThingArgs {", // 2
    "  /** s */ readonly spec: ThingSpec;", // 3
    "  name: string;", // 4
    "  /** p */ readonly port?: number;", // 5
    "  /** Size. @default 32 */", // 6
    "  readonly length?: number;", // 7
    '  /** Key. @default "password" */', // 8
    "  readonly key?: string;", // 9
    "  /** l */ readonly limits: { readonly cpu?: string; readonly memory: string };", // 10
    "  /** h */ readonly hosts: readonly string[];", // 11
    "  /** p */ readonly pairs: Array<{ readonly a: string }>;", // 12
    "  /** @default the caller's namespace */", // 13
    "  readonly namespace?: string;", // 14
    "}", // 15
    "interface PrivateArgs { mutable: string }", // 16: not exported, not a component's args
    "export function make(args: ThingArgs, on?: boolean): unknown {", // 17
    "  const length = args.length || 32;", // 18
    '  const key = args.key ?? "password";', // 19
    "  if (on || args.port) return undefined;", // 20
    "  const flag = on || false;", // 21
    "  const name = args.spec.note || args.name;", // 22: strings may fall back with ||
    "  return { length, key, flag, name, p: {} as PrivateArgs };", // 23
    "}", // 24
  ].join("\n");
  fs.writeFileSync(path.join(dir, "spec.ts"), spec);
  fs.writeFileSync(path.join(dir, "thing.ts"), component);
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: "ES2022", module: "commonjs" } }));
  const program = programOf(dir, [path.join(dir, "thing.ts"), path.join(dir, "spec.ts")]);
  const found = argsViolations(
    program,
    dir,
    (f) => f === "thing.ts",
    (f) => !f.startsWith(".."),
  );

  it("reports each breach once, with file, line and the path of the field, and nothing that follows the rules", () => {
    expect(found.map((v) => `${v.file}:${v.line} ${v.where} ${v.rule}`)).toEqual([
      "spec.ts:3 ThingSpec.tags readonly",
      "spec.ts:3 ThingSpec.tags readonly-array",
      "thing.ts:4 ThingArgs.name readonly",
      "thing.ts:4 ThingArgs.name undocumented",
      "thing.ts:5 ThingArgs.port default",
      "thing.ts:7 ThingArgs.length default-in-code",
      "thing.ts:10 ThingArgs.limits.cpu default",
      "thing.ts:12 ThingArgs.pairs readonly-array",
      "thing.ts:18 `args.length || 32` nullish-or",
      "thing.ts:21 `on || false` nullish-or",
    ]);
  });

  it("says what to do about each", () => {
    const lines = found.map(formatViolation);
    expect(lines).toContain(
      "thing.ts:7 ThingArgs.length documents @default 32 but its file has no `args.length ?? 32`: apply the default in the component, where it is documented",
    );
    expect(lines).toContain("thing.ts:18 `args.length || 32` falls back with || on a number/boolean that may be undefined: use ??");
    expect(lines).toContain("spec.ts:3 ThingSpec.tags is a mutable array: write `readonly T[]`");
  });

  it("tells a documented value from a phrase, and compares code without layout", () => {
    expect(codeDefault('"ingress-nginx"')).toBe('"ingress-nginx"');
    expect(codeDefault("[] (none)")).toBe("[]");
    expect(codeDefault('{ cpu: "100m", memory: "256Mi" }')).toBe('{ cpu: "100m", memory: "256Mi" }');
    expect(codeDefault("config.namespaces.monitoring")).toBe("config.namespaces.monitoring");
    expect(codeDefault("process.cwd()")).toBe("process.cwd()");
    expect(codeDefault("undefined (Kubernetes Secret only)")).toBeUndefined();
    expect(codeDefault("none: pods do not roll on rotation")).toBeUndefined();
    expect(codeDefault("the service's namespace")).toBeUndefined();
    expect(normalizeCode('(["postgres", "redis"] as const)')).toBe(normalizeCode('["postgres", "redis"]'));
    expect(normalizeCode("args.config.namespaces.monitoring")).toBe("config.namespaces.monitoring");
  });
});

describe("component args follow STYLE.md (readonly, @default, ?? not ||)", () => {
  // The product code (not tests): components for the args, all of it for the `||` rule.
  const files = sourceFiles(ROOT, ["components", "lib", "stacks", "tools", "policy"])
    .filter((f) => f.endsWith(".ts") && !f.includes("node_modules/"))
    .map((f) => path.join(ROOT, f));
  const program = programOf(ROOT, files);

  it("every component takes an exported XxxArgs interface (so the scan below sees all of them)", () => {
    const list = componentArgs(program, ROOT, inComponents);
    // 14 components when this test was written; a new one must appear here with its args.
    expect(list.length).toBeGreaterThanOrEqual(14);
    expect(list.filter((c) => c.args.startsWith("("))).toEqual([]);
  });

  it("no violations: components' args, and no || fallback on a number or boolean anywhere in the product code", () => {
    const found = argsViolations(program, ROOT, inComponents, ours, (rel) => !rel.startsWith("test/") && !rel.includes("node_modules/"));
    expect(found.map(formatViolation)).toEqual([]);
  });
});
