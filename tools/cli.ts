import { checkArgs, commandHelp, CommandError, usageLine, type CommandSpec } from "./commands/args";
import { didYouMean } from "../stacks/validate/problem";
import { escapeNonAscii } from "../stacks/validate/text";

type Run = (argv: readonly string[]) => Promise<number>;

/** A subcommand: what it accepts (known up front) and how to load it (only when it runs). */
export interface Command extends CommandSpec {
  /** Loads the command's module. Deferred: the modules pull in the program, Pulumi and the check stages. */
  readonly load: () => Run;
}

const STACK = "<stack>";
const CHART_DIR_FLAG = {
  name: "chart-dir",
  value: "DIR",
  help: "folder with the pulled Helm charts (kube-prometheus-stack-<version>.tgz); default $PLATFORM_CHART_DIR, else Helm's repository cache",
} as const;
const PROMETHEUS_FLAG = { name: "prometheus", value: "URL", help: "Prometheus for the analysis gate (default $PROMETHEUS_URL, else http://127.0.0.1:9090)" } as const;
const ROOT_FLAG = { name: "root", value: "DIR", help: "folder with Pulumi.yaml and the stack file, if not this repository (the program is still this repository's)" } as const;

// require(), not import(): the TypeScript loader of tools/bin compiles to CommonJS, and import()
// would hand "./commands/x" (no extension) to Node's ES module resolver, which refuses it.
/** Subcommands of `platform`. Each runs one stack per process: the Pulumi runtime is global. */
export const COMMANDS: Record<string, Command> = {
  render: {
    name: "render",
    positionals: [STACK],
    flags: [{ name: "out", value: "DIR", help: "write there instead of out/<stack>/ (a new, empty or earlier render's folder)" }, ROOT_FLAG, CHART_DIR_FLAG],
    summary: "run the program offline under mocks and write the render to out/<stack>/",
    load: () => require("./commands/render").renderCommand,
  },
  check: {
    name: "check",
    positionals: [STACK],
    flags: [ROOT_FLAG, CHART_DIR_FLAG],
    summary: "render, then Kubernetes schemas, the policy pack, promtool and amtool; non-zero on any failure",
    load: () => require("./commands/check").checkCommand,
  },
  policy: {
    name: "policy",
    positionals: [STACK],
    flags: [{ name: "resources", value: "FILE", help: "a render's resources.json instead of rendering now" }],
    summary: "run the policy pack offline on the render; exit 1 on a mandatory violation",
    load: () => require("./commands/policy").policyCommand,
  },
  diff: {
    name: "diff",
    positionals: [STACK],
    flags: [
      { name: "base", value: "<ref>", help: "git ref to compare the working tree with (e.g. origin/main)", required: true },
      { name: "max-chars", value: "N", help: "cap the Markdown at N characters (>= 1000; default fits a pull-request comment)" },
      { name: "out", value: "FILE", help: "also write the Markdown to FILE" },
      { name: "repo", value: "DIR", help: "the git repository to diff, if not this one" },
      { name: "no-cache", help: "render the base again instead of reading it from out/.render-cache/" },
    ],
    summary: "Markdown diff of the rendered resources vs a git ref (exit 0 none, 1 changes, 2 error)",
    load: () => require("./commands/diff").diffCommand,
  },
  promote: {
    name: "promote",
    positionals: [STACK, "<service>"],
    flags: [
      PROMETHEUS_FLAG,
      { name: "preview-url", value: "URL", help: "base URL of the smoke test instead of the service's (e.g. a kubectl port-forward to the preview Service)" },
      { name: "summary", value: "FILE", help: "also append the Markdown summary to FILE (GitHub's job summary is written when set)" },
      { name: "slack", value: "FILE", help: "write the summary as a Slack incoming-webhook payload (JSON) to FILE" },
    ],
    summary: "backup (production), migration, smoke test, then canary steps or the gated switch, analysis at each, auto-rollback (needs the Pulumi CLI and the cluster)",
    load: () => require("./commands/promote").promoteCommand,
  },
  rollback: {
    name: "rollback",
    positionals: [STACK, "<service>"],
    flags: [PROMETHEUS_FLAG],
    summary: "switch a service back to its idle (previous) colour (needs the Pulumi CLI and the cluster)",
    load: () => require("./commands/rollback").rollbackCommand,
  },
  graph: {
    name: "graph",
    positionals: [STACK],
    flags: [
      { name: "out", value: "DIR", help: "write the graph there instead of out/<stack>/" },
      { name: "component", value: "NAME", help: "one component's resources (and what they depend on) as graph-NAME.dot and graph-NAME.svg" },
      { name: "resources", help: "every resource as graph-resources.dot and graph-resources.svg (one large sheet)" },
    ],
    summary: "component overview as out/<stack>/graph.dot and graph.svg (Graphviz): one node per component by layer, dependsOn counts, Secret data flow, legend",
    load: () => require("./commands/graph").graphCommand,
  },
  "pin-images": {
    name: "pin-images",
    positionals: [STACK],
    flags: [ROOT_FLAG],
    summary: "resolve the tag of every image the stack file sets (services, migrations, backup) to its digest at the registry and write it to Pulumi.<stack>.yaml (needs the registries)",
    load: () => require("./commands/pin-images").pinImagesCommand,
  },
};

/** `platform --help`: every command with every flag. */
export function usage(): string {
  const lines = ["usage: platform <command> [args]   (platform <command> --help for one command)", ""];
  for (const c of Object.values(COMMANDS)) {
    lines.push(`  ${usageLine(c).replace(/^platform /, "")}`, `      ${c.summary}`);
    for (const f of c.flags) lines.push(`      --${f.name}${f.value ? ` ${f.value}` : ""}: ${f.help}`);
  }
  return lines.join("\n");
}

/** Runs the CLI; resolves to the exit code. User errors print their message alone. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 2;
  }
  try {
    const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!cmd) {
      const guess = didYouMean(name, Object.keys(COMMANDS));
      console.error(`platform: unknown command "${escapeNonAscii(name)}"${guess ? `: did you mean "${guess}"?` : ""}\n\n${usage()}`);
      return 2;
    }
    if (checkArgs(cmd, rest)) {
      console.log(commandHelp(cmd));
      return 0;
    }
    return await cmd.load()(rest);
  } catch (e) {
    if (e instanceof CommandError) {
      console.error(e.message);
      return e.exitCode;
    }
    throw e;
  }
}
