// Renders one stack in this process and prints the RenderResult as JSON on stdout (or the
// config problems on stderr with exit code 2). Used by tests and tools that need several
// renders: the Pulumi runtime is global, so each render gets its own process.
import { ConfigError } from "../../stacks/config";
import { validateStack, CommandError } from "../commands/shared";
import { renderProgram } from "./mock-runtime";

async function run(): Promise<number> {
  const [stack, rootDir, overridesJson] = process.argv.slice(2);
  try {
    validateStack(stack, rootDir);
  } catch (e) {
    if (e instanceof CommandError || e instanceof ConfigError) {
      process.stderr.write(e.message + "\n");
      return 2;
    }
    throw e;
  }
  const result = await renderProgram({ stack, rootDir, configOverrides: overridesJson ? JSON.parse(overridesJson) : undefined });
  // A pipe takes 64 KiB at once; when the parent reads slowly the rest is queued, and
  // process.exit would cut the JSON short. Exit only once it has all been handed over.
  await new Promise<void>((resolve, reject) => process.stdout.write(JSON.stringify(result), (err) => (err ? reject(err) : resolve())));
  return 0;
}

run().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
