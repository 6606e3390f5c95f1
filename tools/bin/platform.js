#!/usr/bin/env node
// The `platform` command: offline render, check, diff and more. TypeScript is loaded with
// tsx (esbuild), so there is no build step between an edit and a render.
"use strict";
require("tsx/cjs");
require("../cli.ts")
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((e) => {
    console.error(`platform: ${e && e.message ? e.message : e}`);
    process.exit(1);
  });
