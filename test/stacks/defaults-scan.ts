// Source scans for the defaults table: which of its fields the program reads, and where code
// still decides something by an environment's name. They parse with the TypeScript compiler, so
// comments and strings that merely mention "production" are not counted.
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { sourceFiles } from "../support/imports";

const ROOT = path.resolve(__dirname, "../..");
const TABLE_FILE = "stacks/schema/defaults.ts";
const TABLES = new Set(["ENVIRONMENT_DEFAULTS", "ALERT_THRESHOLD_DEFAULTS"]);
const NAMES = new Set(["dev", "staging", "production"]);

/**
 * The program's source files: stacks, components, lib, policy and the `platform` command.
 * `tools/harness` and `tools/bench` are development tools (the layers test puts them beside
 * the tests), so what only they read is not a field the program uses.
 */
function programFiles(): string[] {
  return sourceFiles(ROOT, ["stacks", "components", "lib", "policy", "tools"]).filter(
    (f) => f !== TABLE_FILE && !f.startsWith("tools/harness/") && !f.startsWith("tools/bench/") && !f.includes("/node_modules/"),
  );
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
}

/** Every leaf of an object as a dotted path ("prometheus.retention"), sorted. */
export function leafPaths(o: object, prefix = ""): string[] {
  return Object.entries(o)
    .flatMap(([k, v]) => (v !== null && typeof v === "object" ? leafPaths(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
    .sort();
}

/** `ENVIRONMENT_DEFAULTS[x]`, the way the program takes one environment's row. */
function isTableRow(e: ts.Expression): boolean {
  return ts.isElementAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === "ENVIRONMENT_DEFAULTS";
}

/**
 * Paths of ENVIRONMENT_DEFAULTS that program code reads: property chains on a row
 * (`ENVIRONMENT_DEFAULTS[env].scaleDown.windowSeconds`), on a variable holding one
 * (`const rules = ENVIRONMENT_DEFAULTS[env]`) or on a parameter typed `EnvironmentDefaults`. A
 * chain that stops early (`d.quota`) hands the whole object on and reads everything under it.
 */
export function tableReads(): string[] {
  const out = new Set<string>();
  for (const file of programFiles()) {
    const sf = parse(file);
    if (!sf.text.includes("ENVIRONMENT_DEFAULTS") && !sf.text.includes("EnvironmentDefaults")) continue;
    const rows = new Set<string>();
    const findRows = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && isTableRow(n.initializer)) rows.add(n.name.text);
      if (ts.isParameter(n) && ts.isIdentifier(n.name) && n.type && /\bEnvironmentDefaults\b/.test(n.type.getText(sf))) rows.add(n.name.text);
      ts.forEachChild(n, findRows);
    };
    findRows(sf);
    const visit = (n: ts.Node): void => {
      const outermost = ts.isPropertyAccessExpression(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.expression === n);
      if (outermost) {
        const names: string[] = [];
        let e: ts.Expression = n;
        while (ts.isPropertyAccessExpression(e)) {
          names.unshift(e.name.text);
          e = e.expression;
        }
        if (isTableRow(e) || (ts.isIdentifier(e) && rows.has(e.text))) out.add(names.join("."));
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return [...out].sort();
}

/**
 * Places in program code that decide by an environment's name, as `file:line: code`:
 * anywhere, a comparison with "dev", "staging" or "production" (`===`, `!==`, `case`) or an
 * object keyed by all three (a per-environment table); in components/, lib/ and policy/, which
 * get their values through args, also an element access by an environment
 * (`TIMERS[config.environment]`). stacks/ indexes the table itself by environment, and the
 * config reference (tools/schema) lists each environment's value side by side.
 */
export function environmentBranches(): string[] {
  const out: string[] = [];
  const isName = (e: ts.Node) => ts.isStringLiteralLike(e) && NAMES.has(e.text);
  const comparison = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);
  for (const file of programFiles()) {
    const sf = parse(file);
    const report = (n: ts.Node) => out.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: ${n.getText(sf).split("\n")[0].slice(0, 120)}`);
    const visit = (n: ts.Node): void => {
      if (ts.isBinaryExpression(n) && comparison.has(n.operatorToken.kind) && (isName(n.left) || isName(n.right))) report(n);
      else if (ts.isCaseClause(n) && isName(n.expression)) report(n);
      else if (ts.isObjectLiteralExpression(n)) {
        const keys = new Set(n.properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : "")));
        if ([...NAMES].every((k) => keys.has(k))) report(n);
      } else if (ts.isElementAccessExpression(n) && /^(components|lib|policy)\//.test(file)) {
        const key = n.argumentExpression.getText(sf);
        const table = ts.isIdentifier(n.expression) && TABLES.has(n.expression.text);
        if (!table && /(^|\.)(env|environment)$/.test(key)) report(n);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}
