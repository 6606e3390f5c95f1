/**
 * Output folders of `platform render`, `check` and `graph`: a command replaces only the files
 * it wrote there itself, and refuses a folder that it did not create.
 *
 * A folder is ours when it holds {@link OUTPUT_MARKER}, which lists per writer (`render`,
 * `graph`) the files that writer put there. A rerun deletes the files its writer listed (and
 * the folders that become empty), never anything else: a user's notes, another writer's
 * graph.svg, or a repository that `--out .` pointed at stay as they are.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The file that marks a folder as written by `platform`, listing what each writer wrote. */
export const OUTPUT_MARKER = ".platform-render.json";

/** A file to write, relative to the output folder. */
export interface OutputFile {
  readonly path: string;
  readonly content: string | Buffer;
}

/** The output folder cannot be used; nothing was changed. The message says why and what to do. */
export class OutputFolderError extends Error {
  override name = "OutputFolderError";
}

interface Marker {
  readonly writtenBy: "app-platform";
  readonly files: Record<string, string[]>;
}

/**
 * Top-level names written by renders made before the marker existed. A folder holding only
 * these (and a resources.json) is such a render: it is adopted, not refused.
 */
const UNMARKED_RENDER_ENTRIES: Record<string, "render" | "graph"> = {
  "resources.json": "render",
  manifests: "render",
  prometheus: "render",
  alertmanager: "render",
  grafana: "render",
  blackbox: "render",
  "graph.dot": "graph",
  "graph.svg": "graph",
};

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function filesUnder(dir: string, rel: string): string[] {
  const st = lstat(path.join(dir, rel));
  if (!st) return [];
  if (!st.isDirectory()) return [rel];
  return fs.readdirSync(path.join(dir, rel)).flatMap((name) => filesUnder(dir, path.posix.join(rel, name)));
}

/** A relative path that stays inside its folder (no `..`, not absolute, not the marker). */
function isContainedPath(p: unknown): p is string {
  if (typeof p !== "string" || p === "" || path.isAbsolute(p) || p.includes("\\")) return false;
  const norm = path.posix.normalize(p);
  return norm === p && !norm.startsWith("../") && norm !== ".." && norm !== "." && norm !== OUTPUT_MARKER;
}

function refuse(dir: string, why: string): never {
  throw new OutputFolderError(
    `refusing to write into ${dir}: ${why}; nothing was changed. ` +
      `Write to a new or empty folder instead (render and graph take --out DIR), or empty this one yourself if nothing in it is needed.`,
  );
}

/**
 * Reads who wrote what in `dir`; a missing or empty folder has no files. Throws
 * {@link OutputFolderError} when `dir` is not ours: call it before slow work to fail early.
 */
export function readOwnership(dir: string): Record<string, string[]> {
  const st = lstat(dir);
  if (!st) return {};
  if (!st.isDirectory()) refuse(dir, "it is a file, not a folder");
  const entries = fs.readdirSync(dir);
  if (entries.length === 0) return {};
  const markerFile = path.join(dir, OUTPUT_MARKER);
  if (entries.includes(OUTPUT_MARKER)) {
    let marker: Marker;
    try {
      marker = JSON.parse(fs.readFileSync(markerFile, "utf8")) as Marker;
    } catch (e) {
      refuse(dir, `its ${OUTPUT_MARKER} cannot be read (${(e as Error).message})`);
    }
    const files = marker?.files;
    if (marker?.writtenBy !== "app-platform" || typeof files !== "object" || files === null) refuse(dir, `its ${OUTPUT_MARKER} was not written by platform`);
    for (const [writer, list] of Object.entries(files)) {
      const bad = Array.isArray(list) ? list.find((p) => !isContainedPath(p)) : list;
      if (bad !== undefined) refuse(dir, `its ${OUTPUT_MARKER} lists ${JSON.stringify(bad)} for ${writer}, which is not a path inside the folder`);
    }
    return files;
  }
  const foreign = entries.filter((e) => !(e in UNMARKED_RENDER_ENTRIES));
  if (foreign.length > 0 || !entries.includes("resources.json") || !isRenderResources(path.join(dir, "resources.json"))) {
    const shown = entries.slice(0, 3).join(", ") + (entries.length > 3 ? `, ... (${entries.length} entries)` : "");
    refuse(dir, `it is not empty (${shown}) and is not a previous render (no ${OUTPUT_MARKER})`);
  }
  // A render from before the marker: the old renderer replaced the whole folder, so every file
  // under these render-named entries was written by it.
  const files: Record<string, string[]> = {};
  for (const e of entries) (files[UNMARKED_RENDER_ENTRIES[e]] ??= []).push(...filesUnder(dir, e));
  return files;
}

