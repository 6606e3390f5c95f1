import * as path from "node:path";
import * as ts from "typescript";

// The contract of a component's arguments (STYLE.md "Args, defaults, validation"), checked with
// the TypeScript compiler on the declarations themselves rather than by review:
// - every property of an exported `XxxArgs` interface, and of every interface, type alias and
//   inline object type those args embed (transitively, when declared in this repository), is
//   `readonly`, and arrays are `readonly T[]`;
// - every property of an `XxxArgs` interface has a doc comment, and every optional property
//   (there and in what they embed) carries an `@default` JSDoc tag saying what an absent value means
//   (a value, or a phrase such as "the service's port");
// - no `a || b` fallback whose left side may be a nullish number or boolean (0 and false are
//   values, not absences: `??` is meant), which is what typescript-eslint's
//   prefer-nullish-coalescing flags, without the cost of typed linting on the whole tree;
// - an `XxxArgs` field whose `@default` is a value written as code (`32`, `"initial"`, `[]`,
//   `{ cpu: "100m" }`, `config.namespaces.monitoring`, `process.cwd()`) has that value applied
//   as `args.field ?? value` in the file that declares it (STYLE.md: "each @default is one
//   `args.x ?? value` in code"), so the comment cannot drift from what the component does.
//   A phrase ("none", "the service's namespace") is documentation only.

/** One breach of the contract. */
export interface ArgsViolation {
  /** Repository-relative file, `/`-separated. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** What breaks the rule: `BackupSpec.schedule`, `BackupSpec.aws.regions[]`, or the `||` expression. */
  readonly where: string;
  readonly rule: "readonly" | "readonly-array" | "undocumented" | "default" | "default-in-code" | "nullish-or";
  /** For `default-in-code`: the documented value. */
  readonly value?: string;
}

/** Formats a violation as one line a person can act on. */
export function formatViolation(v: ArgsViolation): string {
  const fix: Record<ArgsViolation["rule"], string> = {
    readonly: "is not readonly: add `readonly`",
    "readonly-array": "is a mutable array: write `readonly T[]`",
    undocumented: "has no doc comment: say what the argument does (and its @default when optional)",
    default: "is optional without an @default doc comment: say what an absent value means",
    "default-in-code": `documents @default ${v.value} but its file has no \`args.${v.where.split(".").pop()} ?? ${v.value}\`: apply the default in the component, where it is documented`,
    "nullish-or": "falls back with || on a number/boolean that may be undefined: use ??",
  };
  return `${v.file}:${v.line} ${v.where} ${fix[v.rule]}`;
}

/** Builds a program over `files` (absolute paths) with the repository's compiler options. */
export function programOf(root: string, files: readonly string[]): ts.Program {
  const configPath = path.join(root, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return ts.createProgram({ rootNames: [...files], options: { ...parsed.options, noEmit: true } });
}

type Declaration = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

function lineOf(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

function propertyName(name: ts.PropertyName): string {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) ? name.text : name.getText();
}

function hasReadonly(node: ts.Node): boolean {
  return (ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []).some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword);
}

/** The text of a node's `@default` tag, or undefined when it has none (or an empty one). */
export function defaultTag(node: ts.Node): string | undefined {
  for (const tag of ts.getJSDocTags(node)) {
    if (tag.tagName.text !== "default") continue;
    const text = typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment);
    if (text && text.trim() !== "") return text.trim();
  }
  return undefined;
}

/**
 * Walks every exported `*Args` interface in the files `isOwn` accepts, and what they embed, and
 * the `||` expressions of the files `orScope` accepts (@default those of `isOwn`).
 * `isProject` says which declaration files may be followed (the repository's own code; types from
 * node_modules such as `pulumi.Input` are not ours to change).
 */
