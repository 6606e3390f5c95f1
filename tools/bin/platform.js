#!/usr/bin/env node
// The `platform` command: offline render, check, diff and more. TypeScript is transpiled on
// load by esbuild with a disk cache (tools/render/ts-require.js), so there is no build step
// between an edit and a render.
"use strict";
require("../render/ts-require.js");
require("../cli.ts")
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((e) => {
    console.error(`platform: ${e && e.message ? e.message : e}`);
    process.exit(1);
  });
