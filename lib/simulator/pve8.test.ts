import { describe, expect, it } from "vitest";

import { api, frozenSimulator, T0 } from "./test-support";

// A simulator answering as PVE 8 (`pveVersion: 8`): HA groups instead of rules, as a PVE 8 cluster
// had them before PVE 9 migrated them (restricted → strict rule, nofailback → failback=0).

const pve8 = () => frozenSimulator({ pveVersion: 8 });

describe("the PVE 8 HA API", () => {
  it("has no rules path, lists the demo's group with node:prio, restricted and the resource's group", async () => {
    const sim = pve8();
    const rules = await api(sim, "GET", "/cluster/ha/rules");
    expect(rules.status).toBe(501);
    expect(rules.statusText).toBe("Method 'GET /api2/json/cluster/ha/rules' not implemented");
    expect((await api(sim, "GET", "/version")).data).toMatchObject({ version: "8.4.1", release: "8.4" });

    const groups = (await api(sim, "GET", "/cluster/ha/groups")).data as Record<string, unknown>[];
    expect(groups).toEqual([{ group: "db-on-replicas", type: "group", nodes: "pve1,pve2", restricted: 1, digest: expect.any(String) }]);
    const resources = (await api(sim, "GET", "/cluster/ha/resources")).data as Record<string, unknown>[];
    expect(resources.find((r) => r.sid === "vm:100")).toMatchObject({ group: "db-on-replicas" });
    expect(resources.find((r) => r.sid === "vm:100")).not.toHaveProperty("failback");
    const status = (await api(sim, "GET", "/cluster/ha/status/current")).data as Record<string, unknown>[];
    expect(status.find((e) => e.id === "service:vm:100")).toMatchObject({ group: "db-on-replicas" });
  });

  it("edits a group through PUT, refuses a PVE 9 failback and an unknown group", async () => {
    const sim = pve8();
    const groups = (await api(sim, "GET", "/cluster/ha/groups/db-on-replicas")).data as { digest: string };
    expect((await api(sim, "PUT", "/cluster/ha/groups/db-on-replicas", { nodes: "pve1:2,pve2:1", restricted: 0, nofailback: 1, digest: groups.digest })).status).toBe(200);
    expect((await api(sim, "GET", "/cluster/ha/groups/db-on-replicas")).data).toMatchObject({ nodes: "pve1:2,pve2:1", nofailback: 1 });
    expect((await api(sim, "GET", "/cluster/ha/groups/db-on-replicas")).data).not.toHaveProperty("restricted");
    expect((await api(sim, "PUT", "/cluster/ha/groups/db-on-replicas", { restricted: 1, digest: groups.digest })).body.message).toMatch(/detected modified configuration/);
    expect((await api(sim, "PUT", "/cluster/ha/resources/vm:100", { failback: 0 })).status).toBe(400);
    expect((await api(sim, "PUT", "/cluster/ha/resources/vm:100", { group: "nope" })).body.message).toBe("ha group 'nope' does not exist\n");
    expect((await api(sim, "GET", "/cluster/ha/groups/nope")).body.message).toBe("no such ha group 'nope'\n");
  });

  it("PVE 9 still refuses groups, as a cluster whose groups were migrated to rules", async () => {
    const sim = frozenSimulator();
    expect((await api(sim, "GET", "/cluster/ha/groups")).body.message).toBe("cannot index groups: ha groups have been migrated to rules\n");
    expect((await api(sim, "GET", "/cluster/ha/rules")).status).toBe(200);
  });

  it("recovers by the group's priorities and fails back to its preferred node; a restricted group keeps the guest off other nodes", async () => {
    const sim = pve8();
    sim.advance(3600);
    expect((await api(sim, "PUT", "/cluster/ha/groups/db-on-replicas", { nodes: "pve1:1,pve2:2", restricted: 0 })).status).toBe(200);
    // pve2 has the higher priority: HA migrates vm:100 there at once (failback is on).
    for (let t = 0; t < 300 && sim.model.guest(100)?.node !== "pve2"; t += 10) sim.advance(10);
    expect(sim.model.guest(100)).toMatchObject({ node: "pve2", status: "running" });
    sim.setNodeOnline("pve2", false);
    for (let t = 0; t < 400 && sim.model.guest(100)?.node === "pve2"; t += 10) sim.advance(10);
    expect(sim.model.guest(100)?.node).toBe("pve1");
    sim.setNodeOnline("pve2", true);
    for (let t = 0; t < 400 && sim.model.guest(100)?.node !== "pve2"; t += 10) sim.advance(10);
    expect(sim.model.guest(100)).toMatchObject({ node: "pve2", status: "running" });

    // nofailback: after the next recovery it stays on pve1 when pve2 returns.
    expect((await api(sim, "PUT", "/cluster/ha/groups/db-on-replicas", { nofailback: 1 })).status).toBe(200);
    sim.setNodeOnline("pve2", false);
    for (let t = 0; t < 400 && sim.model.guest(100)?.node === "pve2"; t += 10) sim.advance(10);
    sim.setNodeOnline("pve2", true);
    sim.advance(400);
    expect(sim.model.guest(100)?.node).toBe("pve1");

    // Restricted to pve1 alone: with pve1 dead, HA has nowhere to put it and leaves it there.
    expect((await api(sim, "PUT", "/cluster/ha/groups/db-on-replicas", { nodes: "pve1", restricted: 1 }, undefined, "pve2")).status).toBe(200);
    sim.setNodeOnline("pve1", false);
    sim.advance(600);
    expect(sim.model.guest(100)?.node).toBe("pve1");
    expect(sim.now()).toBeGreaterThan(T0 + 3600);
  });
});
