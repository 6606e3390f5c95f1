import { CommandError } from "./commands/shared";
import { renderCommand } from "./commands/render";
import { checkCommand } from "./commands/check";

type Command = { run(argv: readonly string[]): Promise<number>; help: string };

/** Subcommands of `platform`. Each runs one stack per process: the Pulumi runtime is global. */
export const COMMANDS: Record<string, Command> = {
  render: { run: renderCommand, help: "render <stack> [--out DIR]   run the program offline under mocks, write out/<stack>/" },
  check: { run: checkCommand, help: "check <stack>                render, then schemas, policies, promtool and amtool" },
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
