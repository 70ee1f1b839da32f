import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecret, sealSecret, SecretBoxError } from "./secret-box";

const key = crypto.randomBytes(32);

describe("secret box", () => {
  it("round-trips and never stores the plaintext", () => {
    const sealed = sealSecret(key, "5f3c-token-secret", "cluster:1");
    expect(sealed).not.toContain("5f3c");
    expect(openSecret(key, sealed, "cluster:1")).toBe("5f3c-token-secret");
  });

  it("uses a fresh nonce each time", () => {
    expect(sealSecret(key, "same", "a")).not.toBe(sealSecret(key, "same", "a"));
  });

  it("refuses another key, another owner, or a tampered ciphertext", () => {
    const sealed = sealSecret(key, "secret", "cluster:1");
    expect(() => openSecret(crypto.randomBytes(32), sealed, "cluster:1")).toThrow(SecretBoxError);
    expect(() => openSecret(key, sealed, "cluster:2")).toThrow(SecretBoxError);
    const parts = sealed.split(":");
    const flipped = Buffer.from(parts[3]!, "base64");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openSecret(key, [...parts.slice(0, 3), flipped.toString("base64")].join(":"), "cluster:1")).toThrow(SecretBoxError);
    expect(() => openSecret(key, "garbage", "cluster:1")).toThrow(/unknown format/);
  });
});