function isRenderResources(file: string): boolean {
  try {
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    return typeof doc?.stack === "string" && Array.isArray(doc?.resources);
  } catch {
    return false;
  }
}

/**
 * Replaces the files `writer` wrote into `dir` earlier with `files`: checks first that `dir`
 * is missing, empty or ours and that no new file would overwrite a file `writer` did not write
 * (throws {@link OutputFolderError} having changed nothing); then deletes the writer's old files
 * and the folders that became empty, writes the new ones and records them in the marker.
 * Files of other writers and of the user are kept.
 */
export function replaceOwnedFiles(dir: string, writer: string, files: readonly OutputFile[]): void {
  const owned = readOwnership(dir);
  const mine = new Set(owned[writer] ?? []);
  const others = new Map<string, string>();
  for (const [w, list] of Object.entries(owned)) if (w !== writer) for (const p of list) others.set(p, w);
  for (const f of files) {
    if (!isContainedPath(f.path)) throw new Error(`internal: output path ${JSON.stringify(f.path)} is not inside the output folder`);
    const full = path.join(dir, f.path);
    const st = lstat(full);
    if (st?.isDirectory()) refuse(dir, `${f.path} is a folder there, where a file is written`);
    if (st && !mine.has(f.path)) {
      refuse(dir, `${f.path} is already there and was not written by ${writer}${others.has(f.path) ? ` (it was written by ${others.get(f.path)})` : ""}`);
    }
    // A parent that is a file (or a link) of someone else's would be written through or fail.
    for (let parent = path.posix.dirname(f.path); parent !== "."; parent = path.posix.dirname(parent)) {
      const st = lstat(path.join(dir, parent));
      if (st && !st.isDirectory()) refuse(dir, `${parent} is in the way of ${f.path} and is not a folder`);
    }
  }

  const emptied = new Set<string>();
  const rewritten = new Set(files.map((f) => f.path));
  for (const rel of mine) {
    const full = path.join(dir, rel);
    const st = lstat(full);
    // A plain file written again is overwritten in place (deleting first cost a 100-service
    // render about a second); links are removed, never written through.
    if (st?.isFile() && rewritten.has(rel)) continue;
    // Only files and links are removed (a link itself, never what it points at).
    if (st && !st.isDirectory()) {
      fs.unlinkSync(full);
      for (let parent = path.posix.dirname(rel); parent !== "."; parent = path.posix.dirname(parent)) emptied.add(parent);
    }
  }
  for (const rel of [...emptied].sort((a, b) => b.length - a.length)) {
    const full = path.join(dir, rel);
    if (lstat(full)?.isDirectory() && fs.readdirSync(full).length === 0) fs.rmdirSync(full);
  }

  fs.mkdirSync(dir, { recursive: true });
  const made = new Set<string>();
  for (const f of files) {
    const full = path.join(dir, f.path);
    const parent = path.dirname(full);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    fs.writeFileSync(full, f.content);
  }
  const marker: Marker = { writtenBy: "app-platform", files: { ...owned, [writer]: files.map((f) => f.path).sort() } };
  fs.writeFileSync(path.join(dir, OUTPUT_MARKER), JSON.stringify(marker, null, 2) + "\n");
}
