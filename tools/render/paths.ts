import * as path from "node:path";

/**
 * The repository root (the folder with Pulumi.yaml). In a module of its own so that commands
 * that only need the path (diff, the bench) do not load the Pulumi SDK with the harness.
 */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Where Helm's parsed output is kept, under a checkout's git-ignored out/, by everything it
 * depends on (Helm, the chart archive's digest, the arguments and the values).
 */
export const CHART_CACHE_DIR = path.join("out", ".chart-cache");
