// One schema file per config section; each capability owns its section.
export * from "./namespaces";
export * from "./monitoring";
export * from "./alerting";
export * from "./datastores";
export * from "./backup";
export * from "./aws";
export * from "./secrets";
