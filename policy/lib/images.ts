// Moved to lib/ so that the stack loader can check images against the policy config at load.
export * from "../../lib/images";
