import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidation,
  ResourceValidationArgs,
  Severity,
  StackValidationArgs,
} from "@pulumi/policy";
import type { PlatformPolicy } from "../../policy/lib/policy";
import type { RenderedResource } from "../render/mock-runtime";
import { reconcileConfig, type PackConfig, type PolicyConfig } from "./config";
import { checkingProxy, fromRendered, isUnknownError } from "./props";

/** One diagnostic, as the CLI prints it under "Policy Violations". */
export interface Violation {
  readonly policyName: string;
  readonly description: string;
  /** The policy's own message (the CLI prints it after the description). */
  readonly message: string;
  /** The resource in violation; undefined for a stack-wide violation. */
  readonly urn?: string;
  readonly enforcementLevel: Exclude<EnforcementLevel, "disabled" | "remediate">;
  readonly severity?: Severity;
  /** "violation", or "unknown" when the policy could not run because a value it read is unknown. */
  readonly kind: "violation" | "unknown";
}

/** The outcome of running a pack. */
export interface PolicyReport {
  readonly violations: Violation[];
  /** Policies that declared themselves not applicable, with the reason (for the summary). */
  readonly notApplicable: { readonly policyName: string; readonly urn?: string; readonly reason?: string }[];
  /** Enforcement level each policy ran at. */
  readonly levels: Record<string, EnforcementLevel>;
  /** Resources and policies checked. */
  readonly counts: { readonly resources: number; readonly policies: number; readonly disabled: number };
}

/** Options of {@link runPolicyPack}. */
export interface RunOptions {
  /** Records of a render (`out/<stack>/resources.json` or a RenderResult's resources). */
  readonly resources: readonly RenderedResource[];
  readonly policies: readonly PlatformPolicy[];
  /** The stack's `--policy-pack-config` file, parsed. @default {} */
  readonly config?: PackConfig;
  /** Pack name and version, for the CLI's "can't run" message. @default { name: "app-platform", version: "0.1.0" } */
  readonly pack?: { readonly name: string; readonly version: string };
  /** Pack-wide enforcement level (PolicyPackArgs.enforcementLevel). @default "advisory", as in @pulumi/policy */
  readonly packEnforcementLevel?: EnforcementLevel;
}

class NotApplicable extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

const EMPTY_TAGS: ReadonlyMap<string, string> = new Map();

