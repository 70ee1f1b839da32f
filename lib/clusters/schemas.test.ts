import { describe, expect, it } from "vitest";
import { createClusterSchema, endpointsSchema, normalizeFingerprintText, parseEndpoint, TOKEN_ID_RE, updateClusterSchema } from "./schemas";

describe("node addresses", () => {
  it.each([
    ["pve1.example.com", { host: "pve1.example.com", port: 8006 }],
    ["PVE1:8007", { host: "pve1", port: 8007 }],
    ["10.0.0.11", { host: "10.0.0.11", port: 8006 }],
    ["https://10.0.0.11:8006/", { host: "10.0.0.11", port: 8006 }],
    ["[fd00::1]:8443", { host: "fd00::1", port: 8443 }],
    ["fd00::1", { host: "fd00::1", port: 8006 }],
  ])("reads %s", (raw, expected) => expect(parseEndpoint(raw)).toEqual(expected));

  it.each([
    ["pve1:0", /invalid port/],
    ["pve1:99999", /invalid port/],
    ["pve1:abc", /invalid port/],
    ["300.1.1.1", /not a valid IPv4/],
    ["pve_1", /not a host name/],
    ["[pve1]:8006", /IPv6/],
  ])("refuses %s with a clear message", (raw, message) => expect(parseEndpoint(raw)).toMatch(message));

  it("splits lists, keeps the order and drops duplicates", () => {
    expect(endpointsSchema.parse("pve1, pve2:8006\npve1:8006 pve3")).toEqual([
      { host: "pve1", port: 8006 },
      { host: "pve2", port: 8006 },
      { host: "pve3", port: 8006 },
    ]);
    expect(endpointsSchema.safeParse("  ").error?.issues[0]?.message).toMatch(/at least one/);
  });
});

describe("credentials and trust", () => {
  it("uses Proxmox's token id pattern", () => {
    expect(TOKEN_ID_RE.test("standby@pve!monitor")).toBe(true);
    expect(TOKEN_ID_RE.test("root@pam!standby")).toBe(true);
    expect(TOKEN_ID_RE.test("standby@pve")).toBe(false);
    expect(TOKEN_ID_RE.test("standby@pve!1abc")).toBe(false);
    expect(TOKEN_ID_RE.test("a b@pve!x1")).toBe(false);
  });

  it("normalises fingerprints in Proxmox's form", () => {
    const hex = "ab".repeat(32);
    expect(normalizeFingerprintText(hex)).toBe(Array(32).fill("AB").join(":"));
    expect(normalizeFingerprintText(`sha256//${hex}`)).toBe(Array(32).fill("AB").join(":"));
    expect(normalizeFingerprintText("AB:CD")).toBeUndefined();
  });

  const base = { name: "DC", endpoints: "pve1", authKind: "token", principal: "standby@pve!monitor", trustKind: "fingerprint" };

  it("requires a secret and a trust on create, but not on edit", () => {
    const created = createClusterSchema.safeParse(base);
    const fields = created.error?.issues.map((i) => i.path[0]);
    expect(fields).toEqual(expect.arrayContaining(["secret", "fingerprints"]));
    expect(updateClusterSchema.safeParse(base).success).toBe(true);
  });

  it("checks the principal against the chosen auth kind", () => {
    const ticket = createClusterSchema.safeParse({ ...base, authKind: "ticket", secret: "pw", fingerprints: ["ab".repeat(32)] });
    expect(ticket.error?.issues[0]).toMatchObject({ path: ["principal"], message: expect.stringMatching(/user@realm/) });
    const pem = createClusterSchema.safeParse({ ...base, secret: "s", trustKind: "ca", caPem: "nope" });
    expect(pem.error?.issues[0]).toMatchObject({ path: ["caPem"] });
  });
});

describe("form errors", () => {
  it("reports credential errors together with name and address errors", () => {
    const parsed = createClusterSchema.safeParse({ name: "", endpoints: "", authKind: "token", principal: "", secret: "", trustKind: "fingerprint" });
    expect(new Set(parsed.error?.issues.map((i) => i.path[0]))).toEqual(new Set(["name", "endpoints", "principal", "secret", "fingerprints"]));
  });
});
