import { describe, expect, it } from "vitest";

import { api, frozenSimulator, jobStatus, T0 } from "./test-support";

describe("node time zone", () => {
  it("evaluates schedules and writes logs in the nodes' local time, as Proxmox does", async () => {
    // T0 = 2023-11-14 22:13:20 UTC = 23:13:20 in Berlin (CET, UTC+1).
    const sim = frozenSimulator({ timeZone: "Europe/Berlin" });
    for (const job of sim.model.listJobs()) if (job.id !== "108-0") sim.model.deleteJob(job.id);
    await api(sim, "PUT", "/cluster/replication/108-0", { schedule: "23:30" });
    const time = (await api(sim, "GET", "/nodes/pve1/time")).data as Record<string, unknown>;
    expect(time).toEqual({ time: T0, localtime: T0 + 3600, timezone: "Europe/Berlin" });
    sim.advance(60);
    const first = (await jobStatus(sim, "pve3", "108-0"))!;
    expect(first.last_try).toBe(T0 + 40);
    expect(first.next_sync).toBe(T0 + 1000); // 23:30 Berlin = 22:30 UTC
    const log = (await api(sim, "GET", "/nodes/pve3/replication/108-0/log", {}, undefined, "pve3")).data as { t: string }[];
    expect(log[0]?.t).toBe("2023-11-14 23:14:00 108-0: start replication job");
    const analyze = (await api(sim, "GET", "/cluster/jobs/schedule-analyze", { schedule: "23:30", starttime: T0, iterations: 2 })).data;
    expect(analyze).toEqual([
      { timestamp: T0 + 1000, utc: "Tue Nov 14 22:30:00 2023" },
      { timestamp: T0 + 1000 + 86_400, utc: "Wed Nov 15 22:30:00 2023" },
    ]);
  });
});
