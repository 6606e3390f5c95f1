// One render as `platform render` does it (validate, run the program under mocks, write the
// files), in this fresh process. The bench starts it through tsx and through ts-node.
import { renderStack } from "../commands/shared";

const [stack, outDir] = process.argv.slice(2);
renderStack(stack, outDir).then(
  (r) => {
    // CPU time of the whole process since it started (loader, imports, render, write): a figure
    // that other load on the machine does not inflate the way it does wall time.
    const cpu = process.cpuUsage();
    process.stdout.write(JSON.stringify({ resources: r.result.resources.length, files: r.files.length, cpuMillis: (cpu.user + cpu.system) / 1000 }));
    process.exit(0);
  },
  (e) => {
    process.stderr.write(`${e?.message ?? e}\n`);
    process.exit(1);
  },
);
