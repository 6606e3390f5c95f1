// The loader's verdict on a maintenance window's time zone must be Alertmanager's: the rendered
// time interval is loaded by Go's time.LoadLocation, so every zone is also given to the real
// amtool (check-config) and the two verdicts compared.
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { timeZoneProblem } from "../../stacks/schema/network";
import { PROGRAMS, requireProgram, tempDir } from "../../tools/programs";

function amtoolAccepts(zone: string): boolean {
  const bin = requireProgram(PROGRAMS.amtool);
  const file = path.join(tempDir("tz"), "alertmanager.yaml");
  fs.writeFileSync(
    file,
    `route:\n  receiver: x\nreceivers:\n  - name: x\ntime_intervals:\n  - name: maintenance\n    time_intervals:\n      - weekdays: [sunday]\n        location: ${JSON.stringify(zone)}\n`,
  );
  try {
    execFileSync(bin, ["check-config", file], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

describe("maintenance time zones", () => {
  // "Local" is left out on purpose: amtool accepts it, but it is whatever zone the Alertmanager
  // container happens to have, so the loader refuses it.
  const zones = ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "US/Eastern", "Etc/GMT+2", "Europe/Berln", "europe/berlin", "Mars/Olympus_Mons", "CEST", "Europe/Kyiv"];
  for (const zone of zones) {
    it(`${zone}: the loader agrees with amtool`, () => {
      expect(timeZoneProblem(zone) === undefined, timeZoneProblem(zone)).toBe(amtoolAccepts(zone));
    });
  }
  it("refuses Local, the container's own zone", () => {
    expect(timeZoneProblem("Local")).toBe('is not an IANA time zone: use a tz database name such as "Europe/Berlin" or "UTC"');
  });
});
