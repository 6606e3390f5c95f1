// The URN ledger (docs/urns/<stack>.txt): every real stack still registers every URN it lists,
// or names it by an alias; the guard itself on scratch programs whose expected URNs are written
// by hand from Pulumi's documented format (urn:pulumi:<stack>::<project>::<parent types$>type::
// name, the root stack's type never part of a chain; aliases by name, type, parent or full URN,
// children inheriting their parent's); and `npm run urns` as README shows it.
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { diffResources } from "../../tools/delivery/diff";
import {
  checkLedger,
  engineResources,
  formatLedger,
  ledgerPath,
  missingMessage,
  parseLedger,
  unlistedMessage,
  updateLedger,
  type UrnLedger,
} from "../../tools/delivery/urn-ledger";
import { tempDir } from "../../tools/programs";
import type { RenderResult } from "../../tools/render/mock-runtime";
import { REPO_ROOT } from "../../tools/render/paths";
import { listStacks } from "../../tools/render/stack-files";
import { TS_NODE_ARGS } from "../../tools/render/subprocess";
import { flippedColours, renderStackStates, type StackStates } from "../../tools/delivery/write-urn-ledgers";

/** Every stack of the repository: a new stack needs its ledger too. */
const STACKS = listStacks(REPO_ROOT);

/** Renders one scratch program of fixtures/urn-scratch.ts in its own process (the Pulumi runtime is global). */
function renderScratch(name: string): Promise<RenderResult> {
  const code = `
    const { renderProgram } = require("./tools/render/mock-runtime");
    const { programs } = require("./test/delivery/fixtures/urn-scratch.ts");
    renderProgram({ stack: "dev", program: programs[${JSON.stringify(name)}] }).then((r) => process.stdout.write(JSON.stringify(r)));
  `;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...TS_NODE_ARGS, "-e", code], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`scratch program ${name}: ${stderr}`)) : resolve(JSON.parse(stdout) as RenderResult),
    );
  });
}

const P = "urn:pulumi:dev::app-platform::";
/** The base scratch program's URNs, written by hand from the documented URN format. */
const BASE_URNS = [
  `${P}pulumi:pulumi:Stack::app-platform-dev`,
  `${P}scratch:index:Box::box`,
  `${P}scratch:index:Box$kubernetes:core/v1:ConfigMap::box-config`,
  `${P}scratch:index:Box$scratch:index:Shelf::box-shelf`,
  `${P}scratch:index:Box$scratch:index:Shelf$kubernetes:core/v1:ConfigMap::box-shelf-item`,
  `${P}kubernetes:core/v1:ConfigMap::loose`,
];
const BASE_LEDGER: UrnLedger = { urns: BASE_URNS, retired: [] };
const BOX_TREE = BASE_URNS.slice(1, 5);

