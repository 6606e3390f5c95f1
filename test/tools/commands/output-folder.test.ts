import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../tools/harness/processes";
import { platform, ROOT } from "./cli-support";

const MARKER = ".platform-render.json";

/** Every file under `dir` with its content, relative paths sorted: what a user would see. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    out[path.relative(dir, full)] = fs.readFileSync(full, "utf8");
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function refusal(dir: string, why: string): string {
  return (
    `refusing to write into ${dir}: ${why}; nothing was changed. ` +
    "Write to a new or empty folder instead (render and graph take --out DIR), or empty this one yourself if nothing in it is needed."
  );
}

describe("output folders: a command never deletes what it did not write", () => {
  it("refuses --out at a folder with a user's files, naming the folder and the fix, and keeps every file", async () => {
    const dir = tempDir("user-files");
    fs.writeFileSync(path.join(dir, "notes.txt"), "my notes\n");
    fs.mkdirSync(path.join(dir, "manifests"));
    fs.writeFileSync(path.join(dir, "manifests", "mine.yaml"), "kind: Mine\n");
    const before = snapshot(dir);
    const r = await platform(["render", "dev", "--out", dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe(refusal(dir, `it is not empty (manifests, notes.txt) and is not a previous render (no ${MARKER})`));
    expect(snapshot(dir)).toEqual(before);
  });

  it("refuses `--out .` in a scratch git clone: the clone and its .git stay intact", async () => {
    const clone = path.join(tempDir("clone"), "repo");
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${ROOT}`, clone]);
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: clone, encoding: "utf8" });
    const r = await platform(["render", "dev", "--out", ".", "--root", "."], clone);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^refusing to write into \S+\/repo: it is not empty \(.+\) and is not a previous render \(no \.platform-render\.json\); nothing was changed\./);
    expect(fs.statSync(path.join(clone, ".git")).isDirectory()).toBe(true);
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: clone, encoding: "utf8" })).toBe("");
    expect(execFileSync("git", ["rev-parse", "HEAD"], { cwd: clone, encoding: "utf8" })).toBe(head);
    expect(execFileSync("git", ["fsck", "--no-progress"], { cwd: clone, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })).toBe("");
  });

  it("keeps graph.svg written by `graph` through `render` and `check`, and the render through `graph`", { timeout: 300_000 }, async () => {
    const out = path.join(tempDir("graph-out"), "dev");
    const graph = await platform(["graph", "dev", "--out", out]);
    expect(graph.stderr).toBe("");
    expect(graph.code).toBe(0);
    const svg = fs.readFileSync(path.join(out, "graph.svg"), "utf8");
    expect(svg).toContain("<svg");

    const render = await platform(["render", "dev", "--out", out]);
    expect(render.stderr).toBe("");
    expect(render.code).toBe(0);
    expect(fs.readFileSync(path.join(out, "graph.svg"), "utf8")).toBe(svg);
    const rendered = snapshot(out);
    expect(Object.keys(rendered)).toContain("resources.json");

    // graph again: replaces its own two files, keeps every file of the render
    const graph2 = await platform(["graph", "dev", "--out", out]);
    expect(graph2.code).toBe(0);
    const after = snapshot(out);
    for (const [f, text] of Object.entries(rendered)) if (f !== MARKER && !f.startsWith("graph.")) expect(after[f]).toBe(text);

    // check writes the default folder out/<stack> under the root it renders
    const defaultOut = path.join(ROOT, "out", "dev");
    const g3 = await platform(["graph", "dev"]);
    expect(g3.code).toBe(0);
    const defaultSvg = fs.readFileSync(path.join(defaultOut, "graph.svg"), "utf8");
    const check = await platform(["check", "dev"]);
    expect(check.stdout).toMatch(/^passed: dev$/m);
    expect(fs.readFileSync(path.join(defaultOut, "graph.svg"), "utf8")).toBe(defaultSvg);
    expect(fs.existsSync(path.join(defaultOut, "resources.json"))).toBe(true);
  });

  it("a rerender replaces exactly the previous render's files: another stack's files go, a user's file stays", async () => {
    const fresh = path.join(tempDir("fresh"), "dev");
    const out = path.join(tempDir("rerender"), "x");
    expect((await platform(["render", "dev", "--out", fresh])).code).toBe(0);
    const staging = await platform(["render", "staging", "--out", out]);
    expect(staging.code).toBe(0);
    fs.writeFileSync(path.join(out, "manifests", "README.txt"), "kept\n");
    const stagingOnly = Object.keys(snapshot(out)).filter((f) => !(f in snapshot(fresh)));
    expect(stagingOnly.length).toBeGreaterThan(1); // staging has objects dev has not (the test would prove nothing otherwise)

    const dev = await platform(["render", "dev", "--out", out]);
    expect(dev.stderr).toBe("");
    expect(dev.code).toBe(0);
    // What remains: exactly a fresh render of dev into an empty folder, plus the user's file.
    const expected: Record<string, string> = { ...snapshot(fresh), "manifests/README.txt": "kept\n" };
    const got = snapshot(out);
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
    for (const f of Object.keys(expected)) if (f !== MARKER) expect(got[f]).toBe(expected[f]);
  });

  it("never deletes outside the folder, even when the marker lists such a path", async () => {
    const parent = tempDir("tampered");
    const outside = path.join(parent, "precious.txt");
    fs.writeFileSync(outside, "do not delete\n");
    const out = path.join(parent, "out");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, MARKER), JSON.stringify({ writtenBy: "app-platform", files: { render: ["../precious.txt"] } }));
    const r = await platform(["render", "dev", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(refusal(out, `its ${MARKER} lists "../precious.txt" for render, which is not a path inside the folder`));
    expect(fs.readFileSync(outside, "utf8")).toBe("do not delete\n");
  });

  it("refuses a file given as the output folder, and a file of the user's where the render would write", async () => {
    const file = path.join(tempDir("a-file"), "out");
    fs.writeFileSync(file, "x\n");
    const r = await platform(["render", "dev", "--out", file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(refusal(file, "it is a file, not a folder"));
    expect(fs.readFileSync(file, "utf8")).toBe("x\n");

    // A render folder where the user replaced resources.json by their own file: the marker says
    // the render wrote it, so the render may replace it; but a new file of the user's at a path
    // the render writes for the first time (graph.svg, owned by graph) is refused.
    const out = path.join(tempDir("collide"), "dev");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, MARKER), JSON.stringify({ writtenBy: "app-platform", files: { render: [] } }));
    fs.writeFileSync(path.join(out, "graph.svg"), "my drawing\n");
    const g = await platform(["graph", "dev", "--out", out]);
    expect(g.code).toBe(2);
    expect(g.stderr.trim()).toBe(refusal(out, "graph.svg is already there and was not written by graph"));
    expect(fs.readFileSync(path.join(out, "graph.svg"), "utf8")).toBe("my drawing\n");
    expect(fs.existsSync(path.join(out, "graph.dot"))).toBe(false);
  });

  it("adopts a render made before the marker existed (only render-named entries) and marks it", async () => {
    const out = path.join(tempDir("legacy"), "dev");
    expect((await platform(["render", "dev", "--out", out])).code).toBe(0);
    fs.rmSync(path.join(out, MARKER));
    fs.writeFileSync(path.join(out, "manifests", "old-object.yaml"), "kind: Old\n"); // the old render wrote it
    const r = await platform(["render", "dev", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(out, "manifests", "old-object.yaml"))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(out, MARKER), "utf8")).files.render).toContain("resources.json");
  });
});
