// Defers two heavy dependencies that @pulumi/pulumi loads eagerly but an offline render never
// uses: the TypeScript compiler (function serialization, for dynamic providers and callbacks)
// and @npmcli/arborist (package discovery for serialized closures). Together they are about
// 1 s of a 2 s render on a 2-core machine. Each request from inside @pulumi/pulumi gets a
// proxy that loads the real module on first use, so nothing breaks if a program does use them.
// Must be imported before @pulumi/pulumi.
import Module from "node:module";
import * as path from "node:path";

/** Packages deferred when @pulumi/pulumi requires them. */
export const DEFERRED = ["typescript", "@npmcli/arborist"] as const;

const PULUMI_DIR = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;

/** A stand-in that loads `load()` on first access and forwards everything to it. */
export function lazyModule(load: () => object): object {
  let real: object | undefined;
  const target = (): object => (real ??= load());
  return new Proxy(Object.create(null), {
    // Reading __esModule must not load the module: TypeScript's __importStar helper asks it at
    // import time. Reporting true makes the helper return this proxy as it is.
    get: (_, key) => (key === "__esModule" && real === undefined ? true : Reflect.get(target(), key)),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => {
      // tsx's require hook probes every loaded module for a "module.exports" getter (its ESM
      // interop), and helpers probe __esModule: answer both without loading.
      if (real === undefined && key === "module.exports") return undefined;
      if (real === undefined && key === "__esModule") return { value: true, configurable: true, enumerable: false, writable: false };
      const d = Reflect.getOwnPropertyDescriptor(target(), key);
      return d && { ...d, configurable: true };
    },
    set: (_, key, value) => Reflect.set(target(), key, value),
  });
}

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load & { deferred?: true } };

if (!loader._load.deferred) {
  const original = loader._load;
  const deferred: Load & { deferred?: true } = function (this: unknown, request, parent, isMain) {
    if ((DEFERRED as readonly string[]).includes(request) && parent?.filename?.includes(PULUMI_DIR)) {
      return lazyModule(() => original.call(this, request, parent, isMain) as object);
    }
    return original.call(this, request, parent, isMain);
  };
  deferred.deferred = true;
  loader._load = deferred;
}
