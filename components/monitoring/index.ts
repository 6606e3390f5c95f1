export * from "./contract";
export * from "./dashboards";
export * from "./monitors";
export * from "./network-policies";
export * from "./stack";
export * from "./values";
