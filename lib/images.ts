// Image references as container runtimes read them; shared by the policy pack and the stack loader.
/** A parsed container image reference. */
export interface ImageRef {
  /** Registry host; `docker.io` when the reference names none (as the container runtime assumes). */
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * Parses an image reference the way container runtimes do: the first path component is a
 * registry host only if it contains "." or ":" or is "localhost".
 */
export function parseImage(ref: string): ImageRef {
  const [namePart, digest] = ref.split("@", 2);
  const lastSlash = namePart.lastIndexOf("/");
  const colon = namePart.indexOf(":", lastSlash + 1);
  const name = colon === -1 ? namePart : namePart.slice(0, colon);
  const tag = colon === -1 ? undefined : namePart.slice(colon + 1);
  const first = name.split("/")[0];
  const hasRegistry = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return {
    registry: hasRegistry ? first : "docker.io",
    repository: hasRegistry ? name.slice(first.length + 1) : name,
    tag,
    digest,
  };
}

/** True for a sha256 digest reference. */
export function hasDigest(ref: ImageRef): boolean {
  return ref.digest !== undefined && /^sha256:[a-f0-9]{64}$/.test(ref.digest);
}

/** True for a version tag that teams treat as immutable: `1.4`, `1.4.2`, `v2.3.0-rc.1`. */
export function isVersionTag(tag: string | undefined): boolean {
  return tag !== undefined && /^v?\d+\.\d+(\.\d+)?([-+][\w.]+)?$/.test(tag);
}

/**
 * True when `host` matches a registry pattern: exact, or with `*` standing for one DNS label
 * part (`*.dkr.ecr.*.amazonaws.com`).
 */
export function registryMatches(host: string, pattern: string): boolean {
  const re = new RegExp(
    "^" +
      pattern
        .split("*")
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^./]+") +
      "$",
  );
  return re.test(host);
}

/** The tag of an image reference, if it has one (`repo:1.2@sha256:...` -> `1.2`). */
export function imageTag(ref: string): string | undefined {
  return parseImage(ref).tag;
}

/** True when an image reference is pinned: a sha256 digest, or a version tag such as `1.4.2` or `v2.3`. */
export function isPinnedImage(ref: string): boolean {
  const parsed = parseImage(ref);
  return hasDigest(parsed) || isVersionTag(parsed.tag);
}

/**
 * The digest a stack file carries where the real one is not known yet (an example's fictional
 * registry): all zeros, which no manifest hashes to. `platform pin-images` resolves the tag and
 * replaces it; a node would fail to pull it, never pull something else.
 */
export const PLACEHOLDER_DIGEST = `sha256:${"0".repeat(64)}`;

/** True when a reference names a sha256 digest (`repo@sha256:...` or `repo:tag@sha256:...`). */
export function isDigestPinned(ref: string): boolean {
  return hasDigest(parseImage(ref));
}
