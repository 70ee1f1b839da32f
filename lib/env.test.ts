import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("has safe defaults: loopback, ./data, no demo", () => {
    const env = parseEnv({});
    expect(env.HOST).toBe("127.0.0.1");
    expect(env.DEMO_MODE).toBe(false);
    expect(env.databaseFile).toBe(path.resolve("data", "pve-standby.db"));
    expect(env.appUrl).toBe("http://127.0.0.1:3000");
  });

  it("names each malformed variable and what is wrong with it", () => {
    let message = "";
    try {
      parseEnv({ PORT: "eighty", DEMO_MODE: "yes", ENCRYPTION_KEY: "short" });
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/PORT: must be a port number \(got "eighty"\)/);
    expect(message).toMatch(/DEMO_MODE: must be 0\/1 or true\/false/);
    expect(message).toMatch(/ENCRYPTION_KEY: must be 32 bytes in base64/);
  });

  it("treats empty values as unset", () => {
    expect(parseEnv({ PORT: "", APP_URL: "" }).PORT).toBe(3000);
  });
});
