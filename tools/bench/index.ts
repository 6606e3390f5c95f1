// `npm run bench`: runs every section of tools/bench/sections.ts (or those named as arguments)
// and prints their figures as plain lines `name: value unit`. Targets are reported, not asserted.
import { BENCH_SECTIONS } from "./sections";

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => !BENCH_SECTIONS.some((s) => s.name === a));
  if (unknown.length > 0) {
    console.error(`bench: unknown section ${unknown.join(", ")}; sections: ${BENCH_SECTIONS.map((s) => s.name).join(", ")}`);
    return 2;
  }
  const selected = argv.length > 0 ? BENCH_SECTIONS.filter((s) => argv.includes(s.name)) : BENCH_SECTIONS;
  let failed = false;
  for (const section of selected) {
    console.log(`# ${section.name}`);
    try {
      for (const line of await section.run()) console.log(line);
    } catch (e) {
      // One broken section must not hide the figures of the others.
      failed = true;
      console.log(`${section.name}.error: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
