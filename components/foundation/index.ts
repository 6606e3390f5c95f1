export * from "./foundation";
export * from "./labels";
export * from "./security";
export * from "./priority";
