export * from "./blackbox";
export * from "./exporters";
export * from "./workloads";
export * from "./postgres-queries";
