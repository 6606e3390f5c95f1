export * from "./config";
export * from "./component";
