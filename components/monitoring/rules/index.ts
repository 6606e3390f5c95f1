export * from "./types";
export * from "./template";
export * from "./catalogue";
export * from "./files";
export * from "./promtool-tests";
export * from "./runbooks";
export * from "./component";
