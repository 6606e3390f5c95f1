import { describe, expect, it } from "vitest";
import { imageTag, isPinnedImage, parseImage, registryMatches } from "../../lib/images";

// The reference grammar of the distribution project (docker/distribution reference.go), as
// container runtimes apply it: the first component is a registry only when it holds "." or ":"
// or is "localhost"; otherwise the image is on docker.io.
describe("image references", () => {
  it("finds the registry, repository, tag and digest", () => {
    expect(parseImage("ghcr.io/stefanprodan/podinfo:6.9.2")).toEqual({
      registry: "ghcr.io",
      repository: "stefanprodan/podinfo",
      tag: "6.9.2",
      digest: undefined,
    });
    expect(parseImage("localhost:5001/app:dev")).toEqual({ registry: "localhost:5001", repository: "app", tag: "dev", digest: undefined });
    expect(parseImage("library/redis")).toMatchObject({ registry: "docker.io", repository: "library/redis", tag: undefined });
    expect(parseImage(`repo/app@sha256:${"a".repeat(64)}`)).toMatchObject({
      registry: "docker.io",
      repository: "repo/app",
      digest: `sha256:${"a".repeat(64)}`,
    });
  });

  it("reads the tag, not a registry port", () => {
    expect(imageTag("registry.local:5000/team/app")).toBeUndefined();
    expect(imageTag("registry.local:5000/team/app:1.2.3")).toBe("1.2.3");
    expect(imageTag(`app:1.2@sha256:${"b".repeat(64)}`)).toBe("1.2");
  });

  it("pinned means a sha256 digest or a version tag", () => {
    expect(isPinnedImage(`repo/app@sha256:${"c".repeat(64)}`)).toBe(true);
    expect(isPinnedImage("repo/app:1.4.2")).toBe(true);
    expect(isPinnedImage("repo/app:v2.3")).toBe(true);
    expect(isPinnedImage("repo/app:v2.3.0-rc.1")).toBe(true);
    expect(isPinnedImage("repo/app:latest")).toBe(false);
    expect(isPinnedImage("repo/app:main")).toBe(false);
    expect(isPinnedImage("repo/app")).toBe(false);
    expect(isPinnedImage("repo/app@sha256:short")).toBe(false);
  });

  it("matches registry patterns with * for one label part", () => {
    expect(registryMatches("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "*.dkr.ecr.*.amazonaws.com")).toBe(true);
    expect(registryMatches("evil.com", "*.dkr.ecr.*.amazonaws.com")).toBe(false);
    expect(registryMatches("ghcr.io", "ghcr.io")).toBe(true);
  });
});
