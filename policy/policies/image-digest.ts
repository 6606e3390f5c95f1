import type { EnforcementLevel, ResourceValidation } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, objectKey, validateResourceOfToken, type PlatformPolicy } from "../lib/policy";
import { hasDigest, parseImage } from "../lib/images";
import { allContainers, containerLabel, validateWorkloads, type Container } from "../lib/workloads";

/** prometheus-operator's flag naming the config-reloader image it adds to every Prometheus and Alertmanager pod. */
const RELOADER_FLAG = "--prometheus-config-reloader=";

/** The operator's custom resources whose `spec.image` (and container overrides) become pods. */
const OPERATOR_RESOURCES: Record<string, string> = {
  "kubernetes:monitoring.coreos.com/v1:Prometheus": "Prometheus",
  "kubernetes:monitoring.coreos.com/v1:Alertmanager": "Alertmanager",
  "kubernetes:monitoring.coreos.com/v1:ThanosRuler": "ThanosRuler",
  "kubernetes:monitoring.coreos.com/v1alpha1:PrometheusAgent": "PrometheusAgent",
};

/** The reference without its digest part, for the fix: `repo:tag@sha256:<digest>`. */
const pinned = (image: string): string => `${image.split("@")[0]}@sha256:<digest>`;

/** Why a tag is not enough, and the fix, for one image reference. */
function unpinned(what: string, image: string): string | undefined {
  if (hasDigest(parseImage(image))) return undefined;
  return `${what} "${image}", which names no digest: a tag can be moved or re-pushed, so the same name can run different code on different nodes and a rollback may not restore what ran; pin "${pinned(image)}".`;
}

/**
 * Every image runs by digest (`repo[:tag]@sha256:<64 hex>`): the containers and init containers
 * of every workload, the config-reloader image prometheus-operator injects (its
 * `--prometheus-config-reloader` flag), and the images of the operator's Prometheus,
 * Alertmanager, ThanosRuler and PrometheusAgent resources, which become StatefulSets only in
 * the cluster. Stricter than pinned-images, which accepts a version tag.
 */
export function imageDigest(enforcementLevel: EnforcementLevel = DEFAULT_ENFORCEMENT): PlatformPolicy {
  const operatorResources: ResourceValidation[] = Object.entries(OPERATOR_RESOURCES).map(([token, kind]) =>
    validateResourceOfToken<{ metadata?: { name?: string; namespace?: string }; spec?: { image?: string; containers?: Container[]; initContainers?: Container[] } }>(
      token,
      (props, args, report) => {
        const who = `${kind} ${objectKey(props, args.name)}`;
        const spec = props.spec ?? {};
        if (spec.image === undefined) {
          report(`${who} sets no spec.image: the operator then runs its built-in default by tag, which changes with the operator; set spec.image to "<image>:<tag>@sha256:<digest>".`);
        } else {
          const m = unpinned(`${who} runs spec.image`, spec.image);
          if (m) report(m);
        }
        for (const c of allContainers({ containers: spec.containers ?? [], initContainers: spec.initContainers ?? [] })) {
          // A container override without an image patches the operator's own container (its image stays spec.image).
          if (c.container.image === undefined) continue;
          const m = unpinned(`${who} ${containerLabel(c)} runs`, c.container.image);
          if (m) report(m);
        }
      },
    ),
  );
  return {
    name: "image-digest",
    description: "Every container image, including the operator's and its custom resources', is pinned by digest.",
    severity: "high",
    enforcementLevel,
    remediationSteps: 'Use "repo:tag@sha256:<digest>"; `platform pin-images <stack>` resolves a service\'s tags where the registry is reachable.',
    validateResource: [
      ...validateWorkloads((w, _args, report) => {
        for (const c of allContainers(w.pod)) {
          const image = c.container.image;
          if (image !== undefined) {
            const m = unpinned(`${containerLabel(c)} runs`, image);
            if (m) report(m);
          }
          for (const arg of (c.container.args ?? []) as string[]) {
            if (typeof arg !== "string" || !arg.startsWith(RELOADER_FLAG)) continue;
            const m = unpinned(`${containerLabel(c)} has prometheus-operator add, to every Prometheus and Alertmanager pod,`, arg.slice(RELOADER_FLAG.length));
            if (m) report(m);
          }
        }
      }),
      ...operatorResources,
    ],
  };
}
