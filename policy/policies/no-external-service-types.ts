import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type EnforcementLevel } from "@pulumi/policy";
import { configSchema, DEFAULT_ENFORCEMENT, objectKey, type PlatformPolicy } from "../lib/policy";

/** Config of {@link noExternalServiceTypes}. */
export interface NoExternalServiceTypesConfig {
  /** Services (`namespace/name`) allowed to be LoadBalancer or NodePort, e.g. the ingress controller. @default [] */
  readonly allowedServices: readonly string[];
}

/** Services stay inside the cluster; traffic enters through the Ingress controller. */
export function noExternalServiceTypes(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT, defaults: Partial<NoExternalServiceTypesConfig> = {}): PlatformPolicy {
  return {
    name: "no-external-service-types",
    description: "Services are not LoadBalancer or NodePort unless allow-listed.",
    severity: "high",
    enforcementLevel,
    remediationSteps: "Use type ClusterIP and expose the service through an Ingress, or allow-list it in the policy config.",
    configSchema: configSchema<NoExternalServiceTypesConfig>({ allowedServices: { type: "array", items: { type: "string" } } }, { allowedServices: [] }, defaults),
    validateResource: validateResourceOfType(k8s.core.v1.Service, (svc, args, report) => {
      const type = svc.spec?.type;
      if (type !== "LoadBalancer" && type !== "NodePort") return;
      const key = objectKey(svc as never, args.name);
      if (args.getConfig<NoExternalServiceTypesConfig>().allowedServices?.includes(key)) return;
      report(`Service ${key} is of type ${type}: it opens a port outside the cluster that bypasses the Ingress (TLS, auth, rate limits) and costs a cloud load balancer; use ClusterIP behind an Ingress, or allow-list it in no-external-service-types.allowedServices.`);
    }),
  };
}
