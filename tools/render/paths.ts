import * as path from "node:path";

/**
 * The repository root (the folder with Pulumi.yaml). In a module of its own so that commands
 * that only need the path (diff, the bench) do not load the Pulumi SDK with the harness.
 */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