/** The type token of an SDK class (or of a function tagged by validateResourceOfType). */
function pulumiType(x: unknown): string | undefined {
  const t = (x as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

/** `isType` as @pulumi/policy implements it: by type token, else by the class's isInstance. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const t = pulumiType(resourceClass);
  if (t) return type === t;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/** PolicyResourceOptions from a render record's options. */
function options(r: RenderedResource): PolicyResourceOptions {
  const o = r.options ?? {};
  return {
    protect: o.protect ?? false,
    ignoreChanges: o.ignoreChanges ?? [],
    aliases: (o.aliases ?? []).map((a) => (typeof a === "string" ? a : JSON.stringify(a))),
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: o.additionalSecretOutputs ?? [],
    ...(o.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: o.deleteBeforeReplace } : {}),
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

/**
 * Runs a policy pack over rendered resources with the semantics of the Pulumi CLI and
 * @pulumi/policy 1.21: resource policies see each resource's inputs (every validation of a
 * policy, skipping other types by `__pulumiType`), stack policies see every resource with
 * parent and dependencies resolved to objects; enforcement levels come from the reconciled
 * config ("disabled" skips, "remediate" reports as mandatory); a read of an unknown value
 * (or, offline, of a secret placeholder) turns into an advisory "can't run" diagnostic;
 * `notApplicable` is recorded; any other exception propagates, as it fails a preview.
 */
export async function runPolicyPack(opts: RunOptions): Promise<PolicyReport> {
  const pack = opts.pack ?? { name: "app-platform", version: "0.1.0" };
  const packLevel = opts.packEnforcementLevel ?? "advisory";
  const config = reconcileConfig(opts.policies, opts.config ?? {});
  const violations: Violation[] = [];
  const notApplicable: PolicyReport["notApplicable"] = [];
  const levels: Record<string, EnforcementLevel> = {};
  let disabled = 0;

  const levelOf = (p: PlatformPolicy): EnforcementLevel => config.get(p.name)?.enforcementLevel || p.enforcementLevel || packLevel;
  const getConfig = (p: PlatformPolicy) => <T extends object>(): T => structuredClone((config.get(p.name) as PolicyConfig | undefined)?.properties ?? {}) as T;
  const cantRun = (p: PlatformPolicy, e: Error, urn?: string) =>
    violations.push({
      policyName: p.name,
      description: p.description,
      message: `can't run policy '${p.name}' from policy pack '${pack.name}@v${pack.version}' during preview: ${e.message}`,
      urn,
      enforcementLevel: "advisory",
      severity: p.severity,
      kind: "unknown",
    });
  const reporter = (p: PlatformPolicy, level: EnforcementLevel, fixedUrn?: string) => (message: string, urn?: string) =>
    violations.push({
      policyName: p.name,
      description: p.description,
      message,
      urn: fixedUrn ?? urn,
      enforcementLevel: level === "advisory" ? "advisory" : "mandatory",
      severity: p.severity,
      kind: "violation",
    });

  for (const p of opts.policies) {
    let level = levelOf(p);
    levels[p.name] = level;
    if (level === "disabled") {
      disabled++;
      continue;
    }
    if (level === "remediate") level = "mandatory";

    if ("validateResource" in p && p.validateResource) {
      const validations: ResourceValidation[] = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
      const single = !Array.isArray(p.validateResource) ? pulumiType(p.validateResource) : undefined;
      for (const r of opts.resources) {
        if (single && r.type !== single) continue;
        const report = reporter(p, level, r.urn);
        for (const validation of validations) {
          // A typed validation of another type would only throw notApplicable; skip it before
          // paying for the copy (the CLI does the same for a single typed validation).
          const typed = pulumiType(validation);
          if (typed && typed !== r.type) continue;
          const props = checkingProxy(fromRendered(r.inputs) as Record<string, unknown>);
          const args: ResourceValidationArgs = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: options(r),
            stackTags: EMPTY_TAGS,
            isType: (cls) => isTypeOf(r.type, cls),
            asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
            getConfig: getConfig(p),
            notApplicable: throwNotApplicable,
          };
          try {
            await validation(args, report);
          } catch (e) {
            if (isUnknownError(e)) cantRun(p, e, r.urn);
            else if (e instanceof NotApplicable) {
              if (!single) notApplicable.push({ policyName: p.name, urn: r.urn, reason: e.reason });
            } else throw new Error(`Error validating resource with policy '${p.name}' from policy pack '${pack.name}@v${pack.version}': ${(e as Error).stack ?? e}`);
          }
        }
      }
    } else if ("validateStack" in p && p.validateStack) {
      const t = pulumiType(p.validateStack);
      if (t && !opts.resources.some((r) => r.type === t)) {
        notApplicable.push({ policyName: p.name, reason: `Policy only applies to resources of type '${t}'` });
        continue;
      }
      const byUrn = new Map<string, PolicyResource>();
      const resources: PolicyResource[] = opts.resources.map((r) => {
        const props = checkingProxy(fromRendered(r.inputs) as Record<string, unknown>);
        const res: PolicyResource = {
          type: r.type,
          props,
          urn: r.urn,
          name: r.name,
          opts: options(r),
          dependencies: [],
          // The render records dependencies per resource, not per property.
          propertyDependencies: {},
          isType: (cls) => isTypeOf(r.type, cls),
          asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
        };
        byUrn.set(r.urn, res);
        return res;
      });
      opts.resources.forEach((r, i) => {
        const res = resources[i] as { parent?: PolicyResource; dependencies: PolicyResource[] };
        if (r.parent && byUrn.has(r.parent)) res.parent = byUrn.get(r.parent);
        res.dependencies = (r.dependsOn ?? []).map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
      });
      const args: StackValidationArgs = { resources, stackTags: EMPTY_TAGS, getConfig: getConfig(p), notApplicable: throwNotApplicable };
      try {
        await p.validateStack(args, reporter(p, level));
      } catch (e) {
        if (isUnknownError(e)) cantRun(p, e);
        else if (e instanceof NotApplicable) notApplicable.push({ policyName: p.name, reason: e.reason });
        else throw new Error(`Error validating stack with policy '${p.name}' from policy pack '${pack.name}@v${pack.version}': ${(e as Error).stack ?? e}`);
      }
    }
  }
  return { violations, notApplicable, levels, counts: { resources: opts.resources.length, policies: opts.policies.length, disabled } };
}

/** Counts of a report by enforcement level (the `policy violations: mandatory X, advisory Y` line). */
export function countViolations(report: PolicyReport): { mandatory: number; advisory: number } {
  return {
    mandatory: report.violations.filter((v) => v.enforcementLevel === "mandatory").length,
    advisory: report.violations.filter((v) => v.enforcementLevel === "advisory").length,
  };
}
