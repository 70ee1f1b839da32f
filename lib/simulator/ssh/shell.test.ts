import { describe, expect, it } from "vitest";
import { recoveryCommands } from "@/lib/failover/recovery-commands";
import { frozenSimulator } from "../test-support";
import { runCommandLine, tokenize } from "./shell";

// The grammar of the simulated root shell against what bash does with the same line.

describe("the simulated root shell's comments", () => {
  it("a word starting with # comments out the rest of the line, quotes and all; a # inside a word does not", () => {
    expect(tokenize("# on pve1, as root (SSH or the node's web shell)")).toEqual([]);
    expect(tokenize('pvecm status   # go on only if it says "Quorate: Yes"')).toEqual([{ word: "pvecm" }, { word: "status" }]);
    expect(tokenize("echo a#b;# it's a comment")).toEqual([{ word: "echo" }, { word: "a#b" }, { op: ";" }]);
    expect(tokenize("echo 'a # b'")).toEqual([{ word: "echo" }, { word: "a # b" }]);
    expect(tokenize("# one\necho two")).toEqual([{ word: "echo" }, { word: "two" }]);
  });

  it("every line the recovery dialog shows runs as pasted: the comment answers 0 and the move happens", async () => {
    const sim = frozenSimulator();
    sim.model.setNodeOnline("pve2", false, sim.now());
    const lines = recoveryCommands({ vmid: 107, type: "qemu", source: "pve2", target: "pve1" });
    const outputs = [];
    for (const line of lines) outputs.push(await runCommandLine(sim, "pve1", line));
    expect(outputs.map((o) => [o.code, o.stderr])).toEqual(lines.map(() => [0, ""]));
    expect(outputs[1]?.stdout).toContain("Quorate:          Yes");
    expect(sim.model.guest(107)?.node).toBe("pve1");
  });

  it("cat shows a guest's startup order, as its configuration holds it", async () => {
    const sim = frozenSimulator();
    const guest = sim.model.guest(103);
    if (guest) guest.startup = "order=1,up=30";
    const out = await runCommandLine(sim, "pve2", "cat /etc/pve/nodes/pve1/qemu-server/103.conf");
    expect(out.stdout).toMatch(/^startup: order=1,up=30$/m);
  });
});
