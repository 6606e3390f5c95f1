/** The platform's namespaces and their guard rails, every default applied (stack config `namespaces`). */
export interface NamespacesSpec {
  readonly apps: string;
  readonly monitoring: string;
  readonly backup: string;
  /** Namespace of host-level agents (node-exporter), Pod Security privileged. */
  readonly hostAgents: string;
  readonly ingressController: string;
  readonly podSecurity: "baseline" | "restricted";
  readonly quota: { readonly cpu: string; readonly memory: string; readonly pods: number };
  readonly containerDefaults: { readonly cpuRequest: string; readonly memoryRequest: string; readonly cpuLimit: string; readonly memoryLimit: string };
}
