import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "./service-spec";
import type { Environment } from "../../lib/environment";
import { COLORS, otherColor, type Color } from "../../lib/colors";
import { colorLabels, roleLabels, roleServiceName, serviceLabels, type ServiceRole } from "./labels";
import { ingressAnnotations, ingressSpec, networkPolicySpec, serviceSpec } from "./network";
import { deploymentSpec } from "./pod";
import { ServiceImage, type ImageRegistry } from "./service-image";
import { settingsConfigMapName } from "./settings";
import { hpaSpec, pdbSpec, planColors, type ColorPlan } from "./sizing";

/**
 * Deployment annotation naming the colour's role ("active" or "preview"). It changes on every
 * flip, which makes Pulumi update and await both Deployments before the Services move.
 */
export const SERVING_ROLE_ANNOTATION = "app-platform/serving-role";

/** Problems with a service's component arguments (config-level rules live in stacks/config-rules.ts). */
export function blueGreenArgsProblems(args: Pick<BlueGreenServiceArgs, "service" | "imageRegistry">): string[] {
  const s = args.service;
  const out: string[] = [];
  for (const color of COLORS) {
    if (s.image[color] === undefined && s.build?.color !== color) {
      out.push(`service.image.${color} (unset) is required: give an image reference or build that colour`);
    }
  }
  if (s.build && !args.imageRegistry) {
    out.push(`imageRegistry (unset) is required because service.build.color is "${s.build.color}": the built image must be pushed somewhere the cluster can pull from`);
  }
  if (s.replicas.min > s.replicas.max) {
    out.push(`service.replicas.min (${s.replicas.min}) must be <= service.replicas.max (${s.replicas.max})`);
  }
  return out;
}

/** Arguments of {@link BlueGreenService}. */
export interface BlueGreenServiceArgs {
  /** Environment; labels every object and picks the topology spread strictness. */
  readonly environment: Environment;
  /** The service, every default applied (see `resolveService`). */
  readonly service: ServiceConfig;
  /** Namespace the service runs in. */
  readonly namespace: pulumi.Input<string>;
  /** Namespace of the ingress controller, admitted to the HTTP port. @default "ingress-nginx" */
  readonly ingressControllerNamespace?: string;
  /** Namespace of Prometheus, admitted to the metrics port. @default "monitoring" */
  readonly monitoringNamespace?: string;
  /** Where a `service.build` is pushed; required when the service builds its image. @default undefined */
  readonly imageRegistry?: ImageRegistry;
  /** Folder that `service.build.context` is relative to. @default the process's working directory */
  readonly buildRoot?: string;
  /**
   * What the idle colour's Deployment, HPA and PDB wait for besides the active Service: the
   * objects that carry traffic to the service outside its Services, e.g. a canary router's
   * HTTPRoute or Ingress when it gives the idle colour no weight, so that in a flip the old
   * colour shrinks only after the weights moved off it. Elements may be promises of resources
   * created after this component (the router waits for the active colour). @default none
   */
  readonly idleDependsOn?: readonly pulumi.Input<pulumi.Resource>[];
}

/**
 * One application service with blue-green releases and no controller in the cluster.
 *
 * Two Deployments, `<service>-blue` and `<service>-green`, each with its HPA and PDB; the
 * Service `<service>` selects the active colour and `<service>-preview` the other, each with an
 * optional Ingress. Flipping `activeColor` moves both selectors (the release); flipping back
 * is the instant rollback, because the old colour is still running. Pods, ServiceAccount,
 * ConfigMap and NetworkPolicy do not depend on the active colour; only the HPAs (idle size,
 * the hold of a release), the Deployments' role annotation and, for a colour scaled to 0, the
 * Deployment's `replicas` do (see {@link planColors}).
 *
 * A flip is gated on readiness within one `pulumi up`: each Service depends on the
 * Deployment, HPA and PDB of the colour it selects, and the role annotation makes Pulumi
 * update and await that Deployment (rollout complete, replicas Ready) first; the idle colour's
 * objects depend on the active Service, so the old colour shrinks only after the selector
 * moved. With the hold `platform promote` writes (`promotion.prescale`) the target already runs
 * the serving size, so the selector moves onto a warm colour, and the old colour keeps that
 * size through the warm window for a rollback in one update.
 */
export class BlueGreenService extends pulumi.ComponentResource {
  /** Kubernetes name of the Service taking production traffic. */
  readonly activeServiceName: string;
  /** Kubernetes name of the Service reaching the idle colour. */
  readonly previewServiceName: string;
  /** Size plan per colour. */
  readonly plans: Record<Color, ColorPlan>;
  /** Deployments by colour. */
  readonly deployments: Record<Color, k8s.apps.v1.Deployment>;
  /** The image each colour runs (the built image's reference for the built colour). */
  readonly images: Record<Color, pulumi.Input<string>>;

  constructor(name: string, args: BlueGreenServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:app:BlueGreenService", name, {}, opts);
    const problems = blueGreenArgsProblems(args);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(`BlueGreenService ${name}: ${problems.join("; ")}`, this);
    }
    const s = args.service;
    const env = args.environment;
    const namespace = args.namespace;
    this.plans = planColors(s);
    this.activeServiceName = roleServiceName(s.name, "active");
    this.previewServiceName = roleServiceName(s.name, "preview");

    const built = s.build
      ? new ServiceImage(
          `${name}-image`,
          {
            environment: env,
            service: s.name,
            context: s.build.context,
            dockerfile: s.build.dockerfile,
            tag: s.build.tag,
            registry: args.imageRegistry as ImageRegistry,
            rootDir: args.buildRoot,
          },
          { parent: this },
        )
      : undefined;

