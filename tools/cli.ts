import { CommandError } from "./commands/shared";
import { renderCommand } from "./commands/render";
import { checkCommand } from "./commands/check";
import { policyCommand } from "./commands/policy";
import { diffCommand } from "./commands/diff";
import { promoteCommand } from "./commands/promote";
import { rollbackCommand } from "./commands/rollback";
import { graphCommand } from "./commands/graph";

type Command = { run(argv: readonly string[]): Promise<number>; help: string };

/** Subcommands of `platform`. Each runs one stack per process: the Pulumi runtime is global. */
export const COMMANDS: Record<string, Command> = {
  render: { run: renderCommand, help: "render <stack> [--out DIR]   run the program offline under mocks, write out/<stack>/" },
  check: { run: checkCommand, help: "check <stack>                render, then schemas, policies, promtool and amtool" },
  policy: { run: policyCommand, help: "policy <stack> [--resources F] run the policy pack offline on the render; exit 1 on a mandatory violation" },
  diff: { run: diffCommand, help: "diff <stack> --base <ref>    Markdown diff of the rendered resources vs a git ref (exit 0 none, 1 changes, 2 error)" },
  promote: { run: promoteCommand, help: "promote <stack> <service>    pre-scale, analysis gate, switch activeColor, watch, auto-rollback" },
  rollback: { run: rollbackCommand, help: "rollback <stack> <service>   switch a service back to its idle (previous) colour" },
  graph: { run: graphCommand, help: "graph <stack> [--out DIR]    resource graph as out/<stack>/graph.dot and graph.svg" },
};

function usage(): string {
  return ["usage: platform <command> [args]", "", ...Object.values(COMMANDS).map((c) => `  ${c.help}`)].join("\n");
}

/** Runs the CLI; resolves to the exit code. User errors print their message alone. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`platform: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof CommandError) {
      console.error(e.message);
      return e.exitCode;
    }
    throw e;
  }
}
