import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../../foundation/labels";
import { MONITORING_LABEL } from "../contract";
import { buildRuleGroups, duplicateAlertNames } from "./catalogue";
import type { AlertRulesConfig, RuleGroup } from "./types";

/** Arguments of {@link AlertRules}. */
export interface AlertRulesArgs {
  /** The slice of stack config the rules read: services and their SLOs, thresholds, backups, timeScale. */
  readonly config: AlertRulesConfig;
  /** Namespace of the PrometheusRule objects. @default config.namespaces.monitoring */
  readonly namespace?: pulumi.Input<string>;
  /**
   * The resource that installs the monitoring.coreos.com CRDs (the kube-prometheus-stack
   * chart); the PrometheusRule objects wait for it. @default none (the CRDs already exist)
   */
  readonly crds?: pulumi.Resource;
}

/** The PrometheusRule object of one rule group (pure). */
export function prometheusRuleObject(group: RuleGroup, environment: string) {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: group.name,
      labels: { ...standardLabels({ environment, component: "alerting", name: group.name }), ...MONITORING_LABEL },
    },
    spec: { groups: [group] },
  };
}

/**
 * The platform's alert and recording rules: one PrometheusRule per rule group, labelled so that
 * the Prometheus of the monitoring stack selects them.
 */
export class AlertRules extends pulumi.ComponentResource {
  /** Names of the rule groups (and of their PrometheusRule objects). */
  readonly groupNames: string[];

  constructor(name: string, args: AlertRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:monitoring:AlertRules", name, {}, opts);
    const built = buildRuleGroups(args.config);
    const duplicates = duplicateAlertNames(built);
    if (duplicates.length > 0) {
      throw new pulumi.ResourceError(`alert names (${duplicates.join(", ")}) are defined by more than one rule: rename one of each`, this);
    }
    const namespace = args.namespace ?? args.config.namespaces.monitoring;
    this.groupNames = built.map((b) => b.group.name);
    for (const b of built) {
      const obj = prometheusRuleObject(b.group, args.config.environment);
      new k8s.apiextensions.CustomResource(
        `${name}-${b.group.name}`,
        { ...obj, metadata: { ...obj.metadata, namespace } },
        { parent: this, ...(args.crds ? { dependsOn: [args.crds] } : {}) },
      );
    }
    this.registerOutputs({ groupNames: this.groupNames });
  }
}
