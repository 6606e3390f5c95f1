import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each render runs the Pulumi runtime, which is process-global: forks keep tests isolated.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
