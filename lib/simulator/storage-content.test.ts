import { describe, expect, it } from "vitest";

import { api, frozenSimulator } from "./test-support";

type Volume = { volid: string; format: string; size: number; vmid: number; content: string; ctime: number };

describe("GET /nodes/{node}/storage/{storage}/content", () => {
  it("lists the replicas a node holds, so a failover can check every disk has one on the target", async () => {
    const sim = frozenSimulator();
    sim.advance(3600);
    const onTarget = (await api(sim, "GET", "/nodes/pve2/storage/local-zfs/content", { vmid: 100 }, undefined, "pve2")).data as Volume[];
    expect(onTarget.map((v) => v.volid)).toEqual(["local-zfs:vm-100-disk-0", "local-zfs:vm-100-disk-1"]);
    const config = (await api(sim, "GET", "/nodes/pve1/qemu/100/config")).data as Record<string, string>;
    for (const v of onTarget) {
      expect(v).toMatchObject({ format: "raw", vmid: 100, content: "images" });
      expect(Object.values(config).some((value) => typeof value === "string" && value.startsWith(`${v.volid},`))).toBe(true);
      expect(v.size).toBeGreaterThan(0);
      expect(v.ctime).toBeGreaterThan(0);
    }
    // No job of VM 100 targets pve3; its container 102 is a subvol (rootdir).
    expect((await api(sim, "GET", "/nodes/pve3/storage/local-zfs/content", { vmid: 100 }, undefined, "pve3")).data).toEqual([]);
    expect((await api(sim, "GET", "/nodes/pve3/storage/local-zfs/content", { vmid: 102, content: "rootdir" }, undefined, "pve3")).data).toMatchObject([
      { volid: "local-zfs:subvol-102-disk-0", format: "subvol", content: "rootdir", vmid: 102 },
    ]);
    // VM 110's disk is on `local` (dir), which cannot replicate: pve2 has nothing of it.
    expect((await api(sim, "GET", "/nodes/pve2/storage/local/content", { vmid: 110 }, undefined, "pve2")).data).toEqual([]);
    expect(((await api(sim, "GET", "/nodes/pve1/storage/local/content", { vmid: 110 })).data as Volume[]).length).toBe(1);
  });

  it("answers Proxmox's errors for an unknown storage and a dead node", async () => {
    const sim = frozenSimulator();
    expect((await api(sim, "GET", "/nodes/pve1/storage/nope/content")).statusText).toBe("storage 'nope' does not exist");
    sim.setNodeOnline("pve3", false);
    expect((await api(sim, "GET", "/nodes/pve3/storage/local-zfs/content", {}, undefined, "pve1")).status).toBe(595);
  });
});
