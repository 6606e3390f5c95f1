import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createPolicies, POLICY_FACTORIES } from "../../policy/policies";
import * as P from "../../policy/policies";
import type { RenderedResource } from "../../tools/render/mock-runtime";
import { runPolicyPack } from "../../tools/policy";
import { IMAGE_DIGEST_CASES } from "./image-digest-cases";
import { backupCronJob, compliantStack, find, messagesOf, rec, urn, violationsOf, webDeployment, type PolicyCase } from "./fixtures";

type Case = PolicyCase;

const web = webDeployment;
const webPod = (rs: RenderedResource[]) => web(rs).spec.template.spec;
const app = (rs: RenderedResource[]) => webPod(rs).containers[0];
const cron = backupCronJob;
const DEPLOY = urn("kubernetes:apps/v1:Deployment", "web-blue");
const BUCKET = urn("aws:s3/bucket:Bucket", "backups");
const RULES = urn("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "web-rules");
const remove = (rs: RenderedResource[], name: string) => rs.splice(rs.findIndex((r) => r.name === name), 1);

const CASES: Case[] = [
  {
    policy: P.containerResources(),
    fault: "a container without a memory limit and CPU request",
    mutate: (rs) => {
      delete app(rs).resources.limits;
      delete app(rs).resources.requests.cpu;
    },
    messages: [
      'container "app" has no resources.requests.cpu, resources.limits.memory: without requests the scheduler cannot place the pod fairly and the HPA cannot compute utilization, and without a memory limit one pod can exhaust its node; set resources.requests.cpu and resources.limits.memory.',
    ],
    urn: DEPLOY,
  },
  {
    policy: P.containerProbes(),
    fault: "a container without a liveness probe",
    mutate: (rs) => delete app(rs).livenessProbe,
    messages: ['container "app" has no livenessProbe: without readiness a starting or overloaded pod gets traffic, without liveness a hung pod is never restarted; add livenessProbe.'],
  },
  {
    policy: P.readinessDiffersFromLiveness(),
    fault: "readiness and liveness on the same endpoint",
    mutate: (rs) => (app(rs).readinessProbe = { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 5 }),
    messages: ['container "app" uses the same check (http 8080 /healthz) for readiness and liveness: an overloaded pod would be restarted instead of taken out of rotation; give readinessProbe its own endpoint.'],
  },
  {
    policy: P.runAsNonRoot(),
    fault: "a container running as root",
    mutate: (rs) => {
      app(rs).securityContext.runAsUser = 0;
      delete app(rs).securityContext.runAsNonRoot;
    },
    messages: ['container "app" runs as user 0 (root): a container escape would be root on the node; set runAsUser to a non-zero id and runAsNonRoot: true.'],
  },
  {
    policy: P.runAsNonRoot(),
    fault: "no runAsNonRoot anywhere",
    mutate: (rs) => {
      delete app(rs).securityContext.runAsNonRoot;
      delete webPod(rs).securityContext.runAsNonRoot;
      delete webPod(rs).securityContext.runAsUser;
    },
    messages: ['container "app" does not set runAsNonRoot: true: an image that defaults to root would run as root; set securityContext.runAsNonRoot: true on the pod or the container.'],
  },
  {
    policy: P.readOnlyRootFilesystem(),
    fault: "a writable root filesystem",
    mutate: (rs) => (app(rs).securityContext.readOnlyRootFilesystem = false),
    messages: ['container "app" can write to its root filesystem: an attacker can drop tools or alter binaries; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir for scratch space.'],
  },
  {
    policy: P.dropAllCapabilities(),
    fault: "capabilities kept and added",
    mutate: (rs) => (app(rs).securityContext.capabilities = { drop: ["NET_RAW"], add: ["SYS_ADMIN", "NET_BIND_SERVICE"] }),
    messages: [
      'container "app" does not drop all capabilities: the runtime\'s defaults (e.g. NET_RAW) stay available to an attacker; set securityContext.capabilities.drop: ["ALL"].',
      'container "app" adds capabilities SYS_ADMIN: only NET_BIND_SERVICE is allowed; remove them from securityContext.capabilities.add.',
    ],
  },
  {
    policy: P.noPrivilegeEscalation(),
    fault: "a privileged init container that may escalate",
    mutate: (rs) => (webPod(rs).initContainers = [{ ...app(rs), name: "setup", securityContext: { ...app(rs).securityContext, privileged: true, allowPrivilegeEscalation: true } }]),
    messages: [
      'init container "setup" is privileged: it has every capability and access to the node\'s devices; remove securityContext.privileged.',
      'init container "setup" allows privilege escalation: a setuid binary could make the process root; set securityContext.allowPrivilegeEscalation: false.',
    ],
  },
  {
    policy: P.noHostNamespaces(),
    fault: "host network and PID",
    mutate: (rs) => Object.assign(webPod(rs), { hostNetwork: true, hostPID: true }),
    messages: ["Deployment apps/web-blue sets hostNetwork, hostPID: the pod can see and reach the node's processes and network; remove hostNetwork, hostPID or allow-list the workload in no-host-namespaces.allowedWorkloads."],
  },
  {
    policy: P.noHostPorts(),
    fault: "a hostPort",
    mutate: (rs) => (app(rs).ports[0].hostPort = 8080),
    messages: ['container "app" binds hostPort 8080: it bypasses NetworkPolicies and limits the pod to one per node; remove hostPort and use a Service.'],
  },
  {
    policy: P.noHostPathVolumes(),
    fault: "a hostPath volume",
    mutate: (rs) => (webPod(rs).volumes = [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }]),
    messages: ['Deployment apps/web-blue mounts volume "docker" from the node\'s /var/run/docker.sock: it can read or change the node\'s files; use an emptyDir, ConfigMap, Secret or PVC instead.'],
  },
  {
    policy: P.seccompRuntimeDefault(),
    fault: "an Unconfined seccomp profile",
    mutate: (rs) => (app(rs).securityContext.seccompProfile = { type: "Unconfined" }),
    messages: ['container "app" runs with seccomp profile "Unconfined": every system call is open to an exploit; set securityContext.seccompProfile.type: RuntimeDefault on the pod.'],
  },
  {
    policy: P.noLatestImage(),
    fault: "an untagged image",
    mutate: (rs) => (app(rs).image = "ghcr.io/org/web"),
    messages: ['container "app" runs "ghcr.io/org/web", which has no tag and so means "latest": every node may pull a different image and a rollback restores nothing; pin a version tag or a digest.'],
  },
  {
    policy: P.noLatestImage(),
    fault: "the latest tag on a CronJob",
    mutate: (rs) => (cron(rs).spec.jobTemplate.spec.template.spec.containers[0].image = "ghcr.io/org/web:latest"),
    messages: ['container "app" runs "ghcr.io/org/web:latest", which uses the "latest" tag: every node may pull a different image and a rollback restores nothing; pin a version tag or a digest.'],
    urn: urn("kubernetes:batch/v1:CronJob", "backup"),
  },
  {
    policy: P.pinnedImages(),
    fault: "a moving tag",
    mutate: (rs) => (app(rs).image = "ghcr.io/org/web:stable"),
    messages: ['container "app" runs "ghcr.io/org/web:stable", which is not pinned: a moving tag can change what runs without a deployment; use a digest ("@sha256:...") or a version tag such as "1.4.2".'],
  },
  {
    policy: P.allowedRegistries(),
    fault: "an image from Docker Hub",
    mutate: (rs) => (app(rs).image = "bitnami/redis:7.4.2"),
    messages: ['container "app" pulls "bitnami/redis:7.4.2" from docker.io, which is not an allowed registry (ghcr.io, quay.io, registry.k8s.io, *.dkr.ecr.*.amazonaws.com): unvetted registries are a supply-chain risk; mirror the image or add the registry to allowed-registries.registries.'],
  },
  {
    policy: P.hpaTargetWithoutReplicas(),
    fault: "spec.replicas on an HPA target",
    mutate: (rs) => (web(rs).spec.replicas = 3),
    messages: ["Deployment apps/web-blue sets spec.replicas (3) but HorizontalPodAutoscaler apps/web-blue scales it: each update would reset the replica count the HPA chose; remove spec.replicas and let minReplicas set the floor."],
    urn: DEPLOY,
  },
  {
    policy: P.hpaWorkloadHasPdb(),
    fault: "no PodDisruptionBudget",
    mutate: (rs) => rs.splice(rs.findIndex((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget"), 1),
    messages: ["Deployment apps/web-blue is scaled by HorizontalPodAutoscaler apps/web-blue but no PodDisruptionBudget selects its pods: a node drain may evict all of them at once; add a PodDisruptionBudget with maxUnavailable: 1 selecting its pod labels."],
    urn: DEPLOY,
  },
  {
    policy: P.hpaWorkloadHasPdb(),
    fault: "a PDB that blocks drains at the HPA minimum",
    mutate: (rs) => (find(rs, "web-blue", "kubernetes:policy/v1:PodDisruptionBudget").spec = { minAvailable: 2, selector: { matchLabels: { "app.kubernetes.io/name": "web" } } }),
    messages: ["PodDisruptionBudget apps/web-blue (minAvailable 2) allows no eviction when Deployment apps/web-blue runs at the HPA minimum of 2: node drains and upgrades would hang; use maxUnavailable: 1 or a minAvailable below 2."],
    urn: urn("kubernetes:policy/v1:PodDisruptionBudget", "web-blue"),
  },
  {
    policy: P.minReplicas(),
    fault: "an HPA minimum of 1",
    mutate: (rs) => (find(rs, "web-blue", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").spec.minReplicas = 1),
    messages: ["HorizontalPodAutoscaler apps/web-blue has minReplicas 1, below the minimum of 2: one failed or evicted pod would take Deployment apps/web-blue down; set minReplicas to at least 2."],
    urn: urn("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web-blue"),
  },
  {
    policy: P.topologySpread(),
    fault: "no topology spread",
    mutate: (rs) => delete webPod(rs).topologySpreadConstraints,
    messages: ["Deployment apps/web-blue has no topologySpreadConstraints over topology.kubernetes.io/zone or kubernetes.io/hostname: all replicas may land on one node or zone and fail together; add a topologySpreadConstraint with one of those topologyKeys."],
  },
  {
    policy: P.noServiceAccountToken(),
    fault: "an automounted token",
    mutate: (rs) => delete webPod(rs).automountServiceAccountToken,
    messages: ["Deployment apps/web-blue mounts the API token of service account apps/default: a compromised container could call the Kubernetes API with it; set automountServiceAccountToken: false on the pod, or exempt the workload in no-service-account-token.allowedWorkloads if it calls the API."],
  },
  {
    policy: P.noExternalServiceTypes(),
    fault: "a LoadBalancer Service",
    mutate: (rs) => (find(rs, "web-active").spec.type = "LoadBalancer"),
    messages: ["Service apps/web is of type LoadBalancer: it opens a port outside the cluster that bypasses the Ingress (TLS, auth, rate limits) and costs a cloud load balancer; use ClusterIP behind an Ingress, or allow-list it in no-external-service-types.allowedServices."],
    urn: urn("kubernetes:core/v1:Service", "web-active"),
  },
  {
    policy: P.namespaceDefaultDeny(),
    fault: "a default-deny policy that allows all ingress",
    mutate: (rs) => (find(rs, "default-deny-apps").spec.ingress = [{}]),
    messages: ["Namespace apps has no default-deny NetworkPolicy: every pod in it accepts traffic from anywhere and can reach anything; add a NetworkPolicy with podSelector: {}, policyTypes [Ingress, Egress], no ingress rules and only DNS egress."],
    urn: urn("kubernetes:core/v1:Namespace", "ns-apps"),
  },
  {
    policy: P.noSecretLiteralEnv(),
    fault: "a literal password in env and a token in a ConfigMap",
    mutate: (rs) => {
      app(rs).env.push({ name: "API_TOKEN", value: "[secret]" });
      find(rs, "web-settings").data.GITHUB_TOKEN = "ghp_x";
    },
    messages: [
      'container "app" sets API_TOKEN as a literal value: anyone who can read the pod spec or the stack state sees the credential; move it into a Secret and use valueFrom.secretKeyRef.',
      "ConfigMap apps/web-settings holds GITHUB_TOKEN: ConfigMaps are not encrypted and are readable by anyone with view rights; move it into a Secret.",
    ],
  },
  {
    policy: P.cronjobDeadlines(),
    fault: "a CronJob without deadlines",
    mutate: (rs) => {
      delete cron(rs).spec.startingDeadlineSeconds;
      delete cron(rs).spec.jobTemplate.spec.activeDeadlineSeconds;
    },
    messages: ["CronJob apps/backup has no spec.startingDeadlineSeconds or spec.jobTemplate.spec.activeDeadlineSeconds: missed runs can pile up after an outage and a hung run never ends; set spec.startingDeadlineSeconds and spec.jobTemplate.spec.activeDeadlineSeconds."],
  },
  {
    policy: P.cronjobForbidConcurrency(),
    fault: "concurrent runs allowed",
    mutate: (rs) => delete cron(rs).spec.concurrencyPolicy,
    messages: ["CronJob apps/backup has concurrencyPolicy Allow (the default): a slow run overlaps the next one, which then competes for the same data; set spec.concurrencyPolicy: Forbid."],
  },
  {
    policy: P.ingressTls(),
    fault: "an Ingress without TLS",
    mutate: (rs) => delete find(rs, "web-ingress").spec.tls,
    messages: ['Ingress apps/web serves "web.example.com" without TLS: traffic to it is readable and forgeable on the way; add spec.tls with a secretName covering the host (ingress.clusterIssuer or ingress.tlsSecretName).'],
    urn: urn("kubernetes:networking.k8s.io/v1:Ingress", "web-ingress"),
  },
  {
    policy: P.ingressTls(),
    fault: "an Ingress whose TLS covers another host only",
    mutate: (rs) => (find(rs, "web-ingress").spec.tls = [{ hosts: ["other.example.com"], secretName: "other-tls" }]),
    messages: ['Ingress apps/web serves "web.example.com" without TLS: traffic to it is readable and forgeable on the way; add spec.tls with a secretName covering the host (ingress.clusterIssuer or ingress.tlsSecretName).'],
  },
  {
    policy: P.priorityClass(),
    fault: "a Deployment without a priorityClassName",
    mutate: (rs) => delete webPod(rs).priorityClassName,
    messages: ['Deployment apps/web-blue sets no priorityClassName: its pods get priority 0 and are evicted first under node pressure, platform and application alike; set priorityClassName to "app-platform-critical" or "app-platform-apps".'],
    urn: DEPLOY,
  },
  {
    policy: P.priorityClass(),
    fault: "a Deployment naming a class that is not the platform's",
    mutate: (rs) => (webPod(rs).priorityClassName = "system-node-critical"),
    messages: ['Deployment apps/web-blue uses priorityClassName "system-node-critical", which is not one of the platform\'s PriorityClasses: set it to "app-platform-critical" or "app-platform-apps".'],
  },
  {
    policy: P.s3BucketKmsEncryption(),
    fault: "SSE-S3 instead of KMS",
    mutate: (rs) => (find(rs, "backups-sse").rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]),
    messages: ['S3 bucket backups (backups-prod) is encrypted with AES256 but not with a customer-managed KMS key: objects could be read by anyone granted s3:GetObject, with no key policy or key audit trail; add a BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and kmsMasterKeyId.'],
    urn: BUCKET,
  },
  {
    policy: P.s3BucketVersioning(),
    fault: "suspended versioning",
    mutate: (rs) => (find(rs, "backups-versioning").versioningConfiguration.status = "Suspended"),
    messages: ['S3 bucket backups (backups-prod) has no versioning: an overwritten or deleted backup is gone for good; add a BucketVersioning with versioningConfiguration.status "Enabled".'],
    urn: BUCKET,
  },
  {
    policy: P.s3BucketPublicAccessBlock(),
    fault: "a public access block with two settings off",
    mutate: (rs) => Object.assign(find(rs, "backups-pab"), { blockPublicPolicy: false, restrictPublicBuckets: false }),
    messages: ["S3 bucket backups (backups-prod) has a public access block without blockPublicPolicy, restrictPublicBuckets: public ACLs or policies could still expose objects; set blockPublicPolicy, restrictPublicBuckets to true."],
  },
  {
    policy: P.s3BucketPublicAccessBlock(),
    fault: "no public access block",
    mutate: (rs) => remove(rs, "backups-pab"),
    messages: ["S3 bucket backups (backups-prod) has no public access block: one ACL or policy mistake would publish its objects; add a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets true."],
  },
  {
    policy: P.s3BucketTlsOnly(),
    fault: "a bucket policy without the TLS deny",
    mutate: (rs) => (find(rs, "backups-policy").policy = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/x" }, Action: "s3:GetObject", Resource: "*" }] })),
    messages: ['S3 bucket backups (backups-prod) accepts requests without TLS: data and signed requests could cross the network in clear text; add a BucketPolicy statement that denies "s3:*" when aws:SecureTransport is "false".'],
  },
  {
    policy: P.s3BucketLifecycle(),
    fault: "a disabled lifecycle rule",
    mutate: (rs) => (find(rs, "backups-lifecycle").rules[0].status = "Disabled"),
    messages: ['S3 bucket backups (backups-prod) has no enabled lifecycle rule that expires or transitions objects: storage (and every old version) grows forever; add a BucketLifecycleConfiguration rule with status "Enabled" and an expiration or transition.'],
  },
  {
    policy: P.s3BucketObjectLock(),
    fault: "a bucket without Object Lock",
    mutate: (rs) => delete find(rs, "backups").objectLockEnabled,
    messages: ["S3 bucket backups (backups-prod) is created without Object Lock: backups can be deleted or overwritten by anyone with write access, and Object Lock cannot be turned on later without a new bucket; set objectLockEnabled: true."],
  },
  {
    policy: P.s3BucketObjectLock(),
    fault: "a retention below the configured minimum",
    mutate: (rs) => (find(rs, "backups-lock").rule.defaultRetention.days = 3),
    messages: ["S3 bucket backups (backups-prod) has Object Lock with a default retention of 3 days, below the minimum of 7 days: new objects are not locked long enough; add a BucketObjectLockConfiguration with rule.defaultRetention (mode and at least 7 days)."],
  },
  {
    policy: P.ecrScanOnPush(),
    fault: "no scan on push",
    mutate: (rs) => delete find(rs, "backup-tools").imageScanningConfiguration,
    messages: ["ECR repository backup-tools does not scan on push: images with known CVEs reach the cluster unnoticed; set imageScanningConfiguration.scanOnPush: true."],
    urn: urn("aws:ecr/repository:Repository", "backup-tools"),
  },
  {
    policy: P.ecrImmutableTags(),
    fault: "mutable tags",
    mutate: (rs) => delete find(rs, "backup-tools").imageTagMutability,
    messages: ['ECR repository backup-tools has MUTABLE tags: a push can silently replace what "1.4.2" means in every cluster; set imageTagMutability: "IMMUTABLE".'],
  },
  {
    policy: P.secretsmanagerCustomerKms(),
    fault: "the AWS-managed key",
    mutate: (rs) => (find(rs, "db-password").kmsKeyId = "alias/aws/secretsmanager"),
    messages: ["Secrets Manager secret db-password uses the AWS-managed key: who may decrypt it cannot be limited by a key policy; set kmsKeyId to a customer-managed KMS key."],
  },
  {
    policy: P.iamNoWildcardAdmin(),
    fault: "an admin statement in a role's inline policy",
    mutate: (rs) => (find(rs, "backup-role").inlinePolicies.push({ name: "oops", policy: JSON.stringify({ Statement: [{ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" }] }) })),
    messages: ['inlinePolicies[1] (oops) statement "Everything" allows "*" actions on "*" resources: that is full administrator access for whoever assumes it; list the actions and resource ARNs the workload needs.'],
    urn: urn("aws:iam/role:Role", "backup-role"),
  },
  {
    policy: P.kmsKeyRotation(),
    fault: "a key without rotation",
    mutate: (rs) => (find(rs, "backups-key").enableKeyRotation = false),
    messages: ["KMS key backups-key does not rotate: one leaked key version decrypts everything it ever protected; set enableKeyRotation: true."],
  },
  {
    policy: P.alertRuleMetadata(),
    fault: "an alert without severity and with a relative runbook",
    mutate: (rs) => {
      const rule = find(rs, "web-rules").spec.groups[0].rules[2];
      delete rule.labels.severity;
      rule.annotations.runbook_url = "runbooks/WebSlow.md";
    },
    messages: ['PrometheusRule monitoring/web-rules group "slo-web" alert WebSlow has no severity label (routing cannot decide who to notify); runbook_url "runbooks/WebSlow.md", which is not an http(s) URL; fix the rule\'s labels and annotations.'],
    urn: RULES,
  },
  {
    policy: P.criticalAlertsPage(),
    fault: "critical alerts routed to chat only",
    mutate: (rs) => {
      const s = find(rs, "alertmanager-config");
      s.stringData["alertmanager.yaml"] = s.stringData["alertmanager.yaml"].replace("receiver: pager", "receiver: chat");
    },
    messages: [
      'critical alert WebErrorBudgetBurn (PrometheusRule monitoring/web-rules, group "slo-web") routes to "chat", "chat", which does not page (paging integrations: pagerduty_configs, opsgenie_configs): an outage would wait for someone to read a channel; route severity="critical" to a paging receiver.',
    ],
    urn: RULES,
  },
  {
    policy: P.criticalAlertsPage(),
    fault: "no Alertmanager configuration Secret",
    mutate: (rs) => remove(rs, "alertmanager-config"),
    messages: ['the stack has 1 critical alerts but no Alertmanager configuration Secret "alertmanager-platform-config": nobody would be paged; create it with a route for severity="critical" to a paging receiver.'],
  },
  {
    policy: P.serviceMonitoring(),
    fault: "a service without ServiceMonitor or SLO rules",
    mutate: (rs) => {
      remove(rs, "app-web");
      find(rs, "web-rules").spec.groups[0].rules.shift();
    },
    messages: [
      'Service apps/web (service "web") is not selected by any ServiceMonitor on one of its named ports: its metrics are never scraped, so its alerts cannot fire; add a ServiceMonitor selecting its labels and metrics port.',
      'service "web" has no SLO recording rules (records matching /^slo:/ for service="web"): its error budget cannot be tracked or alerted on; add SLO rules for it.',
    ],
    urn: urn("kubernetes:core/v1:Service", "web-active"),
  },
  {
    policy: P.grafanaAdminPassword(),
    fault: "an adminPassword in the chart values",
    mutate: (rs) => (find(rs, "monitoring-chart").values.grafana.adminPassword = "[secret]"),
    messages: ["chart monitoring-chart (kube-prometheus-stack) sets the Grafana adminPassword in its values: the password lands in the rendered manifests and the stack state; remove it and set admin.existingSecret to a Secret with a generated password."],
    urn: urn("kubernetes:helm.sh/v4:Chart", "monitoring-chart"),
  },
  {
    policy: P.grafanaAdminPassword(),
    fault: "an admin Secret written in the program",
    mutate: (rs) => {
      const s = rs.find((r) => r.name === "grafana-admin")!;
      (s as { dependsOn: string[] }).dependsOn = [];
      (s.inputs as Record<string, any>).stringData["admin-password"] = "hunter2";
    },
    messages: ["Secret grafana-admin, Grafana's admin secret, is not derived from a generated password: its value is written in the program (and so in source control); fill it from a random.RandomPassword."],
    urn: urn("kubernetes:core/v1:Secret", "grafana-admin"),
  },
  {
    policy: P.noClusterSecretRead(),
    fault: "a ClusterRole that lists Secrets (Grafana's subchart with rbac.namespaced: false)",
    mutate: (rs) => (find(rs, "dashboards-reader").rules = [{ apiGroups: [""], resources: ["configmaps", "secrets"], verbs: ["get", "watch", "list"] }]),
    messages: [
      "ClusterRole/dashboards-reader grants get/list/watch on Secrets in every namespace: whoever is bound to it can read every credential of the cluster; grant the Secrets a workload needs in a Role of their namespace (with resourceNames), or add a reviewed exemption to no-cluster-secret-read.allowedRoles.",
    ],
    urn: urn("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "dashboards-reader"),
  },
  {
    policy: P.noRbacWildcards(),
    fault: "a Role with every verb on every resource",
    mutate: (rs) => (find(rs, "web-secret-reader").rules = [{ apiGroups: [""], resources: ["*"], verbs: ["*"] }]),
    messages: [
      'Role/apps/web-secret-reader rules[0] uses "*" for resources, verbs: a wildcard also grants whatever the API adds later (new resources, subresources, verbs such as escalate and impersonate); list what the workload uses, or add a reviewed exemption to no-rbac-wildcards.allowedRoles.',
    ],
    urn: urn("kubernetes:rbac.authorization.k8s.io/v1:Role", "web-secret-reader"),
  },
  {
    policy: P.noClusterAdminBinding(),
    fault: "a ClusterRoleBinding to cluster-admin",
    mutate: (rs) => (find(rs, "dashboards-reader", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").roleRef.name = "cluster-admin"),
    messages: [
      "ClusterRoleBinding dashboards-reader gives ServiceAccount/monitoring/grafana cluster-admin: full control of every object of the cluster, Secrets and RBAC included; bind a role that lists what the subject needs.",
    ],
    urn: urn("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "dashboards-reader"),
  },
  {
    policy: P.pvcStorageClass(),
    fault: "a claim and a Prometheus volume without a StorageClass",
    mutate: (rs) => {
      delete find(rs, "scratch").spec.storageClassName;
      delete find(rs, "prometheus").spec.storage.volumeClaimTemplate.spec.storageClassName;
    },
    messages: [
      "PersistentVolumeClaim backup/scratch names no storageClassName: on a cluster without a default StorageClass (EKS since 1.30) the volume stays Pending and the pod never starts; set the stack's storageClass.",
      "Prometheus monitoring/prometheus spec.storage.volumeClaimTemplate names no storageClassName: on a cluster without a default StorageClass (EKS since 1.30) the volume stays Pending and the pod never starts; set the stack's storageClass.",
    ],
    urn: urn("kubernetes:core/v1:PersistentVolumeClaim", "scratch"),
  },
  {
    policy: P.prometheusRetentionWithinVolume(),
    // 90GB = 90 * 2^30 bytes of 100Gi = 100 * 2^30 bytes: 90%, above 85% (worked by hand).
    fault: "retentionSize 90GB on a 100Gi volume",
    mutate: (rs) => (find(rs, "prometheus").spec.retentionSize = "90GB"),
    messages: [
      "Prometheus monitoring/prometheus retentionSize 90GB is 90% of its 100Gi volume (Prometheus counts GB as 2^30 bytes): the WAL and compaction need the rest, or Prometheus stops when the volume fills; keep it at most 85%.",
    ],
    urn: urn("kubernetes:monitoring.coreos.com/v1:Prometheus", "prometheus"),
  },
  {
    policy: P.prometheusRetentionWithinVolume(),
    fault: "a volume and no retentionSize",
    mutate: (rs) => delete find(rs, "prometheus").spec.retentionSize,
    messages: [
      "Prometheus monitoring/prometheus has a 100Gi volume and no retentionSize: only the time limit bounds its data, so the volume fills and Prometheus stops; set retentionSize to at most 85% of the volume.",
    ],
  },
];

describe("RBAC exemptions", () => {
  const operatorRole = () => {
    const rs = compliantStack();
    find(rs, "dashboards-reader").rules = [{ apiGroups: [""], resources: ["secrets"], verbs: ["*"] }];
    return rs;
  };
  it("an allowedRoles entry with a reason covers exactly that role", async () => {
    const allowed = { "no-cluster-secret-read": { properties: { allowedRoles: [{ role: "ClusterRole/dashboards-reader", reason: "reconciles the Secrets of the objects it manages" }] } } };
    expect(await messagesOf(P.noClusterSecretRead(), operatorRole(), allowed)).toEqual([]);
    const other = { "no-cluster-secret-read": { properties: { allowedRoles: [{ role: "ClusterRole/someone-else", reason: "reconciles the Secrets of the objects it manages" }] } } };
    expect(await messagesOf(P.noClusterSecretRead(), operatorRole(), other)).toHaveLength(1);
  });
  it("a chart-scoped entry does not cover a role of the same name outside that chart", async () => {
    const chartOnly = { "no-cluster-secret-read": { properties: { allowedRoles: [{ role: "ClusterRole/dashboards-reader", chart: "monitoring-chart", reason: "reconciles the Secrets of the objects it manages" }] } } };
    expect(await messagesOf(P.noClusterSecretRead(), operatorRole(), chartOnly)).toHaveLength(1);
  });
});

describe("every policy on the compliant fixture stack", () => {
  it("reports nothing with the whole pack at mandatory", async () => {
    const report = await runPolicyPack({ resources: compliantStack(), policies: createPolicies(), packEnforcementLevel: "mandatory" });
    expect(report.violations).toEqual([]);
  });

  it("has a violating case for each of the pack's policies", () => {
    const names = createPolicies().map((p) => p.name);
    expect(names.length).toBeGreaterThanOrEqual(30);
    expect(new Set([...CASES, ...IMAGE_DIGEST_CASES].map((c) => c.policy.name))).toEqual(new Set(names));
    expect(Object.values(POLICY_FACTORIES).flat()).toHaveLength(names.length);
  });
});

describe.each(CASES)("$policy.name: $fault", (c) => {
  it("catches it with its exact message", async () => {
    const rs = compliantStack();
    c.mutate(rs);
    const vs = await violationsOf(c.policy, rs);
    expect(vs.map((v) => v.message)).toEqual(c.messages);
    expect(vs.every((v) => v.enforcementLevel === "mandatory" && v.kind === "violation" && v.policyName === c.policy.name)).toBe(true);
    if (c.urn) expect(vs[0].urn).toBe(c.urn);
  });

  it("passes the compliant stack", async () => {
    expect(await messagesOf(c.policy, compliantStack())).toEqual([]);
  });
});

describe("one fault, one violation", () => {
  it("pinned-images leaves untagged and latest images to no-latest-image, and accepts any tag in an immutable-tag registry", async () => {
    const rs = compliantStack();
    const pod = find(rs, "web-blue", "kubernetes:apps/v1:Deployment").spec.template.spec;
    pod.containers[0].image = "ghcr.io/org/web:latest";
    pod.containers.push({ ...pod.containers[0], name: "tools", image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/tools:pg15-af7245f5" });
    pod.containers.push({ ...pod.containers[0], name: "edge", image: "ghcr.io/org/edge" });
    expect(await messagesOf(P.pinnedImages(), rs)).toEqual([]);
    expect((await messagesOf(P.noLatestImage(), rs)).length).toBe(2);
  });
});

describe("critical-alerts-page when the config Secret's data is a secret placeholder", () => {
  const withComponent = (hash: (text: string) => string) => {
    const rs = compliantStack();
    const secret = rs.find((r) => r.name === "alertmanager-config")!;
    const inputs = secret.inputs as Record<string, any>;
    const text: string = inputs.stringData["alertmanager.yaml"].replace("receiver: pager", "receiver: chat");
    const component = rec("app-platform:monitoring:AlertmanagerConfig", "alertmanager", { "alertmanager.yaml": text }, { custom: false });
    (secret as { parent?: string }).parent = component.urn;
    inputs.stringData = "[secret]";
    inputs.metadata.annotations = { "app-platform/config-sha256": hash(text) };
    rs.push(component);
    return rs;
  };

  it("reads the owning component's copy when the Secret's hash annotation vouches for it", async () => {
    const rs = withComponent((t) => createHash("sha256").update(t).digest("hex"));
    expect(await messagesOf(P.criticalAlertsPage(), rs)).toEqual([
      'critical alert WebErrorBudgetBurn (PrometheusRule monitoring/web-rules, group "slo-web") routes to "chat", "chat", which does not page (paging integrations: pagerduty_configs, opsgenie_configs): an outage would wait for someone to read a channel; route severity="critical" to a paging receiver.',
    ]);
  });

  it("reports that it cannot run when the copy does not match the hash", async () => {
    const vs = await violationsOf(P.criticalAlertsPage(), withComponent(() => "0".repeat(64)));
    expect(vs.map((v) => [v.kind, v.enforcementLevel, v.message])).toEqual([
      [
        "unknown",
        "advisory",
        `can't run policy 'critical-alerts-page' from policy pack 'app-platform@v0.1.0' during preview: secret value at .stringData can't be known offline (the render replaces secrets with "[secret]")`,
      ],
    ]);
  });
});