export function argsViolations(
  program: ts.Program,
  root: string,
  isOwn: (rel: string) => boolean,
  isProject: (rel: string) => boolean,
  orScope: (rel: string) => boolean = isOwn,
): ArgsViolation[] {
  const checker = program.getTypeChecker();
  const rel = (sf: ts.SourceFile): string => path.relative(root, sf.fileName).split(path.sep).join("/");
  const out: ArgsViolation[] = [];
  const seen = new Set<Declaration>();
  const queue: Declaration[] = [];

  const enqueue = (d: Declaration): void => {
    if (seen.has(d) || !isProject(rel(d.getSourceFile()))) return;
    seen.add(d);
    queue.push(d);
  };

  const follow = (name: ts.EntityName | ts.Expression): void => {
    let symbol = checker.getSymbolAtLocation(name);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    for (const d of symbol?.declarations ?? []) {
      if (ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d)) enqueue(d);
    }
  };

  const member = (m: ts.TypeElement, owner: string): void => {
    if (ts.isPropertySignature(m)) {
      const where = `${owner}.${propertyName(m.name)}`;
      const file = rel(m.getSourceFile());
      if (!hasReadonly(m)) out.push({ file, line: lineOf(m), where, rule: "readonly" });
      if (m.questionToken && defaultTag(m) === undefined) out.push({ file, line: lineOf(m), where, rule: "default" });
      if (m.type) visit(m.type, where);
    } else if (ts.isIndexSignatureDeclaration(m)) {
      const where = `${owner}[key]`;
      if (!hasReadonly(m)) out.push({ file: rel(m.getSourceFile()), line: lineOf(m), where, rule: "readonly" });
      visit(m.type, where);
    }
    // Methods and call signatures are behaviour, not data: nothing to check.
  };

  const visit = (node: ts.TypeNode, where: string, readonlyArray = false): void => {
    if (ts.isTypeLiteralNode(node)) {
      for (const m of node.members) member(m, where);
    } else if (ts.isArrayTypeNode(node)) {
      if (!readonlyArray) out.push({ file: rel(node.getSourceFile()), line: lineOf(node), where, rule: "readonly-array" });
      visit(node.elementType, `${where}[]`);
    } else if (ts.isTupleTypeNode(node)) {
      if (!readonlyArray) out.push({ file: rel(node.getSourceFile()), line: lineOf(node), where, rule: "readonly-array" });
      for (const e of node.elements) visit(ts.isNamedTupleMember(e) ? e.type : e, `${where}[]`);
    } else if (ts.isTypeOperatorNode(node)) {
      visit(node.type, where, node.operator === ts.SyntaxKind.ReadonlyKeyword);
    } else if (ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node)) {
      for (const t of node.types) visit(t, where);
    } else if (ts.isParenthesizedTypeNode(node) || ts.isOptionalTypeNode(node)) {
      visit(node.type, where, readonlyArray);
    } else if (ts.isTypeReferenceNode(node)) {
      const name = ts.isIdentifier(node.typeName) ? node.typeName.text : node.typeName.right.text;
      if (name === "Array" && !readonlyArray) out.push({ file: rel(node.getSourceFile()), line: lineOf(node), where, rule: "readonly-array" });
      // Readonly<T>, ReadonlyArray<T> and Readonly<Record<K, V>> make their direct contents readonly.
      const readonlyWrapper = name === "Readonly" || name === "ReadonlyArray";
      for (const arg of node.typeArguments ?? []) visit(arg, name === "Array" || name === "ReadonlyArray" ? `${where}[]` : where, readonlyWrapper);
      if (!readonlyWrapper) follow(node.typeName);
    } else if (ts.isMappedTypeNode(node)) {
      if (node.readonlyToken === undefined && node.type) out.push({ file: rel(node.getSourceFile()), line: lineOf(node), where, rule: "readonly" });
      if (node.type) visit(node.type, `${where}[key]`);
    } else if (ts.isExpressionWithTypeArguments(node)) {
      follow(node.expression);
      for (const arg of node.typeArguments ?? []) visit(arg, where);
    }
    // Keywords, literals, `typeof`, indexed access and function types hold no properties of ours.
  };

  for (const sf of program.getSourceFiles()) {
    if (!isOwn(rel(sf))) continue;
    for (const st of sf.statements) {
      if (ts.isInterfaceDeclaration(st) && st.name.text.endsWith("Args") && hasExport(st)) enqueue(st);
    }
  }
  while (queue.length > 0) {
    const d = queue.shift() as Declaration;
    if (ts.isInterfaceDeclaration(d)) {
      for (const h of d.heritageClauses ?? []) for (const t of h.types) visit(t, d.name.text);
      for (const m of d.members) member(m, d.name.text);
    } else {
      visit(d.type, d.name.text);
    }
  }

  // Every argument documented (STYLE.md: a doc comment that says what it does), and documented
  // values applied where they are documented.
  for (const d of seen) {
    if (!ts.isInterfaceDeclaration(d) || !d.name.text.endsWith("Args") || !hasExport(d)) continue;
    const applied = nullishDefaults(d.getSourceFile());
    for (const m of d.members) {
      if (!ts.isPropertySignature(m)) continue;
      if (!hasDocComment(m)) out.push({ file: rel(m.getSourceFile()), line: lineOf(m), where: `${d.name.text}.${propertyName(m.name)}`, rule: "undocumented" });
      if (!m.questionToken) continue;
      const value = codeDefault(defaultTag(m));
      const field = propertyName(m.name);
      if (value !== undefined && !applied.get(field)?.has(normalizeCode(value))) {
        out.push({ file: rel(m.getSourceFile()), line: lineOf(m), where: `${d.name.text}.${field}`, rule: "default-in-code", value });
      }
    }
  }

  // `||` on a possibly-absent number or boolean, outside conditions (where `||` is logic).
  for (const sf of program.getSourceFiles()) {
    if (!orScope(rel(sf))) continue;
    const walk = (node: ts.Node): void => {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.BarBarToken && !inCondition(node)) {
        const left = checker.getTypeAtLocation(node.left);
        const parts = left.isUnion() ? left.types : [left];
        const nullish = parts.some((t) => t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void));
        const valued = parts.some((t) => t.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike));
        if (nullish && valued) out.push({ file: rel(sf), line: lineOf(node), where: `\`${node.getText(sf).replace(/\s+/g, " ")}\``, rule: "nullish-or" });
      }
      ts.forEachChild(node, walk);
    };
    walk(sf);
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.where.localeCompare(b.where));
}

