import { defineConfig } from "vitest/config";
import { CHART_DIR_ENV, sharedChartDir } from "./tools/render/chart";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each render runs the Pulumi runtime, which is process-global: forks keep tests isolated.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Renders take the chart's children from the pinned chart in ../shared/charts (see its README).
    env: { [CHART_DIR_ENV]: process.env[CHART_DIR_ENV] ?? sharedChartDir(__dirname) },
  },
});
