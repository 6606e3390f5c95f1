export * from "./generated-secret";
export * from "./platform-secrets";
export * from "./catalog";