function hasExport(node: ts.Node): boolean {
  return (ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** True when the expression's value is only used as a truth value (an if/while/ternary test, or `!`). */
function inCondition(node: ts.Node): boolean {
  let child: ts.Node = node;
  let parent = node.parent;
  while (
    ts.isParenthesizedExpression(parent) ||
    (ts.isBinaryExpression(parent) &&
      (parent.operatorToken.kind === ts.SyntaxKind.BarBarToken || parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken))
  ) {
    child = parent;
    parent = parent.parent;
  }
  if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) return true;
  if ((ts.isIfStatement(parent) || ts.isWhileStatement(parent) || ts.isDoStatement(parent)) && parent.expression === child) return true;
  if (ts.isConditionalExpression(parent) && parent.condition === child) return true;
  if (ts.isForStatement(parent) && parent.condition === child) return true;
  return false;
}

/**
 * The code at the start of an `@default` text, or undefined when the text is a phrase: a string,
 * number, boolean, `[...]` or `{...}` literal, or a property path / call such as
 * `config.namespaces.monitoring` or `process.cwd()`. `undefined` and `none` are phrases (no `??`).
 */
export function codeDefault(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = /^("[^"]*"|-?\d+(\.\d+)?\b|true\b|false\b|\[[^\]]*\]|\{[^}]*\}|[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*|\(\))+)/.exec(text);
  return m?.[0];
}

/** Code compared without spaces, outer parentheses, `as const` and a leading `args.`/`this.args.`. */
export function normalizeCode(code: string): string {
  let c = code.replace(/\s+/g, "").replace(/asconst$/, "");
  while (/^\(.*\)$/.test(c)) c = c.slice(1, -1).replace(/asconst$/, "");
  return c.replace(/^(this\.)?args\./, "");
}

/** For each `args.<field> ?? <value>` in a file: the field and the normalised values it falls back to. */
function nullishDefaults(sf: ts.SourceFile): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) {
      const m = /^(?:this\.)?args\.([A-Za-z_$][\w$]*)$/.exec(node.left.getText(sf).replace(/\s+/g, ""));
      if (m) {
        const set = out.get(m[1]) ?? new Set<string>();
        set.add(normalizeCode(node.right.getText(sf)));
        out.set(m[1], set);
      }
    }
    ts.forEachChild(node, walk);
  };
  walk(sf);
  return out;
}

/**
 * Each class extending `pulumi.ComponentResource` in the files `isOwn` accepts, with the name of
 * its constructor's `args` type (what {@link argsViolations} must be walking), or a note when the
 * type is not an exported `XxxArgs` interface of the repository.
 */
export function componentArgs(program: ts.Program, root: string, isOwn: (rel: string) => boolean): { component: string; args: string }[] {
  const checker = program.getTypeChecker();
  const out: { component: string; args: string }[] = [];
  for (const sf of program.getSourceFiles()) {
    const file = path.relative(root, sf.fileName).split(path.sep).join("/");
    if (!isOwn(file)) continue;
    for (const st of sf.statements) {
      if (!ts.isClassDeclaration(st) || !st.name) continue;
      const base = st.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression.getText(sf);
      if (base !== "pulumi.ComponentResource") continue;
      const ctor = st.members.find(ts.isConstructorDeclaration);
      const param = ctor?.parameters[1];
      let args = "(no args parameter)";
      if (param?.type && ts.isTypeReferenceNode(param.type)) {
        let symbol = checker.getSymbolAtLocation(param.type.typeName);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        const decl = symbol?.declarations?.find(ts.isInterfaceDeclaration);
        args = decl && hasExport(decl) && decl.name.text.endsWith("Args") ? decl.name.text : `(${param.type.getText(sf)}: not an exported XxxArgs interface)`;
      }
      out.push({ component: `${file}:${st.name.text}`, args });
    }
  }
  return out.sort((a, b) => a.component.localeCompare(b.component));
}

/** True when a `/** ... *\/` comment sits directly before the node. */
function hasDocComment(node: ts.Node): boolean {
  const sf = node.getSourceFile();
  return (ts.getLeadingCommentRanges(sf.text, node.getFullStart()) ?? []).some((c) => sf.text.startsWith("/**", c.pos));
}
