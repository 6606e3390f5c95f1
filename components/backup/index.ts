export * from "./aws-policies";
export * from "./backups";
export * from "./builders";
export * from "./storage";
