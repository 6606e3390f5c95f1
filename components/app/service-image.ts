import type * as aws from "@pulumi/aws";
import { awsSdk } from "../aws-sdk";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";

/** Where built images are pushed. */
export type ImageRegistry =
  | {
      /** An ECR repository per service, created here. */
      readonly kind: "ecr";
      /** AWS region of the repository. */
      readonly region: string;
      /** Images kept by the lifecycle policy; older ones expire. */
      readonly keepImages: number;
    }
  | {
      /** A registry reachable from the cluster's nodes without credentials (kind's local registry). */
      readonly kind: "local";
      /** Host and port, e.g. "localhost:5001". */
      readonly server: string;
    };

/** The ECR lifecycle policy document that keeps the newest `keep` images of any tag. */
export function ecrLifecyclePolicy(keep: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `keep the newest ${keep} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
        action: { type: "expire" },
      },
    ],
  });
}

/** Arguments of {@link ServiceImage}. */
export interface ServiceImageArgs {
  /** Environment; part of the ECR repository name, so that stacks sharing an account do not collide. */
  readonly environment: string;
  /** Service name; names the repository and the image. */
  readonly service: string;
  /** Build context folder, relative to `rootDir`. */
  readonly context: string;
  /** Dockerfile path relative to the context. @default "Dockerfile" */
  readonly dockerfile?: string;
  /** Tag pushed (tags are immutable in ECR). */
  readonly tag: string;
  /** Where the image is pushed. */
  readonly registry: ImageRegistry;
  /** Folder that `context` is relative to. @default the process's working directory (the project root under `pulumi`) */
  readonly rootDir?: string;
  /** Target platform of the build. @default "linux/amd64" */
  readonly platform?: string;
}

/**
 * The reference a workload runs for a pushed image: the provider's `repoDigest`
 * (`repository@sha256:...`, the manifest digest the registry returned for the push). A tag is
 * never a fallback: a tag can be moved or re-pushed, and production requires digests (policy
 * image-digest). Throws when the provider reported no digest, so the update stops before any
 * workload would run the image by tag.
 */
export function pushedImageRef(repoDigest: string | undefined, imageName: string): string {
  if (repoDigest === undefined || !/^[^@\s]+@sha256:[a-f0-9]{64}$/.test(repoDigest)) {
    throw new Error(
      `the push of ${imageName} reported no manifest digest (repoDigest ${JSON.stringify(repoDigest ?? null)}): refusing to run it by tag; check that the image was pushed (not skipPush) to a registry that returns Docker-Content-Digest`,
    );
  }
  return repoDigest;
}

/**
 * Builds a service's image from a Dockerfile with @pulumi/docker and pushes it: to an ECR
 * repository with scan on push, immutable tags and a lifecycle policy (AWS stacks), or to a
 * local registry (dev). `ref` is the pushed digest ({@link pushedImageRef}), so that the pods run
 * exactly what was built, and a rebuilt image under an unchanged tag still rolls them.
 */
export class ServiceImage extends pulumi.ComponentResource {
  /** Image reference to run: `repository@sha256:...`, the digest the push reported. */
  readonly ref: pulumi.Output<string>;
  /** The ECR repository, in AWS stacks. */
  readonly repository?: aws.ecr.Repository;

  constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-platform:app:ServiceImage", name, {}, opts);
    if (args.tag === "latest") {
      throw new pulumi.ResourceError(`ServiceImage ${name}: tag ("latest") must be a version or commit id: pushed tags are immutable`, this);
    }
    const rootDir = args.rootDir ?? process.cwd();
    const build: docker.types.input.DockerBuild = {
      context: path.resolve(rootDir, args.context),
      dockerfile: path.resolve(rootDir, args.context, args.dockerfile ?? "Dockerfile"),
      platform: args.platform ?? "linux/amd64",
    };

    let imageName: pulumi.Input<string>;
    let registry: docker.types.input.Registry;
    if (args.registry.kind === "ecr") {
      const sdk = awsSdk();
      const repoName = `${args.environment}/${args.service}`;
      this.repository = new sdk.ecr.Repository(
        `${name}-repository`,
        {
          name: repoName,
          region: args.registry.region,
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "KMS" }],
          // Images are release history: deleting the stack must not delete them with the repository.
          forceDelete: false,
        },
        { parent: this },
      );
      new sdk.ecr.LifecyclePolicy(
        `${name}-lifecycle`,
        { repository: this.repository.name, region: args.registry.region, policy: ecrLifecyclePolicy(args.registry.keepImages) },
        { parent: this.repository },
      );
      // The registry host follows from account, region and partition; reading it from the
      // repository would make it unknown until the repository exists.
      const identity = sdk.getCallerIdentityOutput({}, { parent: this });
      const partition = sdk.getPartitionOutput({}, { parent: this });
      const host = pulumi.interpolate`${identity.accountId}.dkr.ecr.${args.registry.region}.${partition.dnsSuffix}`;
      const token = sdk.ecr.getAuthorizationTokenOutput({ registryId: this.repository.registryId, region: args.registry.region }, { parent: this });
      imageName = pulumi.interpolate`${host}/${repoName}:${args.tag}`;
      registry = { server: host, username: token.userName, password: pulumi.secret(token.password) };
    } else {
      imageName = `${args.registry.server}/${args.service}:${args.tag}`;
      registry = { server: args.registry.server };
    }

    const image = new docker.Image(
      `${name}-build`,
      { imageName, build, registry, buildOnPreview: false },
      { parent: this, dependsOn: this.repository ? [this.repository] : [] },
    );
    this.ref = pulumi.all([image.repoDigest, image.imageName]).apply(([digest, tagged]) => {
      try {
        return pushedImageRef(digest, tagged);
      } catch (e) {
        throw new pulumi.ResourceError(`ServiceImage ${name}: ${(e as Error).message}`, this);
      }
    });
    this.registerOutputs({ ref: this.ref });
  }
}
