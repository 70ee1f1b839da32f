import { describe, expect, it } from "vitest";
import { UserError } from "@/lib/auth/users";
import { PveAuthError, PveError, PveUnreachableError } from "@/lib/proxmox/errors";
import { TaggedError } from "./tagged-error";

// A second copy of the classes, as a separate Next bundle would hold them: same tags, other prototypes.
class OtherPveError extends TaggedError {
  static readonly tag: string = "PveError";
}
class OtherPveAuthError extends OtherPveError {
  static readonly tag: string = "PveAuthError";
}

describe("TaggedError", () => {
  it("matches its own class and every ancestor, and no sibling", () => {
    const error = new PveAuthError("no");
    expect(error instanceof PveAuthError).toBe(true);
    expect(error instanceof PveError).toBe(true);
    expect(error instanceof Error).toBe(true);
    expect(error instanceof PveUnreachableError).toBe(false);
    expect(error instanceof UserError).toBe(false);
  });

  it("matches an error thrown by another copy of the same classes", () => {
    const foreign = new OtherPveAuthError("from the poller's bundle");
    expect(foreign instanceof PveAuthError).toBe(true);
    expect(foreign instanceof PveError).toBe(true);
    expect(foreign instanceof PveUnreachableError).toBe(false);
    expect(new OtherPveError("x") instanceof PveAuthError).toBe(false);
  });

  it("never matches plain errors or non-objects", () => {
    expect(new Error("x") instanceof PveError).toBe(false);
    const notErrors: unknown[] = [null, "PveError", { message: "PveError" }];
    for (const value of notErrors) expect(value instanceof UserError || value instanceof PveError).toBe(false);
  });
});
