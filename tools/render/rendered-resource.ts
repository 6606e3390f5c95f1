/** One resource as the program registered it. */
export interface RenderedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** URN of the parent, or undefined for children of the stack. */
  readonly parent?: string;
  /** URNs of explicit and implicit dependencies. */
  readonly dependsOn: string[];
  /** Inputs with secret values replaced by "[secret]" and unknowns by "[unknown]". */
  readonly inputs: Record<string, unknown>;
  /** True for custom resources, false for components. */
  readonly custom: boolean;
  readonly options: {
    readonly protect?: boolean;
    readonly ignoreChanges?: string[];
    readonly replaceOnChanges?: string[];
    readonly additionalSecretOutputs?: string[];
    readonly deleteBeforeReplace?: boolean;
    readonly aliases?: unknown[];
  };
  /**
   * True for an object of a Helm chart: rendered with Helm from the Chart's inputs and
   * registered under it as the provider would (see tools/render/chart.ts), not by our program.
   */
  readonly chartChild?: boolean;
}
