// Property structs without protobuf, for the in-process mock runtime. Pulumi turns every
// registration's inputs into a google.protobuf.Struct (a message object per value) and the
// mock monitor turns them back, then does the same for the outputs: with no gRPC in between,
// that was about a fifth of a 100-service render's CPU, most of it garbage. A PlainStruct
// keeps the values as plain JavaScript and answers the same calls with the same results.
import * as structproto from "google-protobuf/google/protobuf/struct_pb";

type Struct = structproto.Struct;
const Struct = structproto.Struct;
/** A Struct's plain form: field name -> value. */
type Fields = { [key: string]: structproto.JavaScriptValue };

/**
 * A copy of `value` exactly as a round trip through google.protobuf.Value gives it back: object
 * keys in sorted order (jspb maps iterate sorted keys), inherited enumerable keys included,
 * and the same error for a value a Struct cannot hold (undefined, functions, symbols, bigints).
 */
export function structCopy(value: unknown): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "object": {
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) out[i] = structCopy(value[i]);
        return out;
      }
      return objectCopy(value as Record<string, unknown>);
    }
    default:
      throw new Error("Unexpected struct type.");
  }
}

function objectCopy(obj: Record<string, unknown>): Record<string, unknown> {
  const keys: string[] = [];
  for (const k in obj) keys.push(k);
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = structCopy(obj[k]);
  return out;
}

/**
 * A google.protobuf.Struct (so that messages accept it as a field) holding plain values:
 * toJavaScript() returns a fresh copy, as the protobuf one does; any other use of its fields
 * gets a real Struct's. Its wire form is empty: it is only for a runtime that never serializes.
 */
export class PlainStruct extends Struct {
  readonly #value: Fields;
  #real?: Struct;

  constructor(obj: Record<string, unknown>) {
    super();
    this.#value = objectCopy(obj) as Fields;
  }

  override toJavaScript(): Fields {
    return objectCopy(this.#value) as Fields;
  }

  override getFieldsMap(): ReturnType<Struct["getFieldsMap"]> {
    this.#real ??= realFromJavaScript(this.#value);
    return this.#real.getFieldsMap();
  }
}

const realFromJavaScript = Struct.fromJavaScript;

/**
 * Runs `fn` with Struct.fromJavaScript making {@link PlainStruct}s, restoring it when the
 * returned promise settles.
 */
export async function withPlainStructs<T>(fn: () => Promise<T>): Promise<T> {
  Struct.fromJavaScript = (obj: Fields) => {
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return realFromJavaScript(obj);
    return new PlainStruct(obj);
  };
  try {
    return await fn();
  } finally {
    Struct.fromJavaScript = realFromJavaScript;
  }
}