describe("the guard on scratch programs", () => {
  const scratch: Record<string, RenderResult> = {};
  const engine = (name: string) => engineResources(scratch[name].resources, "dev", "app-platform");
  beforeAll(async () => {
    const names = ["base", "retyped", "retypedAliased", "renamed", "renamedAliased", "moved", "movedAliased", "renamedByUrn"];
    const results = await Promise.all(names.map(renderScratch));
    names.forEach((n, i) => (scratch[n] = results[i]));
  }, 180_000);

  it("computes the URNs Pulumi's engine gives: the whole parent type chain, never the root stack's type", () => {
    expect(
      engine("base")
        .map((r) => r.urn)
        .sort(),
    ).toEqual([...BASE_URNS].sort());
    // The mock runtime's own URNs differ (it keeps `pulumi:pulumi:Stack$` and only the parent's last type):
    const recorded = scratch.base.resources.map((r) => r.urn);
    expect(recorded).toContain(`${P}pulumi:pulumi:Stack$scratch:index:Box::box`);
    expect(recorded).toContain(`${P}scratch:index:Shelf$kubernetes:core/v1:ConfigMap::box-shelf-item`);
  });

  it("agrees with @pulumi/pulumi's createUrn for every parent and child", async () => {
    const byRecorded = new Map(scratch.base.resources.map((r, i) => [r.urn, engine("base")[i].urn]));
    for (const r of scratch.base.resources.filter((x) => x.parent)) {
      const sdk = await new Promise<string>((resolve) =>
        pulumi.createUrn(r.name, r.type, byRecorded.get(r.parent!)!, "app-platform", "dev").apply((u) => resolve(u)),
      );
      expect(byRecorded.get(r.urn)).toBe(sdk);
    }
  });

  it("passes the unchanged program", () => {
    expect(checkLedger(BASE_LEDGER, engine("base"))).toEqual({ missing: [], unlisted: [], aliased: new Map() });
  });

  it("fails a renamed component type without an alias, naming each URN of its tree, and passes it with the alias", () => {
    const without = checkLedger(BASE_LEDGER, engine("retyped"));
    expect(without.missing).toEqual(BOX_TREE);
    expect(without.unlisted).toEqual([
      `${P}scratch:index:Crate$kubernetes:core/v1:ConfigMap::box-config`,
      `${P}scratch:index:Crate$scratch:index:Shelf$kubernetes:core/v1:ConfigMap::box-shelf-item`,
      `${P}scratch:index:Crate$scratch:index:Shelf::box-shelf`,
      `${P}scratch:index:Crate::box`,
    ]);
    const message = missingMessage("dev", without.missing);
    for (const u of BOX_TREE) expect(message).toContain(`  ${u}\n`);
    expect(message).toMatch(/^docs\/urns\/dev\.txt: 4 URN\(s\) are neither registered nor named by an alias: `pulumi up -s dev` would delete/);
    expect(message).toContain('npm run urns -- --retire "<why>"');

    const withAlias = checkLedger(BASE_LEDGER, engine("retypedAliased"));
    expect(withAlias.missing).toEqual([]);
    // The component's alias carries down to the child and the grandchild, as the engine does.
    expect([...withAlias.aliased]).toEqual([
      [`${P}scratch:index:Box::box`, `${P}scratch:index:Crate::box`],
      [`${P}scratch:index:Box$kubernetes:core/v1:ConfigMap::box-config`, `${P}scratch:index:Crate$kubernetes:core/v1:ConfigMap::box-config`],
      [`${P}scratch:index:Box$scratch:index:Shelf::box-shelf`, `${P}scratch:index:Crate$scratch:index:Shelf::box-shelf`],
      [
        `${P}scratch:index:Box$scratch:index:Shelf$kubernetes:core/v1:ConfigMap::box-shelf-item`,
        `${P}scratch:index:Crate$scratch:index:Shelf$kubernetes:core/v1:ConfigMap::box-shelf-item`,
      ],
    ]);
  });

  it("renamed component: children named after it take the old prefix from the parent's alias", () => {
    expect(checkLedger(BASE_LEDGER, engine("renamed")).missing).toEqual(BOX_TREE);
    const aliased = checkLedger(BASE_LEDGER, engine("renamedAliased"));
    expect(aliased.missing).toEqual([]);
    expect(aliased.aliased.get(`${P}scratch:index:Box$scratch:index:Shelf$kubernetes:core/v1:ConfigMap::box-shelf-item`)).toBe(
      `${P}scratch:index:Box$scratch:index:Shelf$kubernetes:core/v1:ConfigMap::bin-shelf-item`,
    );
  });

  it("moved under a parent: fails without an alias, passes with { parent: rootStackResource }", () => {
    expect(checkLedger(BASE_LEDGER, engine("moved")).missing).toEqual([`${P}kubernetes:core/v1:ConfigMap::loose`]);
    expect(checkLedger(BASE_LEDGER, engine("movedAliased")).missing).toEqual([]);
  });

  it("a full-URN alias covers the URN it names", () => {
    expect(checkLedger(BASE_LEDGER, engine("renamedByUrn"))).toMatchObject({
      missing: [],
      unlisted: [`${P}kubernetes:core/v1:ConfigMap::loose-2`],
    });
  });

  it("platform diff reports an aliased move as no change and an unaliased one as delete and create", () => {
    for (const name of ["retypedAliased", "renamedAliased", "movedAliased", "renamedByUrn"]) {
      const d = diffResources(scratch.base.resources, scratch[name].resources);
      expect({ name, add: d.counts.add, remove: d.counts.remove, replace: d.counts.replace }).toEqual({ name, add: 0, remove: 0, replace: 0 });
    }
    // Without the alias the retyped component is deleted and created again (its children keep
    // their names, so the diff pairs them, as replacements).
    const retyped = diffResources(scratch.base.resources, scratch.retyped.resources);
    expect(retyped.counts.remove + retyped.counts.replace).toBeGreaterThan(0);
    expect(retyped.changes.find((c) => c.name === "box" && c.type === "scratch:index:Box")?.kind).toBe("remove");
  });

  it("npm run urns: refuses a deletion without a reason, records it with one, keeps an aliased URN while the alias exists", () => {
    expect(() => updateLedger("dev", BASE_LEDGER, engine("moved"))).toThrow(missingMessage("dev", [`${P}kubernetes:core/v1:ConfigMap::loose`]));
    const retired = updateLedger("dev", BASE_LEDGER, engine("moved"), "moved under box on purpose");
    expect(retired.ledger.retired).toEqual([{ urn: `${P}kubernetes:core/v1:ConfigMap::loose`, reason: "moved under box on purpose" }]);
    const kept = updateLedger("dev", BASE_LEDGER, engine("retypedAliased"));
    for (const u of BOX_TREE) expect(kept.ledger.urns).toContain(u);
    // The written file reads back the same, the aliased URNs annotated.
    const text = formatLedger("dev", kept.ledger, kept.check.aliased);
    expect(text).toContain(`${P}scratch:index:Box::box # aliased by ${P}scratch:index:Crate::box\n`);
    expect(parseLedger(text, "dev.txt")).toEqual(kept.ledger);
  });
});

