import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../tools/harness/processes";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const HOOK = path.join(ROOT, "tools", "render", "ts-require.js");
const CACHE = path.join(ROOT, "node_modules", ".cache", "app-platform-ts");

function run(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--require", HOOK, file], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout: stdout.trim(), stderr });
    });
  });
}

describe("tools/render/ts-require.js", () => {
  it("runs TypeScript, keeps class names, maps stack traces to the .ts lines, and caches whole files even when the process exits at once", async () => {
    const dir = tempDir("ts-require");
    // A fresh file (unique content) so that the first start transpiles it.
    const marker = `${process.pid}-${Date.now()}`;
    fs.writeFileSync(path.join(dir, "helper.ts"), `export const marker: string = "${marker}";\n`);
    const main = path.join(dir, "main.ts");
    fs.writeFileSync(
      main,
      [
        'import { marker } from "./helper";',
        "interface Shape { readonly sides: number }",
        "class Square implements Shape { readonly sides: number = 4 }",
        "const s: Shape = new Square();",
        "let line = 0;",
        "try {",
        '  throw new Error("boom");', // line 7
        "} catch (e) {",
        "  line = Number(/main\\.ts:(\\d+)/.exec((e as Error).stack ?? \"\")?.[1]);",
        "}",
        `console.log(JSON.stringify({ marker, sides: s.sides, name: Square.name, line, tag: "${marker}" }));`,
        "process.exit(0);",
      ].join("\n"),
    );
    // Cache entries of this test's files (both hold the marker); other processes may add others.
    const ours = () => (fs.existsSync(CACHE) ? fs.readdirSync(CACHE) : []).filter((f) => fs.readFileSync(path.join(CACHE, f), "utf8").includes(marker));
    const before = ours();
    expect(before).toEqual([]);
    const first = await run(main);
    expect(first.stderr).toBe("");
    expect(JSON.parse(first.stdout)).toEqual({ marker, sides: 4, name: "Square", line: 7, tag: marker });
    // Both files were cached, in full, although the process exited right after running them.
    const added = ours();
    expect(added.filter((f) => f.endsWith(".js"))).toHaveLength(2);
    expect(fs.readdirSync(CACHE).filter((f) => f.endsWith(".tmp") || fs.statSync(path.join(CACHE, f)).size === 0)).toEqual([]);
    // The second start reads the cache: same result, nothing new transpiled.
    const second = await run(main);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
    expect(ours().sort()).toEqual(added.sort());
    // An edit is a new cache entry, never a stale hit.
    fs.writeFileSync(path.join(dir, "helper.ts"), `export const marker: string = "${marker}-edited";\n`);
    const third = await run(main);
    expect(JSON.parse(third.stdout).marker).toBe(`${marker}-edited`);
    expect(ours()).toHaveLength(3);
    for (const f of ours()) fs.rmSync(path.join(CACHE, f));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
