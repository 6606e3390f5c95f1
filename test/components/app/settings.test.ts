import { describe, expect, it } from "vitest";
import { SETTINGS_CHECKSUM_ANNOTATION, secretEnv, settingsChecksum, settingsConfigMapName } from "../../../components/app/settings";

describe("settingsChecksum", () => {
  const base = { settings: { A: "1", B: "2" }, secretSettings: { S: { secretName: "s", key: "k" } } };
  it("is a SHA-256 hex digest", () => {
    expect(settingsChecksum(base)).toMatch(/^[a-f0-9]{64}$/);
  });
  it("ignores key order", () => {
    expect(settingsChecksum({ ...base, settings: { B: "2", A: "1" } })).toBe(settingsChecksum(base));
  });
  it("changes with a value, a key, or a secret reference", () => {
    expect(settingsChecksum({ ...base, settings: { A: "1", B: "3" } })).not.toBe(settingsChecksum(base));
    expect(settingsChecksum({ ...base, settings: { A: "1" } })).not.toBe(settingsChecksum(base));
    expect(settingsChecksum({ ...base, secretSettings: { S: { secretName: "s", key: "k2" } } })).not.toBe(settingsChecksum(base));
  });
  it("names the annotation and ConfigMap", () => {
    expect(SETTINGS_CHECKSUM_ANNOTATION).toBe("app-platform/settings-checksum");
    expect(settingsConfigMapName("web")).toBe("web-settings");
  });
});

describe("secretEnv", () => {
  it("refers to Secrets by name and key, sorted by variable", () => {
    expect(secretEnv({ secretSettings: { Z: { secretName: "z", key: "v" }, A: { secretName: "a", key: "w" } } })).toEqual([
      { name: "A", valueFrom: { secretKeyRef: { name: "a", key: "w" } } },
      { name: "Z", valueFrom: { secretKeyRef: { name: "z", key: "v" } } },
    ]);
  });
});
