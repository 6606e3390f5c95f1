// PostgresBackups and BackupBucket under Pulumi's mocks: defaults of the args fields, refusals
// with their messages, and the children each creates.
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { beforeAll, describe, expect, it } from "vitest";
import { BackupBucket, PostgresBackups } from "../../../components/backup";
import { PlatformSecrets } from "../../../components/secrets";
import { mockRepoDigest } from "../../../tools/render/mock-runtime";
import { edited, load } from "../../stacks/fixtures";

interface Registration { type: string; name: string; inputs: any }
const registrations: Registration[] = [];
const errors: Record<string, string> = {};
const attempt = (name: string, f: () => void) => {
  try {
    f();
  } catch (e) {
    errors[name] = (e as Error).message;
  }
};
const OIDC = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
const SAS = { backup: { namespace: "backup", name: "postgres-backup" }, drill: { namespace: "backup", name: "postgres-restore-drill" } };

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(a) {
        registrations.push({ type: a.type, name: a.name, inputs: a.inputs });
        // A pushed image reports its manifest digest (ServiceImage refuses to run one by tag).
        const repoDigest = a.type === "docker:index/image:Image" ? { repoDigest: mockRepoDigest(String(a.inputs.imageName)) } : {};
        return { id: `${a.name}-id`, state: { ...a.inputs, arn: `arn:aws:mock:${a.name}`, bucket: a.inputs.bucket ?? a.name, ...repoDigest } };
      },
      call: (a) => (a.token === "aws:index/getCallerIdentity:getCallerIdentity" ? { accountId: "123456789012" } : a.token === "aws:index/getPartition:getPartition" ? { dnsSuffix: "amazonaws.com" } : {}),
    },
    "app-platform",
    "test",
  );
  const dev = load(edited("dev", () => {}));
  // imageRegistry unset and no backup.image: refused.
  attempt("noImage", () => new PostgresBackups("no-image", { config: dev }));
  // A given image: nothing is built.
  new PostgresBackups("given", { config: load(edited("dev", (v) => (v.backup = { image: "registry.example.com/backup-tools:15.13-1" }))) });
  // Built for the local registry, rootDir unset (the working directory).
  new PostgresBackups("built", { config: dev, imageRegistry: { kind: "local", server: "localhost:5001" } });
  const staging = load(edited("staging", () => {}));
  attempt("noOidc", () => new PostgresBackups("no-oidc", { config: { ...staging, aws: { ...staging.aws!, oidcProviderArn: undefined } }, imageRegistry: { kind: "local", server: "r" } }));
  // BackupBucket with only the required fields (no Object Lock).
  new BackupBucket("bucket", { environment: "staging", region: "eu-west-1", prefix: "postgres/app", retentionDays: 45, transitionDays: 30, oidcProviderArn: OIDC, serviceAccounts: SAS });
  // PlatformSecrets with the object store's keys and no rotation given.
  new PlatformSecrets("ps", { environment: "dev", namespaces: { apps: "apps", monitoring: "monitoring", backup: "backup" }, postgres: dev.postgres, redis: dev.redis, objectStore: true });
  await settings.disconnect();
}, 60_000);

const named = (prefix: string) => registrations.filter((r) => r.name.startsWith(`${prefix}-`));
const find = (type: string, name: string) => registrations.find((x) => x.type === type && x.name === name)?.inputs;

describe("PostgresBackups", () => {
  it("imageRegistry defaults to none: without backup.image the component is refused, naming both", () => {
    expect(errors.noImage).toBe("PostgresBackups no-image: imageRegistry (unset) is required when config.backup.image is unset: the backup tools image is built and pushed there; pass imageRegistry or set config.backup.image");
    expect(named("no-image")).toEqual([]);
  });
  it("a configured image is used as is and nothing is built", () => {
    expect(named("given").filter((r) => r.type.startsWith("docker:"))).toEqual([]);
    const cj = find("kubernetes:batch/v1:CronJob", "given-backup");
    expect(cj.spec.jobTemplate.spec.template.spec.containers[0].image).toBe("registry.example.com/backup-tools:15.13-1");
  });
  it("otherwise the committed Dockerfile is built (context relative to the working directory) and pushed", () => {
    const image = find("docker:index/image:Image", "built-image-build");
    expect(image.imageName).toMatch(/^localhost:5001\/backup-tools:15\.13-[0-9a-f]{12}$/);
    expect(image.build.context).toBe(`${process.cwd()}/components/backup/image`);
  });
  it("children: scripts ConfigMap, a ServiceAccount, egress policy and CronJob per job; no AWS in dev", () => {
    expect(named("built").filter((r) => r.type.startsWith("kubernetes:")).map((r) => `${r.type.split(":").pop()} ${r.name}`).sort()).toEqual([
      "ConfigMap built-scripts",
      "CronJob built-backup",
      "CronJob built-drill",
      "NetworkPolicy built-backup-egress",
      "NetworkPolicy built-drill-egress",
      "ServiceAccount built-backup-sa",
      "ServiceAccount built-drill-sa",
    ]);
    expect(named("built").filter((r) => r.type.startsWith("aws:"))).toEqual([]);
  });
  it("AWS stacks without the OIDC provider are refused", () => {
    expect(errors.noOidc).toBe("PostgresBackups no-oidc: config.aws.oidcProviderArn (unset) is required when config.aws is set: the backup jobs reach S3 through IAM roles that trust the cluster's OIDC provider (IRSA)");
  });
});

describe("BackupBucket", () => {
  it("objectLock defaults to none: no lock on the bucket, no lock configuration", () => {
    expect(find("aws:s3/bucket:Bucket", "bucket-bucket").objectLockEnabled).toBe(false);
    expect(named("bucket").filter((r) => r.type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")).toEqual([]);
  });
  it("roles carry the IRSA trust of their service account", () => {
    expect(JSON.parse(find("aws:iam/role:Role", "bucket-drill-role").assumeRolePolicy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"]).toBe(
      "system:serviceaccount:backup:postgres-restore-drill",
    );
  });
});

describe("PlatformSecrets object store keys", () => {
  it("objectStoreRotation defaults to \"initial\"; the key id is fixed and the secret is 40 characters", () => {
    expect(find("random:index/randomPassword:RandomPassword", "ps-object-store-password")).toMatchObject({ length: 40, special: false, keepers: { rotation: "initial" } });
    expect(find("kubernetes:core/v1:Secret", "ps-object-store-k8s-0").metadata).toMatchObject({ name: "object-store-credentials", namespace: "backup" });
  });
});
