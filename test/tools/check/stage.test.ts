// A check stage's program run that hits its time limit must say which stage, which file and why,
// instead of failing with cut-off output. The programs here are real (coreutils' sleep and false).
import { describe, expect, it } from "vitest";
import { runStageTool, timeoutMessage } from "../../../tools/check/stage";

describe("runStageTool", () => {
  it("names the stage, the program, the file and the reason when a run is stopped at its limit", async () => {
    const r = await runStageTool("/bin/sleep", ["30"], { stage: "promtool rules", file: "/tmp/out/app-platform-slo.1.test.yaml", timeoutMs: 300 });
    expect(r.ok).toBe(false);
    expect(r.timedOut).toBe(true);
    expect(r.output).toBe(
      "promtool rules: sleep 30 on /tmp/out/app-platform-slo.1.test.yaml was stopped after 0.3 s without finishing (its time limit). " +
        "On a busy machine, rerun when it is idle; if it also times out on an idle machine, the file asks for more work than the limit allows " +
        "(for example test series spanning very long durations): report it with the file attached",
    );
  });

  it("keeps what the program printed before it was stopped", async () => {
    const r = await runStageTool("/bin/sh", ["-c", "echo checking rules; exec sleep 30"], { stage: "promtool rules", file: "rules.yaml", timeoutMs: 2000 });
    expect(r.timedOut).toBe(true);
    expect(r.output.split("\n").slice(1)).toEqual(["output before it was stopped:", "checking rules"]);
  });

  it("reports an ordinary failure as the program's own output, not as a timeout", async () => {
    const r = await runStageTool("/bin/sh", ["-c", "echo 'FAILED: rule test' >&2; exit 1"], { stage: "amtool config", file: "alertmanager.yaml", timeoutMs: 30_000 });
    expect(r).toEqual({ ok: false, output: "FAILED: rule test", timedOut: false });
  });

  it("rounds the limit to tenths of a second in the message", () => {
    expect(timeoutMessage("amtool config", "amtool check-config", "a.yaml", 60_000)).toMatch(/^amtool config: amtool check-config on a\.yaml was stopped after 60 s without finishing/);
  });
});
