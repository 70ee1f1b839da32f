import { describe, expect, it } from "vitest";

import { createSimulator } from "@/lib/simulator/simulator";

import { createProxmoxClient } from "@/lib/proxmox/client";
import { getVersion } from "@/lib/proxmox/cluster";
import { PveUnreachableError } from "@/lib/proxmox/errors";
import { createFetchTransport } from "./fetch-transport";
import { getNodeReplicationStatus } from "@/lib/proxmox/replication";

// The in-process path the poller tests, the demo warm-up and the benchmark use: same client, the
// simulator's handler instead of HTTPS, node names as hosts.
describe("createFetchTransport", () => {
  const sim = createSimulator({ authFailureDelayMs: 0, speed: 0 });
  const client = createProxmoxClient({
    endpoints: sim.nodeNames.map((host) => ({ host, port: 8006 })),
    auth: { kind: "token", tokenId: sim.credentials.tokenId, secret: sim.credentials.tokenSecret },
    transport: createFetchTransport(sim.fetch()),
    retries: { attempts: 0 },
  });

  it("reads through the simulator handler with the cluster clock", async () => {
    const result = await getNodeReplicationStatus(client, "pve1");
    expect(result.data.length).toBeGreaterThan(0);
    expect(result.serverTime?.getTime()).toBe(Math.floor(sim.now()) * 1000);
  });

  it("fails over when a node is down", async () => {
    sim.model.setNodeOnline("pve1", false);
    try {
      expect((await getVersion(client)).endpoint).toBe("pve2:8006");
      await expect(getNodeReplicationStatus(client, "pve1")).rejects.toBeInstanceOf(PveUnreachableError);
    } finally {
      sim.model.setNodeOnline("pve1", true);
    }
  });
});