    const account = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        metadata: { name: s.name, namespace, labels: serviceLabels(env, s.name) },
        // Most services never call the Kubernetes API: no token unless they ask.
        automountServiceAccountToken: s.automountServiceAccountToken,
      },
      { parent: this },
    );

    const settings =
      Object.keys(s.settings).length > 0
        ? new k8s.core.v1.ConfigMap(
            `${name}-settings`,
            { metadata: { name: settingsConfigMapName(s.name), namespace, labels: serviceLabels(env, s.name) }, data: { ...s.settings } },
            { parent: this },
          )
        : undefined;

    new k8s.networking.v1.NetworkPolicy(
      `${name}-netpol`,
      {
        metadata: { name: s.name, namespace, labels: serviceLabels(env, s.name) },
        spec: networkPolicySpec(s, {
          ingressControllerNamespace: args.ingressControllerNamespace ?? "ingress-nginx",
          monitoringNamespace: args.monitoringNamespace ?? "monitoring",
        }) as unknown as k8s.types.input.networking.v1.NetworkPolicySpec,
      },
      { parent: this },
    );

    this.deployments = {} as Record<Color, k8s.apps.v1.Deployment>;
    this.images = { blue: s.image.blue as string, green: s.image.green as string };
    if (s.build && built) this.images[s.build.color] = built.ref;
    // What a Service of a colour must wait for: the Deployment (Pulumi awaits its rollout and
    // Ready replicas) and the HPA and PDB that hold its size.
    const gates = {} as Record<Color, pulumi.Resource[]>;
    const colour = (color: Color, after: pulumi.Input<pulumi.Resource>[]): void => {
      const plan = this.plans[color];
      const deploymentName = `${s.name}-${color}`;
      const image = this.images[color];
      const deployment = new k8s.apps.v1.Deployment(
        `${name}-${color}`,
        {
          metadata: {
            name: deploymentName,
            namespace,
            labels: colorLabels(env, s.name, color),
            // Changes on every flip, so that Pulumi updates both Deployments and awaits each
            // one Ready again (a Deployment without a diff is not awaited) before the Services
            // that depend on them move. Metadata only: the pods are not restarted.
            annotations: { [SERVING_ROLE_ANNOTATION]: plan.role },
          },
          spec: deploymentSpec({ environment: env, service: s, plan, image, serviceAccountName: s.name }) as unknown as k8s.types.input.apps.v1.DeploymentSpec,
        },
        { parent: this, dependsOn: [account, ...(settings ? [settings] : []), ...after] },
      );
      this.deployments[color] = deployment;
      gates[color] = [deployment];

      const hpa = hpaSpec(s, plan, deploymentName);
      if (hpa) {
        gates[color].push(new k8s.autoscaling.v2.HorizontalPodAutoscaler(
          `${name}-hpa-${color}`,
          { metadata: { name: deploymentName, namespace, labels: colorLabels(env, s.name, color) }, spec: hpa as unknown as k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec },
          { parent: deployment, dependsOn: after },
        ));
      }
      const pdb = pdbSpec(s.name, plan);
      if (pdb) {
        gates[color].push(new k8s.policy.v1.PodDisruptionBudget(
          `${name}-pdb-${color}`,
          { metadata: { name: deploymentName, namespace, labels: colorLabels(env, s.name, color) }, spec: pdb as unknown as k8s.types.input.policy.v1.PodDisruptionBudgetSpec },
          { parent: deployment, dependsOn: after },
        ));
      }
    };

    const roleService = (role: ServiceRole): k8s.core.v1.Service => {
      const kubeName = roleServiceName(s.name, role);
      // The release gate: a selector moves only after the colour it selects has rolled out and
      // is Ready at its size. If that colour's rollout fails, Pulumi does not update what
      // depends on it, so traffic stays where it was.
      const selected = role === "active" ? s.activeColor : otherColor(s.activeColor);
      const service = new k8s.core.v1.Service(
        `${name}-service-${role}`,
        { metadata: { name: kubeName, namespace, labels: roleLabels(env, s.name, role) }, spec: serviceSpec(s, role) as unknown as k8s.types.input.core.v1.ServiceSpec },
        { parent: this, dependsOn: gates[selected] },
      );
      const ingress = ingressSpec(s, role);
      if (ingress) {
        new k8s.networking.v1.Ingress(
          `${name}-ingress-${role}`,
          {
            metadata: { name: kubeName, namespace, labels: roleLabels(env, s.name, role), annotations: ingressAnnotations(s, role) },
            spec: ingress as unknown as k8s.types.input.networking.v1.IngressSpec,
          },
          { parent: service },
        );
      }
      return service;
    };

    // The active colour and the Service that selects it first; the idle colour's objects wait for
    // that Service. In a flip, Pulumi then moves the selector onto the new colour (Ready at its
    // size) before it shrinks or parks the old one, and not at all when the new colour's rollout
    // failed: the old colour keeps serving at its size.
    // With a canary router that gives it no weight, the idle colour also waits for the route
    // (`idleDependsOn`): a hand flip moves the weights off the old colour before it shrinks.
    const idle = otherColor(s.activeColor);
    colour(s.activeColor, []);
    const active = roleService("active");
    colour(idle, [active, ...(args.idleDependsOn ?? [])]);
    roleService("preview");

    this.registerOutputs({
      activeServiceName: this.activeServiceName,
      previewServiceName: this.previewServiceName,
      activeColor: s.activeColor,
    });
  }
}
