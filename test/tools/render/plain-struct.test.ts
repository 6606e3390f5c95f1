// PlainStruct stands in for google.protobuf.Struct inside the mock runtime. The expectation for
// every case is what the real protobuf Struct (google-protobuf, the package Pulumi uses) gives
// back for the same value, not a retyped answer.
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { describe, expect, it } from "vitest";
import { PlainStruct, structCopy, withPlainStructs } from "../../../tools/render/plain-struct";

const realRoundTrip = (v: Record<string, unknown>) => structproto.Struct.fromJavaScript(v as never).toJavaScript();

// The shapes Pulumi's serialized properties take: secrets and resource references as signature
// objects, the unknown sentinel, nested lists and maps, numbers of every kind, keys whose order
// differs from sorted order (integer-like keys, capitals, punctuation, non-ASCII).
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t" };
const CASES: Record<string, unknown>[] = [
  {},
  { z: 1, a: 2, M: 3, _: 4, "10": 5, "2": 6, é: 7, "a.b/c": 8, "": 9 },
  {
    metadata: { name: "x", labels: { "app.kubernetes.io/name": "x", app: "x" } },
    spec: { replicas: 3, template: { spec: { containers: [{ name: "c", args: ["--a", "-b"], env: [{ name: "K", value: "off" }] }] } } },
  },
  { numbers: [0, -0, 1.5, -2, 1e21, 2 ** 53 + 2, Number.MIN_VALUE], flags: [true, false, null], nested: [[], [[]], [{}], [{ b: 1, a: [2, { d: 3, c: 4 }] }]] },
  {
    password: SECRET,
    ref: { "4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:pulumi:s::p::t::n", id: "" },
    unknown: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  },
  { text: "line 1\nline 2\ttab \u0000 \ud83d\ude00", long: "x".repeat(100_000) },
];

describe("PlainStruct", () => {
  it("gives back exactly what a protobuf Struct round trip gives back: values, -0, key order", () => {
    for (const v of CASES) {
      const real = realRoundTrip(v);
      const plain = new PlainStruct(v).toJavaScript();
      expect(plain).toStrictEqual(real);
      expect(JSON.stringify(plain)).toBe(JSON.stringify(real));
      expect(Object.is((plain.numbers as number[] | undefined)?.[1], -0)).toBe(Object.is((real.numbers as number[] | undefined)?.[1], -0));
    }
  });

  it("is a snapshot: changing the source or a returned copy changes nothing it returns later", () => {
    const source = { a: { b: [1, 2] } };
    const s = new PlainStruct(source);
    source.a.b.push(3);
    const first = s.toJavaScript() as { a: { b: number[] } };
    first.a.b.push(4);
    expect(s.toJavaScript()).toEqual({ a: { b: [1, 2] } });
  });

  it("rejects what a Struct cannot hold with the protobuf error", () => {
    for (const bad of [{ a: undefined }, { a: () => 1 }, { a: [Symbol("s")] }, { a: { b: 1n } }]) {
      expect(() => realRoundTrip(bad)).toThrow("Unexpected struct type.");
      expect(() => new PlainStruct(bad)).toThrow("Unexpected struct type.");
    }
    expect(() => structCopy(undefined)).toThrow("Unexpected struct type.");
  });

  it("answers getFieldsMap() with a real Struct's fields", () => {
    const v = { urn: "urn:pulumi:s::p::t::n", id: "i-1", n: 2 };
    const m = new PlainStruct(v).getFieldsMap();
    expect(m.get("urn")!.toJavaScript()).toBe("urn:pulumi:s::p::t::n");
    expect(m.get("n")!.toJavaScript()).toBe(2);
    expect(m.getLength()).toBe(3);
  });

  it("can be a message's field, as Pulumi sets the request's object and the mock its response's", () => {
    const req = new resproto.RegisterResourceRequest();
    const s = new PlainStruct({ b: 1, a: "x" });
    req.setObject(s);
    expect(req.getObject()).toBe(s);
    expect(req.getObject()!.toJavaScript()).toEqual({ a: "x", b: 1 });
    // Pulumi formats responses into debug messages (`${innerResponse}`): that must still work.
    const res = new resproto.RegisterResourceResponse();
    res.setObject(s);
    expect(typeof String(res)).toBe("string");
  });
});

describe("withPlainStructs", () => {
  it("makes Struct.fromJavaScript return PlainStructs while it runs, and restores it after (also on a throw)", async () => {
    const real = structproto.Struct.fromJavaScript;
    const inside = await withPlainStructs(async () => structproto.Struct.fromJavaScript({ a: 1 }));
    expect(inside).toBeInstanceOf(PlainStruct);
    expect(inside).toBeInstanceOf(structproto.Struct);
    expect(structproto.Struct.fromJavaScript).toBe(real);
    await expect(
      withPlainStructs(async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(structproto.Struct.fromJavaScript).toBe(real);
    expect(structproto.Struct.fromJavaScript({ a: 1 })).not.toBeInstanceOf(PlainStruct);
  });
});
