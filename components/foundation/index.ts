export * from "./foundation";
export * from "./labels";
