import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";
import { Foundation } from "../components/foundation";

/** What a stack exports. */
export interface Platform {
  readonly outputs: Record<string, pulumi.Input<unknown>>;
}

/**
 * Composes the platform of one environment from its components. Each component owns one
 * capability; the order of creation follows the data flow (namespaces first).
 */
export function createPlatform(config: PlatformConfig): Platform {
  const foundation = new Foundation("platform", { environment: config.environment, namespaces: config.namespaces });

  return {
    outputs: {
      environment: config.environment,
      namespaces: foundation.namespaceNames,
    },
  };
}
