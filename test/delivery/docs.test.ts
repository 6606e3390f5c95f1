import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../tools/render/mock-runtime";
import { IMMUTABLE_FIELDS } from "../../tools/delivery/replacement";
import { DEFAULT_ANALYSIS } from "../../tools/delivery/analysis";

const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "delivery.md"), "utf8");

describe("docs/delivery.md", () => {
  it("lists every immutable field the diff knows, and no other", () => {
    const rows = doc.split("\n").filter((l) => /^\| `[^`]+:[^`]*` \| `[^`]+` \|/.test(l));
    expect(rows).toEqual(IMMUTABLE_FIELDS.map((f) => `| \`${f.type}\` | \`${f.path}\` | ${f.reason} |`));
  });

  it("states the analysis defaults the code uses", () => {
    for (const [k, v] of Object.entries(DEFAULT_ANALYSIS)) expect(doc).toContain(`| \`${k}\` | ${v} |`);
  });
});
