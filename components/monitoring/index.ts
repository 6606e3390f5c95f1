export * from "./contract";
export * from "./dashboards";
export * from "./monitors";
export * from "./network-policies";
export * from "./monitoring-stack";
export * from "./values";
export * from "./chart-images";
