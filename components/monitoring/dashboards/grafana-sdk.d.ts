// The SDK publishes its modules only through package.json "exports" subpaths, which the
// project's `moduleResolution: node` does not read; these declarations point the type checker
// at the same files Node loads at run time.
declare module "@grafana/grafana-foundation-sdk/cog" {
  export * from "@grafana/grafana-foundation-sdk/dist/cog/index";
}
declare module "@grafana/grafana-foundation-sdk/dashboard" {
  export * from "@grafana/grafana-foundation-sdk/dist/dashboard/index";
}
declare module "@grafana/grafana-foundation-sdk/prometheus" {
  export * from "@grafana/grafana-foundation-sdk/dist/prometheus/index";
}
declare module "@grafana/grafana-foundation-sdk/stat" {
  export * from "@grafana/grafana-foundation-sdk/dist/stat/index";
}
declare module "@grafana/grafana-foundation-sdk/text" {
  export * from "@grafana/grafana-foundation-sdk/dist/text/index";
}
declare module "@grafana/grafana-foundation-sdk/timeseries" {
  export * from "@grafana/grafana-foundation-sdk/dist/timeseries/index";
}
