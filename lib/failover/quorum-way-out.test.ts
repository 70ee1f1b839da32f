import { describe, expect, it } from "vitest";
import type { LiveCluster } from "./live-state";
import { quorumWayOut } from "./recovery-preflight";

const live = (nodes: Record<string, boolean>): LiveCluster => ({ now: 0, quorate: false, nodes: new Map(Object.entries(nodes)), guests: [], storages: [], jobs: [], ha: [] });

describe("the pvecm expected way out of a lost quorum", () => {
  it("asks to be certain that every node left out of the lowered count is off, not only the one recovered from", () => {
    const way = quorumWayOut(live({ pve1: false, pve2: false, pve3: true }), "pve1");
    expect(way.command).toBe("pvecm expected 1");
    expect(way.explanation).toContain("run `pvecm expected 1` on pve3");
    expect(way.explanation).toContain("be certain pve1 and pve2 are off: if any of them is alive on the other side of a split");
  });

  it("names the one dead node when it is the only one down", () => {
    const way = quorumWayOut(live({ pve1: false, pve2: true, pve3: true, pve4: true }), "pve1");
    expect(way.command).toBe("pvecm expected 3");
    expect(way.explanation).toContain("be certain pve1 is off: if it is alive on the other side of a split");
  });
});
