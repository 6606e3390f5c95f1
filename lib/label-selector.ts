// Kubernetes label selectors (meta/v1 LabelSelector), one implementation for the policy pack and
// `platform check`'s monitors stage. Semantics from the API reference: matchLabels pairs and
// matchExpressions are ANDed; "An empty label selector matches all objects. A null label selector
// matches no objects."; the operators are In, NotIn, Exists and DoesNotExist.

/** A Kubernetes label selector. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/**
 * True when `selector` selects an object with `labels`. A missing (null) selector selects
 * nothing; an empty one selects everything; an unknown operator (which the API server refuses)
 * selects nothing.
 */
export function selectorMatches(selector: LabelSelector | null | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = e.values ?? [];
    const ok =
      e.operator === "In"
        ? has && values.includes(l[e.key]!)
        : e.operator === "NotIn"
          ? !has || !values.includes(l[e.key]!)
          : e.operator === "Exists"
            ? has
            : e.operator === "DoesNotExist"
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}
