import * as pulumi from "@pulumi/pulumi";

/** One registration seen by the mocks. */
export interface Captured {
  readonly type: string;
  readonly name: string;
  readonly inputs: any;
}

/** What {@link captureRegistrations} gives a test file. */
export interface Capture {
  /** Every registration so far, in order. */
  readonly captured: Captured[];
  /** Waits until no registration has arrived for one poll (children register asynchronously). */
  settle(): Promise<void>;
  /** Registrations whose name starts with `<prefix>-` (the children of a component named prefix). */
  children(prefix: string): Captured[];
}

/**
 * Installs Pulumi mocks that record every registration's type, name and inputs and answer
 * with the inputs as state (RandomPassword results are the literal "generated"). Call once
 * per test file, at module level or in beforeAll: the Pulumi runtime is process-global.
 */
export function captureRegistrations(): Capture {
  const captured: Captured[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        captured.push({ type: args.type, name: args.name, inputs: args.inputs });
        const generated = args.type === "random:index/randomPassword:RandomPassword" ? { result: "generated" } : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...generated } };
      },
      call: () => ({}),
    },
    "app-platform",
    "test",
    false,
  );
  return {
    captured,
    async settle() {
      let last = -1;
      while (last !== captured.length) {
        last = captured.length;
        await new Promise((r) => setTimeout(r, 30));
      }
    },
    children: (prefix) => captured.filter((c) => c.name.startsWith(`${prefix}-`)),
  };
}
