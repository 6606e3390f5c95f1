// relativizePaths: a checkout's absolute path (as given, or through a symlink resolved) becomes
// `<repo>` in every string of a render; everything else is left as it is.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../tools/harness/processes";
import type { RenderResult } from "../../tools/render/mock-runtime";
import { relativizePaths } from "../../tools/delivery/worktree";

describe("relativizePaths", () => {
  it("replaces the checkout's path and its real path in nested strings, and keeps the rest as it was", () => {
    const real = tempDir("relativize");
    const link = path.join(tempDir("relativize-link"), "checkout");
    fs.symlinkSync(real, link, "dir");
    const untouched = { image: "ghcr.io/x/y:1", ports: [80, 443], flags: { on: true, none: null } };
    const render: RenderResult = {
      stack: "dev",
      project: "app-platform",
      outputs: {},
      secretValues: [],
      resources: [
        {
          type: "docker:index/image:Image",
          name: "img",
          urn: "urn:pulumi:dev::app-platform::docker:index/image:Image::img",
          dependsOn: [],
          custom: true,
          options: {},
          inputs: { build: { context: `${link}/services/api`, args: [`--file=${real}/Dockerfile`, "plain"] }, both: `${link}:${real}`, untouched },
        },
      ],
    };
    const out = relativizePaths(render, link);
    expect(out.resources[0].inputs).toEqual({
      build: { context: "<repo>/services/api", args: ["--file=<repo>/Dockerfile", "plain"] },
      both: "<repo>:<repo>",
      untouched: { image: "ghcr.io/x/y:1", ports: [80, 443], flags: { on: true, none: null } },
    });
    expect(out.resources[0].inputs.untouched).toBe(untouched);
    expect(render.resources[0].inputs.build).toEqual({ context: `${link}/services/api`, args: [`--file=${real}/Dockerfile`, "plain"] });
  });
});
