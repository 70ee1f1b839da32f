import { describe, expect, it } from "vitest";

import { changedBytes, zfsSize } from "./change-rate";
import { api, frozenSimulator, jobStatus } from "./test-support";

describe("change rate", () => {
  it("averages to the configured rate over a day, busier in the afternoon than at night", () => {
    const day = Date.UTC(2023, 10, 14) / 1000;
    expect(changedBytes(1000, day, day + 86_400)).toBeCloseTo(86_400_000, -3);
    const at = (h: number) => changedBytes(1000, day + h * 3600, day + (h + 1) * 3600);
    expect(at(14)).toBeGreaterThan(at(2) * 3);
    expect(zfsSize(1_360_000)).toBe("1.30M");
    expect(zfsSize(3.2 * 1024 ** 3)).toBe("3.20G");
  });

  it("decides the size of incremental syncs, and the control API changes it", async () => {
    const sim = frozenSimulator();
    for (const job of sim.model.listJobs()) if (job.id !== "107-0") sim.model.deleteJob(job.id);
    const sizeOfLastRun = async () => {
      const log = (await api(sim, "GET", "/nodes/pve2/replication/107-0/log", { limit: 0 }, undefined, "pve2")).data as { t: string }[];
      const line = log.map((l) => l.t).find((t) => t.includes("total estimated size is")) ?? "";
      return line.split("total estimated size is ")[1];
    };
    sim.advance(3600);
    const quiet = await control(sim, 0);
    expect(quiet).toBe(200);
    sim.advance(900);
    expect(await sizeOfLastRun()).toBe("64.0K"); // only the stream overhead
    await control(sim, 20_000_000);
    const before = (await jobStatus(sim, "pve2", "107-0"))!.last_sync;
    sim.advance(900);
    expect((await jobStatus(sim, "pve2", "107-0"))!.last_sync).toBeGreaterThan(before);
    expect(await sizeOfLastRun()).toMatch(/G$/);
  });
});

async function control(sim: ReturnType<typeof frozenSimulator>, rate: number): Promise<number> {
  const res = await sim.handle("pve1", {
    method: "PUT",
    url: "/control/guests/107",
    headers: { authorization: `Bearer ${sim.controlToken}`, "content-type": "application/json" },
    body: JSON.stringify({ change_rate: rate }),
  });
  return res.status;
}
