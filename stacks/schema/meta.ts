// The documentation of each config key lives on its zod schema, as zod metadata
// (`.meta({...})`): tools/schema turns it into docs/config.md and into the descriptions of
// schema/stack-config.schema.json, which editors show on hover. The default per environment is
// not written here: the generator reads it from what the program resolves (stacks/resolve.ts with
// the table in ./defaults.ts) for a stack file that omits the key, so it cannot drift.
import type { Environment } from "../../lib/environment";

/** A default stated in words, for all environments or per environment. */
export type DefaultText = string | Readonly<Partial<Record<Environment, string>>>;

declare module "zod" {
  interface GlobalMeta {
    /** Values a user could write, each accepted by the key's schema; the first builds the reference's example stacks. */
    examples?: readonly unknown[];
    /**
     * The default in words, where it is not one value the program resolves alone: computed
     * from another key ("the service's `port`"), applied by a component, or "none" with what
     * that means. Per environment where only some environments compute it.
     */
    defaultText?: DefaultText;
    /** The rule a value must follow, in words, where a refinement checks it (zod messages say it otherwise). */
    allowed?: string;
    /** Meaning of each entry of a map whose keys the program knows (e.g. alert thresholds). */
    entries?: Readonly<Record<string, string>>;
  }
}

export {};
