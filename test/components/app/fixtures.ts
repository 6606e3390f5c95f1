// A resolved service as the loader produces it, built through the real resolver so that tests
// follow the defaults instead of restating them.
import { resolveService, type ServiceConfig } from "../../../stacks/resolve";
import type { Environment } from "../../../lib/environment";
import { ENVIRONMENT_DEFAULTS } from "../../../stacks/schema/defaults";
import type { ServiceConfigInput } from "../../../stacks/schema/services";

/** The input of a typical service; `edit` changes a fresh copy. */
export function serviceInput(edit: (s: any) => void = () => {}): ServiceConfigInput {
  const s: any = {
    name: "web",
    activeColor: "blue",
    image: { blue: "ghcr.io/org/web:1.4.2", green: "ghcr.io/org/web:1.4.2" },
    port: 8080,
    replicas: { min: 2, max: 6 },
    probes: { readiness: { path: "/readyz" }, liveness: { path: "/healthz" } },
  };
  edit(s);
  return s as ServiceConfigInput;
}

/** The service resolved with an environment's defaults. */
export function resolved(env: Environment, edit?: (s: any) => void): ServiceConfig {
  return resolveService(serviceInput(edit), env, ENVIRONMENT_DEFAULTS[env]);
}
