// Pulumi entry point: load and validate the stack's config, build the platform, export outputs.
// A function, so that nothing is created at import time (tests and the offline renderer set
// Pulumi's mocks up first).
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { ConfigError, loadPlatformConfig } from "./config";
import { placeholderDigests } from "./validate/placeholder-digests";
import { createPlatform } from "./platform";

export = async (): Promise<Record<string, unknown>> => {
  const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };
  const raw = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(raw).filter((k) => runtime.isConfigSecret(k)));
  try {
    const config = loadPlatformConfig(raw, secretKeys, pulumi.getStack());
    // Offline (Pulumi's mocks: `platform render|check|diff`) a placeholder digest only warns; a
    // real preview or update stops before anything is planned.
    if (!(pulumi.runtime.getMonitor() instanceof MockMonitor)) {
      const placeholders = placeholderDigests(config, pulumi.getStack());
      if (placeholders.length > 0) throw new ConfigError(placeholders, pulumi.getStack());
    }
    return createPlatform(config).outputs;
  } catch (e) {
    // RunError prints the message alone: every config problem, no stack trace.
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
};
