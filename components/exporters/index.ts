export * from "./blackbox";
export * from "./exporters";
export * from "./workloads";
