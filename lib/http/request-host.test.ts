import { describe, expect, it } from "vitest";
import { isAllowedHost, requestHost, requestProto } from "./request-host";

const reader = (headers: Record<string, string>) => (name: string) => headers[name] ?? null;

describe("host check", () => {
  const loopback = { appUrl: "http://127.0.0.1:3000", bindHost: "127.0.0.1" };
  it("accepts APP_URL's host and, when bound to loopback, loopback names", () => {
    expect(isAllowedHost("127.0.0.1:3000", loopback)).toBe(true);
    expect(isAllowedHost("localhost:3000", loopback)).toBe(true);
    expect(isAllowedHost("[::1]:3000", loopback)).toBe(true);
  });

  it("refuses a rebound name pointing at a loopback-bound instance", () => {
    expect(isAllowedHost("evil.example:3000", loopback)).toBe(false);
    expect(isAllowedHost("127.0.0.1.evil.example", loopback)).toBe(false);
    expect(isAllowedHost(null, loopback)).toBe(false);
  });

  it("accepts only APP_URL's host when not bound to loopback", () => {
    const exposed = { appUrl: "https://standby.example.com", bindHost: "0.0.0.0" };
    expect(isAllowedHost("standby.example.com", exposed)).toBe(true);
    expect(isAllowedHost("localhost:3000", exposed)).toBe(false);
    expect(isAllowedHost("other.example.com", exposed)).toBe(false);
  });
});

describe("forwarded host and scheme", () => {
  const forged = { host: "127.0.0.1:3000", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };
  it("are ignored without a trusted proxy", () => {
    expect(requestHost(reader(forged), false)).toBe("127.0.0.1:3000");
    expect(requestProto(reader(forged), false, false)).toBe("http");
  });
  it("count behind a trusted proxy", () => {
    expect(requestHost(reader(forged), true)).toBe("evil.example");
    expect(requestProto(reader(forged), true, false)).toBe("https");
  });
});
