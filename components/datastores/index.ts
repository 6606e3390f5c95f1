export * from "./builders";
export * from "./dev-datastores";
export * from "./security";
