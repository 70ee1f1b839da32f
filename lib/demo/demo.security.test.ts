// Demo mode cannot leak: loopback only, `npm start` refuses it, accounts are not re-enabled on
// boot, and the simulator's control token is generated per data folder.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, ensureDemoAccounts } from "@/lib/auth/setup";
import { parseEnv } from "@/lib/env";
import { refusesDemoPeer } from "@/lib/http/incoming-request";
import { resolveControlToken } from "@/lib/simulator/control";
import { createTestDb } from "@/lib/testing/test-db";
import { assertDemoModeAllowed } from "./demo-guard";

let tmp: string;
beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-demo-sec-"))));
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("demo mode", () => {
  it("refuses to start unless the app listens on loopback only", () => {
    expect(() => assertDemoModeAllowed(parseEnv({ DEMO_MODE: "1", HOST: "0.0.0.0" }))).toThrow(/only runs on loopback/);
    expect(() => assertDemoModeAllowed(parseEnv({ DEMO_MODE: "1", HOST: "127.0.0.1", APP_URL: "https://standby.example.com" }))).toThrow(/only runs on loopback/);
    expect(() => assertDemoModeAllowed(parseEnv({ DEMO_MODE: "1", HOST: "127.0.0.1" }))).not.toThrow();
    expect(() => assertDemoModeAllowed(parseEnv({ DEMO_MODE: "0", HOST: "0.0.0.0" }))).not.toThrow();
  });

  it("answers only peers on this machine", () => {
    expect(refusesDemoPeer({ DEMO_MODE: true }, "192.0.2.10")).toBe(true);
    expect(refusesDemoPeer({ DEMO_MODE: true }, "::ffff:127.0.0.1")).toBe(false);
    expect(refusesDemoPeer({ DEMO_MODE: true }, "::1")).toBe(false);
    expect(refusesDemoPeer({ DEMO_MODE: false }, "192.0.2.10")).toBe(false);
  });

  it("`npm start` refuses DEMO_MODE=1 with a message saying what to do", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/start.ts"], {
      cwd: process.cwd(),
      env: { ...process.env, DEMO_MODE: "1", DATA_DIR: tmp, NODE_ENV: "production" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/DEMO_MODE=1 is set.*Use `npm run demo`/s);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it("does not re-enable a demo account an admin disabled, nor reset its password, on the next boot", async () => {
    const { db, cleanup } = createTestDb();
    try {
      await ensureDemoAccounts(db, "demo");
      const admin = DEMO_ACCOUNTS[0]!.email;
      await db.user.update({ where: { email: admin }, data: { disabled: true, passwordHash: "changed" } });
      await ensureDemoAccounts(db, "demo");
      const row = await db.user.findUniqueOrThrow({ where: { email: admin } });
      expect([row.disabled, row.passwordHash]).toEqual([true, "changed"]);
      expect(await db.user.count()).toBe(DEMO_ACCOUNTS.length);
    } finally {
      await cleanup();
    }
  });
});

describe("simulator control token", () => {
  it("is generated per data folder (0600), kept across starts, and differs between folders", () => {
    const a = resolveControlToken(path.join(tmp, "a"), undefined);
    const b = resolveControlToken(path.join(tmp, "b"), undefined);
    expect(a).toMatch(/^[\w-]{32}$/);
    expect(b).not.toBe(a);
    expect(resolveControlToken(path.join(tmp, "a"), undefined)).toBe(a);
    expect(fs.statSync(path.join(tmp, "a", "control-token")).mode & 0o777).toBe(0o600);
  });

  it("is SIM_CONTROL_TOKEN when set", () => {
    expect(resolveControlToken(path.join(tmp, "c"), "chosen-token")).toBe("chosen-token");
    expect(fs.existsSync(path.join(tmp, "c", "control-token"))).toBe(false);
  });
});
