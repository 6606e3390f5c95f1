import type * as Aws from "@pulumi/aws";

let sdk: typeof Aws | undefined;

/**
 * The @pulumi/aws SDK, loaded on first use. Its index loads every AWS service module (about
 * 0.4 s on a 2-core machine), and a stack without AWS (dev) never creates an AWS resource: the
 * components that may create one import the SDK's types with `import type` and call this where
 * they create resources.
 */
export function awsSdk(): typeof Aws {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (sdk ??= require("@pulumi/aws") as typeof Aws);
}
