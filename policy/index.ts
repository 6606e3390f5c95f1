// The policy pack as the Pulumi CLI runs it:
//   pulumi preview --policy-pack policy --policy-pack-config policy/config/<stack>.json
// This is the only module that constructs a PolicyPack: construction starts the gRPC server
// the CLI talks to, so the offline runner (tools/policy) loads policy/policies instead.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME } from "./lib/policy";
import { createPolicies } from "./policies";

new PolicyPack(PACK_NAME, {
  description: "Guardrails of app-platform: Kubernetes workloads, AWS storage and identity, monitoring coverage.",
  // Strict unless the stack's config file says otherwise (dev advisory, staging mixed).
  enforcementLevel: "mandatory",
  policies: createPolicies(),
});
