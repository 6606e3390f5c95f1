import { UnknownValueError } from "@pulumi/policy";
// The CLI's sentinel for an unknown string; its UnknownValueError only accepts these sentinels.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownStringValue } = require("@pulumi/policy/proxy") as { unknownStringValue: string };

/** How a render marks an unknown value (an output not known until the resource exists). */
export const UNKNOWN_PLACEHOLDER = "[unknown]";
/** How a render marks a secret value. */
export const SECRET_PLACEHOLDER = "[secret]";

const SECRET_SENTINEL = Symbol("offline-secret");

/**
 * Thrown when a policy reads a secret: the render replaced it with "[secret]", so its value
 * cannot be known offline (the CLI would hand the policy the plaintext). Treated like the
 * CLI's UnknownValueError: the policy cannot run, which is reported, never passed silently.
 */
export class SecretPlaceholderError extends Error {
  constructor(readonly path: string[]) {
    super(`secret value at .${path.join(".")} can't be known offline (the render replaces secrets with "${SECRET_PLACEHOLDER}")`);
    this.name = "SecretPlaceholderError";
  }
}

/** Replaces the render's placeholders with sentinels the proxy recognises. */
export function fromRendered(value: unknown): unknown {
  if (value === UNKNOWN_PLACEHOLDER) return unknownStringValue;
  if (value === SECRET_PLACEHOLDER) return SECRET_SENTINEL;
  if (Array.isArray(value)) return value.map(fromRendered);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromRendered(v);
    return out;
  }
  return value;
}

/**
 * Wraps props the way @pulumi/policy's unknownCheckingProxy does: reading an unknown value
 * throws UnknownValueError (the same class and message as under the CLI); reading a secret
 * placeholder throws {@link SecretPlaceholderError}. Checking presence (`in`, Object.keys)
 * does not throw, as under the CLI.
 */
export function checkingProxy<T>(value: T, at: string[] = []): T {
  if (!(value instanceof Object)) return value;
  return new Proxy(value as unknown as object, {
    get: (obj, prop) => {
      const field = (obj as Record<string | symbol, unknown>)[prop];
      const next = typeof prop === "string" ? [...at, prop] : at;
      if (field === unknownStringValue) throw new UnknownValueError(unknownStringValue, next);
      if (field === SECRET_SENTINEL) throw new SecretPlaceholderError(next);
      // The Proxy invariant: a non-configurable, non-writable own property must be returned as is.
      const desc = Object.getOwnPropertyDescriptor(obj, prop);
      if (desc && "value" in desc && desc.configurable === false && desc.writable === false) return field;
      return checkingProxy(field, next);
    },
  }) as T;
}

/** True for an error that means "this value is not known here" (unknown, or an offline secret). */
export function isUnknownError(e: unknown): e is Error {
  return e instanceof UnknownValueError || e instanceof SecretPlaceholderError;
}
