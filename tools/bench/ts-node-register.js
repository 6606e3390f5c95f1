// Registers ts-node the way Pulumi's Node.js language host does for a TypeScript program
// when `runtime.options.typescript` is left on (the stock path): @pulumi/pulumi
// cmd/run/run.js, CommonJS branch. Type checking stays on (`transpileOnly` comes from
// PULUMI_NODEJS_TRANSPILE_ONLY or tsconfig's `noCheck`, neither of which is set here).
"use strict";
const semver = require("semver");
const tsutils = require("@pulumi/pulumi/tsutils");

const path = require("path");
const tsConfigPath = "tsconfig.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
// One deviation, without which the stock path cannot compile this program at all: ts-node
// ignores tsconfig `include` unless `files` is on, so the ambient module declarations
// (components/monitoring/dashboards/grafana-sdk.d.ts) would be missing. The project file
// limits the program to what `pulumi up` runs (stacks, components, tools), not the tests.
const project = path.join(__dirname, "tsconfig.ts-node.json");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const ts = require(typescriptRequire);
const useNodeNext = semver.gte(ts.version, "4.7.0");
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: compilerOptions.noCheck,
  project,
  skipProject: false,
  files: true,
  compilerOptions: {
    target: "ES2020",
    module: useNodeNext ? "nodenext" : "commonjs",
    moduleResolution: useNodeNext ? "nodenext" : "node",
    sourceMap: "true",
    ...compilerOptions,
  },
});
