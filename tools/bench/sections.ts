/** One part of `npm run bench`: returns lines `name: value unit`. */
export interface BenchSection {
  /** Short name, printed as a heading and accepted as a filter: `npm run bench -- render`. */
  readonly name: string;
  /** Runs the measurements; each line is `name: value unit`, e.g. `render.dev.median: 840 ms`. */
  run(): Promise<string[]>;
}

/**
 * Every bench section, in order. Each is imported only when it runs, so that one section's
 * dependencies do not slow down another's start. Add yours with one line.
 */
export const BENCH_SECTIONS: BenchSection[] = [
  { name: "render", run: async () => (await import("./render")).run() },
  { name: "chart", run: async () => (await import("./chart")).run() },
  { name: "backup", run: async () => (await import("./backup")).run() },
  { name: "alert-latency", run: async () => (await import("./alert-latency")).run() },
  { name: "policy", run: async () => (await import("./policy")).run() },
  { name: "diff", run: async () => (await import("./diff")).run() },
  { name: "cli", run: async () => (await import("./cli")).run() },
  { name: "delivery", run: async () => (await import("./delivery")).run() },
  { name: "commands", run: async () => (await import("./commands")).run() },
  { name: "scale", run: async () => (await import("./scale")).run() },
];
