import { describe, expect, it } from "vitest";
import { npmScriptCommand, parseNodeCommand } from "./npm-script";

describe("parseNodeCommand", () => {
  it("splits the environment, node's options, the script and its arguments", () => {
    expect(parseNodeCommand("MALLOC_ARENA_MAX=2 FOO= node --import tsx --conditions=react-server scripts/poller.ts --once x")).toEqual({
      env: { MALLOC_ARENA_MAX: "2", FOO: "" },
      nodeArgs: ["--import", "tsx", "--conditions=react-server"],
      script: "scripts/poller.ts",
      args: ["--once", "x"],
    });
  });

  it("does not take an option's value for the script", () => {
    expect(parseNodeCommand("node --require ./hook.cjs -r other.js main.mjs")).toEqual({ env: {}, nodeArgs: ["--require", "./hook.cjs", "-r", "other.js"], script: "main.mjs", args: [] });
  });

  it("refuses a wrapper, a command without a script, and shell syntax", () => {
    expect(() => parseNodeCommand("tsx --conditions=react-server scripts/poller.ts")).toThrow(/does not start node directly/);
    expect(() => parseNodeCommand("node --expose-gc")).toThrow(/names no script/);
    expect(() => parseNodeCommand("node a.ts && node b.ts")).toThrow(/shell syntax/);
    expect(() => parseNodeCommand('FOO="a b" node a.ts')).toThrow(/shell syntax/);
  });
});

describe("npmScriptCommand", () => {
  it("reads how `npm run poller` starts the poller: node itself on scripts/poller.ts with tsx as a loader", () => {
    const poller = npmScriptCommand("poller");
    expect(poller.script).toBe("scripts/poller.ts");
    expect(poller.nodeArgs).toContain("--conditions=react-server");
  });

  it("names a missing script", () => {
    expect(() => npmScriptCommand("no-such-script")).toThrow(/no "no-such-script" script/);
  });
});
