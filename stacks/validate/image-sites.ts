// Where the stack's own images are set: each service's colours and migration image, and
// backup.image. The rules that look at every such image (allowed registries, placeholder digests)
// read them from here, each at its config path.

/** The part of the resolved config that holds the stack's own images. */
export interface ImageView {
  readonly services: readonly {
    readonly image: Readonly<Partial<Record<"blue" | "green", string>>>;
    readonly migration?: { readonly image?: string };
  }[];
  readonly backup: { readonly image?: string };
}

/** Every image the stack's config sets for its own workloads, at its config path (unset ones left out). */
export function ownImageSites(config: ImageView): [path: (string | number)[], ref: string][] {
  const sites: [(string | number)[], string | undefined][] = [];
  config.services.forEach((s, i) => {
    sites.push([["services", i, "image", "blue"], s.image.blue], [["services", i, "image", "green"], s.image.green]);
    sites.push([["services", i, "migration", "image"], s.migration?.image]);
  });
  sites.push([["backup", "image"], config.backup.image]);
  return sites.filter((site): site is [(string | number)[], string] => site[1] !== undefined);
}
