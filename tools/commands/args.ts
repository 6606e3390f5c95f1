// Arguments of the `platform` command: parsing, and checking them against each command's
// declared flags and positionals before the command's module is loaded. Kept free of heavy
// imports: `platform --help` and argument errors must answer without loading the program.
import { didYouMean } from "../../stacks/validate/problem";
import { escapeNonAscii } from "../../stacks/validate/text";

/** A user-facing failure: printed as its message alone, with this exit code. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "CommandError";
  }
}

/** Parsed `--flag value` options and positional arguments. */
export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Record<string, string | true>;
}

/** Parses argv into positionals and `--name value` / `--name=value` / `--switch` flags. */
export function parseArgs(argv: readonly string[], switches: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const [k, v] = a.slice(2).split("=", 2);
      if (v !== undefined) flags[k] = v;
      else if (switches.includes(k) || i + 1 >= argv.length || argv[i + 1].startsWith("--")) flags[k] = true;
      else flags[k] = argv[++i];
    } else {
      positional.push(a);
    }
  }
  return { positional, flags };
}

/** One `--flag` of a command. */
export interface FlagSpec {
  /** The name without dashes: `out` for `--out`. */
  readonly name: string;
  /** What the value is, shown in usage (`DIR`, `<ref>`); a flag without it is a switch. */
  readonly value?: string;
  /** One line for `--help`. */
  readonly help: string;
  /** The command cannot run without it. @default false */
  readonly required?: boolean;
}

/** What a command accepts, known without loading the command. */
export interface CommandSpec {
  /** The command word: `render`. */
  readonly name: string;
  /** Positional arguments in order, all required: `["<stack>"]`. */
  readonly positionals: readonly string[];
  /** Every flag the command reads. */
  readonly flags: readonly FlagSpec[];
  /** One line for the command list. */
  readonly summary: string;
}

/** The usage line: `platform diff <stack> --base <ref> [--out FILE]`. */
export function usageLine(spec: CommandSpec): string {
  const flags = spec.flags.map((f) => {
    const text = f.value ? `--${f.name} ${f.value}` : `--${f.name}`;
    return f.required ? text : `[${text}]`;
  });
  return ["platform", spec.name, ...spec.positionals, ...flags].join(" ");
}

/** `platform <command> --help`: usage, what it does, and every flag. */
export function commandHelp(spec: CommandSpec): string {
  const rows: [string, string][] = spec.flags.map((f) => [f.value ? `--${f.name} ${f.value}` : `--${f.name}`, f.help]);
  rows.push(["--help, -h", "show this help"]);
  const width = Math.max(...rows.map(([l]) => l.length));
  return [`usage: ${usageLine(spec)}`, "", spec.summary, "", "flags:", ...rows.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`)].join("\n");
}

function shown(arg: string): string {
  return `"${escapeNonAscii(arg)}"`;
}

/**
 * Checks argv against a command's spec: every flag known (else a did-you-mean), values present,
 * no flag twice, exactly the positionals it takes. Throws {@link CommandError} (exit 2) naming
 * the argument and the fix. Returns true when `--help`/`-h` was asked for.
 */
export function checkArgs(spec: CommandSpec, argv: readonly string[]): boolean {
  if (argv.includes("--help") || argv.includes("-h")) return true;
  const more = `(\`platform ${spec.name} --help\` lists every flag)`;
  const known = spec.flags.map((f) => f.name);
  const seen = new Set<string>();
  let positionals = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("-") && a !== "-") {
      const [raw, inline] = a.startsWith("--") ? a.slice(2).split(/=(.*)/s, 2) : [a.slice(1), undefined];
      const flag = spec.flags.find((f) => f.name === raw);
      if (!flag || !a.startsWith("--")) {
        const guess = didYouMean(raw, known);
        throw new CommandError(
          `platform ${spec.name}: unknown flag ${shown(a)}${guess ? `: did you mean "--${guess}"?` : ""} ${spec.flags.length ? more : `(${spec.name} takes no flags)`}`,
        );
      }
      if (seen.has(flag.name)) throw new CommandError(`platform ${spec.name}: --${flag.name} is given twice; give it once`);
      seen.add(flag.name);
      if (!flag.value) {
        if (inline !== undefined) throw new CommandError(`platform ${spec.name}: --${flag.name} takes no value (got ${shown(inline)})`);
        continue;
      }
      const value = inline ?? (i + 1 < argv.length && !argv[i + 1].startsWith("--") ? argv[++i] : undefined);
      if (value === undefined || value === "") throw new CommandError(`platform ${spec.name}: --${flag.name} needs a value (${flag.value}): usage: ${usageLine(spec)}`);
      continue;
    }
    positionals++;
    if (positionals > spec.positionals.length) {
      throw new CommandError(
        `platform ${spec.name}: unexpected argument ${shown(a)}: ${spec.name} takes ${spec.positionals.join(" ")}; usage: ${usageLine(spec)}`,
      );
    }
  }
  const missing = positionals < spec.positionals.length || spec.flags.some((f) => f.required && !seen.has(f.name));
  if (missing) throw new CommandError(`usage: ${usageLine(spec)}`);
  return false;
}