describe("ledger files", () => {
  it("a retired URN needs its reason; a line that is not a URN is named with its line number", () => {
    expect(() => parseLedger(`${BASE_URNS[0]}\n## retired\n${BASE_URNS[1]}\n`, "x.txt")).toThrow(
      `x.txt:3: the retired URN ${BASE_URNS[1]} needs a reason after " # " (why the resource was deleted on purpose)`,
    );
    expect(() => parseLedger(`${BASE_URNS[0]}\nkubernetes:core/v1:ConfigMap::loose\n`, "x.txt")).toThrow(
      "x.txt:2: not a Pulumi URN: kubernetes:core/v1:ConfigMap::loose (expected urn:pulumi:<stack>::<project>::<type>::<name>)",
    );
  });
});

describe("every stack against its committed ledger", () => {
  const states: Record<string, StackStates> = {};
  beforeAll(async () => {
    const results = await Promise.all(STACKS.map((stack) => renderStackStates(stack)));
    STACKS.forEach((stack, i) => (states[stack] = results[i]));
  }, 240_000);

  it("covers the three committed stacks", () => expect(STACKS).toEqual(expect.arrayContaining(["dev", "staging", "production"])));

  it("renders each stack twice, the second time with every service's activeColor flipped", () => {
    for (const stack of STACKS) {
      expect(states[stack].renders).toHaveLength(2);
      const colours = states[stack].renders.map((r) => (r.outputs.activeColors as Record<string, { active: string }>) ?? {});
      for (const [service, c] of Object.entries(colours[0])) expect(colours[1][service].active).toBe(c.active === "blue" ? "green" : "blue");
    }
    expect(flippedColours({ "p:services": JSON.stringify([{ name: "a", activeColor: "green" }, { name: "b" }]) }, "p")).toEqual({
      "p:services": JSON.stringify([
        { name: "a", activeColor: "blue" },
        { name: "b", activeColor: "green" },
      ]),
    });
  });

  for (const stack of STACKS) {
    it(`${stack}: every listed URN is registered or aliased, every registered URN is listed`, () => {
      const st = states[stack];
      for (const r of st.renders) {
        // Without the chart's objects about a hundred URNs would be missing for the wrong reason.
        for (const c of r.charts ?? []) expect(`${c.chart}: ${c.status} ${c.message ?? ""}`).toBe(`${c.chart}: rendered `);
        // The engine refuses two resources with one URN: so must the computation.
        expect(new Set(engineResources(r.resources, r.stack, r.project).map((x) => x.urn)).size).toBe(r.resources.length);
      }
      const file = path.join(REPO_ROOT, ledgerPath(stack));
      if (!fs.existsSync(file)) expect.fail(`${ledgerPath(stack)} is missing: run \`npm run urns\` and commit it`);
      const ledger = parseLedger(fs.readFileSync(file, "utf8"), ledgerPath(stack));
      const check = checkLedger(ledger, st.resources);
      if (check.missing.length > 0) expect.fail(missingMessage(stack, check.missing));
      if (check.unlisted.length > 0) expect.fail(unlistedMessage(stack, check.unlisted));
    });
  }
});

