// Defers heavy modules that the Pulumi SDKs load eagerly but an offline render rarely uses:
// the TypeScript compiler and @npmcli/arborist inside @pulumi/pulumi (function serialization,
// for dynamic providers and callbacks), and the service namespaces of the provider SDKs' index
// files. Together they were about 1 s of a 2.5 s render on a 2-core machine. Each such request
// gets a proxy that loads the real module on first use, so nothing breaks when one is used.
// Must be imported before @pulumi/pulumi.
import Module from "node:module";
import * as path from "node:path";

/**
 * Packages deferred when @pulumi/pulumi requires them: closure serialization (typescript,
 * arborist, fdir, normalize-package-data, upath), the Automation API (execa, tmp, js-yaml) and
 * the engine connection (gRPC, OpenTelemetry), which the mock monitor replaces.
 */
export const DEFERRED = [
  "typescript",
  "@npmcli/arborist",
  "fdir",
  "normalize-package-data",
  "upath",
  "execa",
  "tmp",
  "js-yaml",
  "@opentelemetry/api",
] as const;

/**
 * Provider SDKs whose index eagerly requires every service namespace (@pulumi/aws: about 250,
 * 0.3-0.7 s here) although a program uses a handful. Their namespaces load on first use.
 */
export const DEFERRED_NAMESPACES = ["@pulumi/aws", "@pulumi/kubernetes"] as const;

const PULUMI_DIR = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;
const SDK_INDEXES = DEFERRED_NAMESPACES.map((p) => `${path.sep}node_modules${path.sep}${p.replace("/", path.sep)}${path.sep}index.js`);
// The SDK's own plumbing stays eager: the index uses it while it loads.
const NAMESPACE_REQUEST = /^\.\/(?!utilities$|provider$)[a-z0-9]+$/;

function isDeferred(request: string, parent: string | undefined): boolean {
  if (!parent) return false;
  if ((DEFERRED as readonly string[]).includes(request)) return parent.includes(PULUMI_DIR);
  return NAMESPACE_REQUEST.test(request) && SDK_INDEXES.some((index) => parent.endsWith(index));
}

/** A stand-in that loads `load()` on first access and forwards everything to it. */
export function lazyModule(load: () => object): object {
  let real: object | undefined;
  const target = (): object => (real ??= load());
  return new Proxy(Object.create(null), {
    // Reading __esModule must not load the module: TypeScript's __importStar helper asks it at
    // import time. Reporting true makes the helper return this proxy as it is.
    get: (_, key) => {
      if (key === "__esModule" && real === undefined) return true;
      const module = target() as Record<PropertyKey, unknown>;
      // Having claimed __esModule, `default` must still mean what __importDefault expects:
      // the module itself when it is CommonJS.
      if (key === "default" && !module.__esModule) return module;
      return Reflect.get(module, key);
    },
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
    if (isDeferred(request, parent?.filename)) {
      return lazyModule(() => original.call(this, request, parent, isMain) as object);
    }
    return original.call(this, request, parent, isMain);
  };
  deferred.deferred = true;
  loader._load = deferred;
}
