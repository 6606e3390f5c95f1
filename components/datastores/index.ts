export * from "./builders";
export * from "./in-cluster-datastores";
export * from "./security";
