import * as path from "node:path";
import { runStageTool, type CheckStage } from "./stage";
import { BLACKBOX_CONFIG_FILE } from "../../components/exporters/blackbox";
import { MissingProgramError, PROGRAMS, requireProgram } from "../programs";

/** Result of checking one blackbox module file with the real exporter. */
export interface BlackboxCheck {
  readonly ok: boolean;
  /** What the exporter printed (the reason, when the file is refused). */
  readonly output: string;
}

/** Runs `prometheus-blackbox-exporter --config.check` on a module file. Throws when the program is missing. */
export function checkBlackboxConfig(file: string): Promise<BlackboxCheck> {
  const bin = requireProgram(PROGRAMS.blackboxExporter);
  return runStageTool(bin, ["--config.check", `--config.file=${file}`], { stage: "blackbox config", file, timeoutMs: 20_000 });
}

/** `platform check` stage: the rendered blackbox module file passes the real exporter's own check. */
export const blackboxStage: CheckStage = {
  name: "blackbox config",
  async run(ctx) {
    const rel = `blackbox/${BLACKBOX_CONFIG_FILE}`;
    if (!ctx.files.some((f) => f.path === rel)) {
      return { ok: false, summary: "no blackbox config rendered", problems: [`${rel} is missing from the render: the exporters component ships it in the blackbox-exporter ConfigMap`] };
    }
    const file = path.join(ctx.outDir, rel);
    try {
      const r = await checkBlackboxConfig(file);
      const why = r.output.split("\n").find((l) => l.includes("level=error")) ?? r.output;
      return r.ok
        ? { ok: true, summary: `${rel} accepted by prometheus-blackbox-exporter --config.check`, problems: [] }
        : { ok: false, summary: `${rel} refused`, problems: [`${file}: ${why}`] };
    } catch (e) {
      if (e instanceof MissingProgramError) return { ok: false, summary: "exporter missing", problems: [e.message] };
      throw e;
    }
  },
};
