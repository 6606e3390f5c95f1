// The components under Pulumi's mocks: defaults of every args field, children, and images.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { beforeAll, describe, expect, it } from "vitest";
import { BlueGreenService, ServiceImage, blueGreenArgsProblems, ecrLifecyclePolicy, pushedImageRef } from "../../../components/app";
import { resolved } from "./fixtures";

interface Registration {
  type: string;
  name: string;
  inputs: any;
}
const registrations: Registration[] = [];
const DIGEST = "sha256:" + "a".repeat(64);
// Pulumi's wire markers for a secret value.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

const errors: Record<string, string> = {};

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state = { ...args.inputs };
        if (args.type === "docker:index/image:Image") {
          state.repoDigest = `${String(args.inputs.imageName).split(":").slice(0, -1).join(":")}@${DIGEST}`;
        }
        if (args.type === "aws:ecr/repository:Repository") state.registryId = "123456789012";
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: "123456789012", arn: "arn", userId: "u" };
        if (args.token === "aws:index/getPartition:getPartition") return { partition: "aws", dnsSuffix: "amazonaws.com" };
        if (args.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken") return { userName: "AWS", password: "token-value", proxyEndpoint: "x" };
        return {};
      },
    },
    "app-platform",
    "test",
  );

  // Every args default in use: only the required fields.
  new BlueGreenService("defaults", { environment: "staging", service: resolved("staging"), namespace: "apps" });
  // A build pushed to ECR (production) and one pushed to the local registry (dev).
  const built = (env: "production" | "dev") =>
    resolved(env, (s) => {
      delete s.image.green;
      s.build = { context: "services/web", color: "green", tag: "1.5.0" };
      if (env === "production") s.idleReplicas = 2;
    });
  new BlueGreenService("ecr", {
    environment: "production",
    service: built("production"),
    namespace: "apps",
    imageRegistry: { kind: "ecr", region: "eu-west-1", keepImages: 15 },
    ingressControllerNamespace: "traefik",
    monitoringNamespace: "observability",
    buildRoot: "/src",
  });
  new BlueGreenService("local", { environment: "dev", service: built("dev"), namespace: "apps", imageRegistry: { kind: "local", server: "localhost:5001" } });
  new ServiceImage("image-defaults", { environment: "dev", service: "api", context: "api", tag: "2.0.0", registry: { kind: "local", server: "localhost:5001" } });
  try {
    new BlueGreenService("no-registry", { environment: "dev", service: built("dev"), namespace: "apps" });
  } catch (e) {
    errors["no-registry"] = (e as Error).message;
  }
  try {
    new ServiceImage("latest", { environment: "dev", service: "api", context: "api", tag: "latest", registry: { kind: "local", server: "localhost:5001" } });
  } catch (e) {
    errors.latest = (e as Error).message;
  }
  // Wait for every registration (the mock monitor answers asynchronously).
  await settings.disconnect();
});