describe("`npm run urns`, as README shows it", () => {
  it("rewrites the committed ledgers exactly; refuses a deletion without --retire, writing nothing; records it with one", { timeout: 300_000 }, async () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8")).toContain("`npm run urns`");
    // In a copy: the command writes files.
    const copy = path.join(tempDir("urns-copy"), "repo");
    for (const f of execFileSync("git", ["ls-files", "-z"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\0").filter(Boolean)) {
      if (!fs.existsSync(path.join(REPO_ROOT, f))) continue;
      fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, f), path.join(copy, f));
    }
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    // Helm, as scripts/install-helm.sh put it in the clone.
    fs.symlinkSync(path.join(REPO_ROOT, ".tools"), path.join(copy, ".tools"), "dir");
    // Helm's parsed output, cached by chart digest and values (written atomically): shared, so
    // that the copy's renders do not run Helm again.
    fs.mkdirSync(path.join(REPO_ROOT, "out", ".chart-cache"), { recursive: true });
    fs.mkdirSync(path.join(copy, "out"), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "out", ".chart-cache"), path.join(copy, "out", ".chart-cache"), "dir");
    const sh = (line: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile("bash", ["-c", line], { cwd: copy, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
        ),
      );
    const read = (stack: string) => fs.readFileSync(path.join(copy, ledgerPath(stack)), "utf8");

    const first = await sh("npm run urns");
    expect(first.code, first.stderr).toBe(0);
    for (const stack of STACKS) {
      expect(first.stdout).toMatch(
        new RegExp(`^wrote docs/urns/${stack}\\.txt: \\d+ URNs \\(0 new, \\d+ kept for an alias, 0 retired now, \\d+ retired in all\\)$`, "m"),
      );
      expect(read(stack)).toBe(fs.readFileSync(path.join(REPO_ROOT, ledgerPath(stack)), "utf8"));
    }

    // A real deletion: dev without backups drops the backup component and everything under it.
    const devFile = path.join(copy, "Pulumi.dev.yaml");
    fs.writeFileSync(devFile, fs.readFileSync(devFile, "utf8").replace(/^ {2}app-platform:backup:\n/m, "  app-platform:backup:\n    enabled: false\n"));
    const before = read("dev");
    const refused = await sh("npm run urns");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("npm run urns: nothing written.");
    expect(refused.stderr).toMatch(/docs\/urns\/dev\.txt: \d+ URN\(s\) are neither registered nor named by an alias: `pulumi up -s dev` would delete/);
    expect(refused.stderr).toContain("  urn:pulumi:dev::app-platform::app-platform:backup:PostgresBackups::backup\n");
    expect(read("dev")).toBe(before);

    const recorded = await sh(`npm run urns -- --retire "backups turned off in dev"`);
    expect(recorded.code, recorded.stderr).toBe(0);
    const after = parseLedger(read("dev"), "dev.txt");
    expect(after.retired).toContainEqual({
      urn: "urn:pulumi:dev::app-platform::app-platform:backup:PostgresBackups::backup",
      reason: "backups turned off in dev",
    });
    expect(after.urns).not.toContain("urn:pulumi:dev::app-platform::app-platform:backup:PostgresBackups::backup");
    expect(recorded.stdout).toMatch(/^wrote docs\/urns\/dev\.txt: \d+ URNs \(0 new, \d+ kept for an alias, [1-9]\d* retired now, [1-9]\d* retired in all\)$/m);
  });
});
