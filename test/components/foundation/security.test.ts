import { describe, expect, it } from "vitest";
import { restrictedContainer, restrictedPod } from "../../../components/foundation/security";

describe("secure defaults shared by every workload", () => {
  it("pod: non-root with the given UID/GID, volumes owned by its group, seccomp RuntimeDefault", () => {
    expect(restrictedPod(472)).toEqual({ runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472, seccompProfile: { type: "RuntimeDefault" } });
  });

  it("container: no escalation, read-only root, not privileged, no capabilities, seccomp RuntimeDefault", () => {
    expect(restrictedContainer()).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("container with a UID also pins the user and group, non-root", () => {
    expect(restrictedContainer(65534)).toEqual({ ...restrictedContainer(), runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 });
  });

  it("returns fresh objects, so that no caller can change another's settings", () => {
    const a = restrictedContainer() as { capabilities: { drop: string[] } };
    a.capabilities.drop.push("NET_RAW");
    expect((restrictedContainer() as { capabilities: { drop: string[] } }).capabilities.drop).toEqual(["ALL"]);
  });
});
