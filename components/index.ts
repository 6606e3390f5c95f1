// Components by capability; each folder re-exports its own.
export * from "./foundation";