const find = (type: string, name: string) => {
  const r = registrations.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} named ${name}; have ${registrations.map((x) => x.name).join(", ")}`);
  return r.inputs;
};
const named = (prefix: string) => registrations.filter((r) => r.name === prefix || r.name.startsWith(`${prefix}-`));

describe("BlueGreenService defaults", () => {
  it("ingressControllerNamespace defaults to ingress-nginx and monitoringNamespace to monitoring", () => {
    const np = find("kubernetes:networking.k8s.io/v1:NetworkPolicy", "defaults-netpol");
    expect(np.spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("ingress-nginx");
    expect(np.spec.ingress[1].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("monitoring");
  });
  it("given namespaces replace the defaults", () => {
    const np = find("kubernetes:networking.k8s.io/v1:NetworkPolicy", "ecr-netpol");
    expect(np.spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("traefik");
    expect(np.spec.ingress[1].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("observability");
  });
  it("imageRegistry defaults to none: a build without one is refused, naming the field", () => {
    expect(errors["no-registry"]).toContain('imageRegistry (unset) is required because service.build.color is "green"');
    expect(named("no-registry").filter((r) => r.type !== "app-platform:app:BlueGreenService")).toEqual([]);
  });
  it("buildRoot defaults to the working directory; a given one is used", () => {
    expect(find("docker:index/image:Image", "local-image-build").build.context).toBe(path.resolve(process.cwd(), "services/web"));
    expect(find("docker:index/image:Image", "ecr-image-build").build.context).toBe("/src/services/web");
  });
  it("service.build.dockerfile unset (the loader leaves it so): ServiceImage's default, Dockerfile in the context", () => {
    expect(find("docker:index/image:Image", "local-image-build").build.dockerfile).toBe(path.resolve(process.cwd(), "services/web", "Dockerfile"));
    expect(find("docker:index/image:Image", "ecr-image-build").build.dockerfile).toBe("/src/services/web/Dockerfile");
  });
});

describe("BlueGreenService children", () => {
  it("are named after the component, one per role", () => {
    const names = named("defaults").map((r) => `${r.type.split(":").pop()} ${r.name}`).sort();
    expect(names).toEqual(
      [
        "BlueGreenService defaults",
        "ServiceAccount defaults-sa",
        "NetworkPolicy defaults-netpol",
        "Deployment defaults-blue",
        "Deployment defaults-green",
        "HorizontalPodAutoscaler defaults-hpa-blue",
        "PodDisruptionBudget defaults-pdb-blue",
        // staging parks the idle colour (idleReplicas 0, no release holding it): no HPA, no PDB.
        "Service defaults-service-active",
        "Service defaults-service-preview",
      ].sort(),
    );
  });
  it("ServiceAccount does not automount its token by default", () => {
    expect(find("kubernetes:core/v1:ServiceAccount", "defaults-sa")).toMatchObject({ metadata: { name: "web", namespace: "apps" }, automountServiceAccountToken: false });
  });
  it("the Services carry the contract's name and role labels", () => {
    const active = find("kubernetes:core/v1:Service", "defaults-service-active");
    const preview = find("kubernetes:core/v1:Service", "defaults-service-preview");
    expect(active.metadata.name).toBe("web");
    expect(preview.metadata.name).toBe("web-preview");
    expect(active.metadata.labels["app-platform/role"]).toBe("active");
    expect(preview.metadata.labels["app-platform/role"]).toBe("preview");
    expect(active.metadata.labels["app.kubernetes.io/name"]).toBe("web");
  });
});

describe("built images", () => {
  it("ECR repository: scan on push, immutable tags, KMS, named per environment", () => {
    const repo = find("aws:ecr/repository:Repository", "ecr-image-repository");
    expect(repo.name).toBe("production/web");
    expect(repo.imageTagMutability).toBe("IMMUTABLE");
    expect(repo.imageScanningConfiguration).toEqual({ scanOnPush: true });
    expect(repo.encryptionConfigurations).toEqual([{ encryptionType: "KMS" }]);
    expect(repo.forceDelete).toBe(false);
  });
  it("lifecycle policy keeps the last keepImages images", () => {
    const lp = find("aws:ecr/lifecyclePolicy:LifecyclePolicy", "ecr-image-lifecycle");
    expect(JSON.parse(lp.policy)).toEqual(JSON.parse(ecrLifecyclePolicy(15)));
    expect(JSON.parse(lp.policy).rules[0].selection).toEqual({ tagStatus: "any", countType: "imageCountMoreThan", countNumber: 15 });
  });
  it("pushes to the account's ECR host with the token as a secret", () => {
    const img = find("docker:index/image:Image", "ecr-image-build");
    expect(img.imageName).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com/production/web:1.5.0");
    // The token makes the whole registry block secret: it never reaches state in plaintext.
    expect(img.registry[SIG_KEY]).toBe(SECRET_SIG);
    expect(img.registry.value.server).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    expect(img.registry.value.username).toBe("AWS");
    expect(img.buildOnPreview).toBe(false);
  });
  it("pushes to the local registry in dev, with no repository", () => {
    expect(find("docker:index/image:Image", "local-image-build").imageName).toBe("localhost:5001/web:1.5.0");
    expect(named("local").some((r) => r.type === "aws:ecr/repository:Repository")).toBe(false);
  });
  it("the built colour runs the pushed digest; the other its reference", () => {
    const green = find("kubernetes:apps/v1:Deployment", "ecr-green");
    const blue = find("kubernetes:apps/v1:Deployment", "ecr-blue");
    expect(green.spec.template.spec.containers[0].image).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/production/web@${DIGEST}`);
    expect(blue.spec.template.spec.containers[0].image).toBe("ghcr.io/org/web:1.4.2");
  });
  it("ServiceImage defaults: Dockerfile in the context, linux/amd64, relative to the working directory", () => {
    const img = find("docker:index/image:Image", "image-defaults-build");
    expect(img.build.dockerfile).toBe(path.resolve(process.cwd(), "api", "Dockerfile"));
    expect(img.build.platform).toBe("linux/amd64");
    expect(img.build.context).toBe(path.resolve(process.cwd(), "api"));
  });
  it('refuses the "latest" tag', () => {
    expect(errors.latest).toContain('tag ("latest") must be a version or commit id');
  });
});

describe("pushedImageRef", () => {
  // The form @pulumi/docker documents for Image.repoDigest of a pushed image.
  const pushed = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/production/web@sha256:a6ae6dd8d39c5bb02320e41abf00cd4cb35905fec540e37d306c878be8d38bd3";
  it("runs the digest the push reported", () => {
    expect(pushedImageRef(pushed, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/production/web:1.5.0")).toBe(pushed);
  });
  it.each([
    [undefined, "null"],
    ["", '""'],
    // A local-only image reports its image id, which no node can pull.
    ["sha256:826a130323165bb0ccb0374ae774f885c067a951b51a6ee133577f4e5dbc4119", '"sha256:826a130323165bb0ccb0374ae774f885c067a951b51a6ee133577f4e5dbc4119"'],
  ])("refuses to fall back to the tag when repoDigest is %j", (digest, shown) => {
    expect(() => pushedImageRef(digest, "localhost:5001/web:1.5.0")).toThrow(
      `the push of localhost:5001/web:1.5.0 reported no manifest digest (repoDigest ${shown}): refusing to run it by tag; check that the image was pushed (not skipPush) to a registry that returns Docker-Content-Digest`,
    );
  });
});

describe("blueGreenArgsProblems", () => {
  it("names a colour without an image", () => {
    const s = resolved("dev", (x) => delete x.image.blue);
    expect(blueGreenArgsProblems({ service: s })).toEqual(["service.image.blue (unset) is required: give an image reference or build that colour"]);
  });
  it("names replicas.min above replicas.max", () => {
    const s = resolved("dev", (x) => (x.replicas = { min: 4, max: 2 }));
    expect(blueGreenArgsProblems({ service: s })).toEqual(["service.replicas.min (4) must be <= service.replicas.max (2)"]);
  });
  it("is empty for a valid service", () => {
    expect(blueGreenArgsProblems({ service: resolved("dev") })).toEqual([]);
  });
});
