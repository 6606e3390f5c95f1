// A require() hook for this repository's TypeScript, for the `platform` command and the render
// child processes: each .ts file is transpiled by esbuild (the transpiler tsx uses, with tsx's
// options) and the result is cached on disk by content, so an unchanged file is read, not
// transpiled, on the next start.
//
// Why not `--require tsx/cjs`, which Pulumi.yaml uses for `pulumi up`: on this 2-core machine
// tsx cost about 0.6 s of CPU per start on top of this hook. It scans every .js file that
// node_modules loads for ESM syntax (with an asm.js lexer until its WASM one is ready), and its
// disk cache is written asynchronously, so a command that ends with process.exit() leaves
// empty cache files behind and transpiles everything again next time. CommonJS TypeScript is
// all this repository has; ESM-only packages are loaded with import(), which Node handles.
"use strict";
const Module = require("node:module");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
/** Bump when the output of this hook changes for the same input. */
const FORMAT = "1";

if (!Module._extensions[".ts"] || !Module._extensions[".ts"].appPlatform) {
  // esbuild is tsx's transpiler; resolving it through tsx pins the version the lockfile gives tsx.
  const esbuildPath = require.resolve("esbuild", { paths: [path.dirname(require.resolve("tsx/package.json"))] });
  const esbuildVersion = require(path.join(path.dirname(esbuildPath), "..", "package.json")).version;
  let esbuild;

  let compilerOptions = {};
  try {
    compilerOptions = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")).compilerOptions ?? {};
  } catch {
    // No or unreadable tsconfig.json: esbuild's defaults.
  }
  // tsx's options for CommonJS: keepNames keeps class and function names (Pulumi and error
  // messages read them); inline source maps keep stack traces on the .ts lines.
  const options = {
    loader: "ts",
    format: "cjs",
    target: `node${process.versions.node}`,
    sourcemap: "inline",
    keepNames: true,
    tsconfigRaw: { compilerOptions },
  };
  const optionsKey = JSON.stringify([FORMAT, esbuildVersion, options]);

  const cacheDir = path.join(ROOT, "node_modules", ".cache", "app-platform-ts");
  let cacheWritable = true;

  const transpile = (source, filename) => {
    const key = crypto.createHash("sha256").update(optionsKey).update("\0").update(filename).update("\0").update(source).digest("hex");
    const file = path.join(cacheDir, `${key}.js`);
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      // Not cached yet.
    }
    esbuild ??= require(esbuildPath);
    const code = esbuild.transformSync(source, { ...options, sourcefile: filename }).code;
    if (cacheWritable) {
      // Written synchronously (a later process.exit cannot cut it short) and renamed into
      // place, so that a concurrent reader sees a whole file or none.
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, code);
        fs.renameSync(tmp, file);
      } catch {
        cacheWritable = false;
      }
    }
    return code;
  };

  const hook = function (module, filename) {
    module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
  };
  hook.appPlatform = true;
  Module._extensions[".ts"] = hook;
  // Stack traces through the inline source maps point at the TypeScript lines, as under tsx.
  process.setSourceMapsEnabled(true);
}
