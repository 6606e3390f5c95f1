import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

/** Name of the pack, as the CLI reports it beside each violation. */
export const PACK_NAME = "app-platform";

/** A policy of this pack: validates one resource at a time, or the whole stack. */
export type PlatformPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** What every policy factory takes: the enforcement level, and defaults for its config. */
export type PolicyFactory<C extends object = object> = (enforcementLevel?: EnforcementLevel, defaults?: Partial<C>) => PlatformPolicy;

/**
 * Enforcement level of a policy when neither the factory's caller nor the pack config sets one.
 * Mandatory, so that running the pack without a config file is strict rather than silent.
 */
export const DEFAULT_ENFORCEMENT: EnforcementLevel = "mandatory";

/**
 * Builds a JSON-schema `configSchema` whose defaults are the policy's defaults, overridden by
 * what the factory's caller passed. The CLI fills these defaults into `getConfig()` before the
 * pack's config file is applied, and the offline runner does the same.
 */
export function configSchema<C extends object>(
  properties: Record<keyof C & string, Record<string, unknown>>,
  defaults: C,
  overrides: Partial<C> = {},
): PolicyConfigSchema {
  const merged = { ...defaults, ...overrides } as Record<string, unknown>;
  const out: PolicyConfigSchema["properties"] = {};
  for (const [k, schema] of Object.entries(properties)) {
    out[k] = { ...(schema as object), default: merged[k] } as PolicyConfigSchema["properties"][string];
  }
  return { properties: out };
}

/**
 * Like `validateResourceOfType` from @pulumi/policy, for a type token rather than an SDK class:
 * custom resources (PrometheusRule, ServiceMonitor) have no class with a fixed type. Tags the
 * function with `__pulumiType` so that the CLI (and the offline runner) skip other types fast.
 */
export function validateResourceOfToken<T>(
  token: string,
  validate: (props: T, args: ResourceValidationArgs, reportViolation: ReportViolation) => void | Promise<void>,
): ResourceValidation {
  const fn: ResourceValidation = (args, reportViolation) => {
    if (args.type !== token) return args.notApplicable(`Policy only applies to resources of type '${token}'`);
    return validate(args.props as T, args, reportViolation);
  };
  (fn as unknown as { __pulumiType: string }).__pulumiType = token;
  return fn;
}

/** Returns `read()`, or undefined when the value is unknown during preview (the proxy throws). */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (e instanceof Error && /can't be known/.test(e.message)) return undefined;
    throw e;
  }
}

/** `namespace/name` of a Kubernetes object's inputs (namespace "default" when unset). */
export function objectKey(props: { metadata?: { name?: string; namespace?: string } } | undefined, fallbackName: string): string {
  const md = props?.metadata ?? {};
  return `${md.namespace ?? "default"}/${md.name ?? fallbackName}`;
}

/** Reads a Kubernetes object's name, falling back to the Pulumi resource name (auto-naming). */
export function objectName(props: { metadata?: { name?: string } } | undefined, fallbackName: string): string {
  return props?.metadata?.name ?? fallbackName;
}

/** Stack-policy args narrowed to one token. */
export function resourcesOfType(args: StackValidationArgs, ...tokens: string[]): StackValidationArgs["resources"] {
  return args.resources.filter((r) => tokens.includes(r.type));
}

/** Kubernetes label selectors: one implementation, in lib/label-selector.ts (a null selector selects nothing). */
export { selectorMatches as selects, type LabelSelector } from "../../lib/label-selector";

export type { EnforcementLevel, Severity };
