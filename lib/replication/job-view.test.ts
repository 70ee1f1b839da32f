import { describe, expect, it } from "vitest";
import { deriveJobView, targetOnlineLookup, type StoredJob } from "./job-view";
import { deriveJobStatus } from "./status";

const POLLED = 1_700_000_000;

/** A healthy job (every 15 minutes) as the poller stores it right after reading its owner at POLLED. */
function stored(overrides: Partial<StoredJob> = {}): StoredJob {
  return {
    jobId: "100-0", vmid: 100, jobnum: 0, source: "pve1", target: "pve2", schedule: "*/15", disabled: false, removeJob: null,
    lastSync: POLLED - 300, lastTry: POLLED - 300, nextSync: POLLED + 600, duration: 2.5, failCount: 0, error: null, pid: null,
    stateClusterTime: POLLED, polledAt: POLLED, status: "ok", statusMessage: "Last sync 5m ago; next run in 10m", rpoSeconds: null,
    ...overrides,
  };
}

describe("deriveJobView", () => {
  it("gives the poller's own answer at the poll's clock", () => {
    const job = stored();
    const view = deriveJobView(job, { clusterNow: POLLED, targetOnline: true });
    const poller = deriveJobStatus({
      config: { id: "100-0", guest: 100, jobnum: 0, target: "pve2", source: "pve1", schedule: "*/15" },
      state: { last_sync: POLLED - 300, last_try: POLLED - 300, next_sync: POLLED + 600, fail_count: 0, duration: 2.5 },
      ownerReadable: true,
      stateReadAt: POLLED,
      targetOnline: true,
      now: POLLED,
      rpoSeconds: 1800,
    });
    expect(view).toEqual({ ...poller, rpoSeconds: 1800, rpoIsDefault: true });
    expect(view.status).toBe("ok");
  });

  it("turns a stored ok into late once the lag passes the RPO between polls (badge and lag bar agree)", () => {
    // Stored at POLLED as "ok" with 5 minutes of lag; read 40 minutes later with no poll since.
    const later = POLLED + 40 * 60;
    const view = deriveJobView(stored(), { clusterNow: later, targetOnline: true });
    expect(view.lagSeconds).toBe(45 * 60);
    expect(view.rpoSeconds).toBe(30 * 60);
    expect(view.overRpo).toBe(true);
    expect(view.status).toBe("late");
    expect(view.message).toBe("Lag 45m exceeds the RPO of 30m; run due now");
  });

  it("uses the operator's RPO over the schedule's default", () => {
    const view = deriveJobView(stored({ rpoSeconds: 120 }), { clusterNow: POLLED, targetOnline: true });
    expect(view).toMatchObject({ rpoSeconds: 120, rpoIsDefault: false, overRpo: true, status: "late" });
  });

  it("keeps a job stale while its owner cannot be read, and says how old its values are", () => {
    const job = stored({ status: "stale", polledAt: POLLED + 120 });
    const view = deriveJobView(job, { clusterNow: POLLED + 180, targetOnline: true });
    expect(view.status).toBe("stale");
    expect(view.staleSeconds).toBe(180);
    expect(view.lagSeconds).toBe(480);
    expect(view.message).toBe("Owner node pve1 cannot be read; values from 3m ago, last sync 8m ago");
  });

  it("keeps the reason when the whole cluster could not be read", () => {
    const job = stored({ status: "stale", statusMessage: "The cluster cannot be read (timeout): no answer in 10 s" });
    const view = deriveJobView(job, { clusterNow: POLLED + 60, targetOnline: true });
    expect(view.status).toBe("stale");
    expect(view.message).toBe("The cluster cannot be read (timeout): no answer in 10 s (Owner node pve1 cannot be read; values from 1m ago, last sync 6m ago)");
  });

  it("reads a job its readable owner did not list as Proxmox does: all zeros", () => {
    // The owner answered at POLLED + 60 without this job; the stored state is from POLLED.
    const job = stored({ polledAt: POLLED + 60, status: "never-synced" });
    const view = deriveJobView(job, { clusterNow: POLLED + 60, targetOnline: true });
    expect(view.status).toBe("never-synced");
    expect(view.lagSeconds).toBeNull();
  });

  it("keeps a disabled job's last known lag whatever its owner did", () => {
    const job = stored({ disabled: true, status: "disabled", polledAt: POLLED + 60 });
    const view = deriveJobView(job, { clusterNow: POLLED + 60, targetOnline: true });
    expect(view.status).toBe("disabled");
    expect(view.lagSeconds).toBe(360);
  });

  it("tells a failing job from one waiting for its offline target", () => {
    const failing = stored({ failCount: 2, error: "storage full", lastTry: POLLED - 60, nextSync: POLLED + 540, status: "failing" });
    expect(deriveJobView(failing, { clusterNow: POLLED, targetOnline: true })).toMatchObject({ status: "failing", nextRetryAt: POLLED + 540 });
    expect(deriveJobView(failing, { clusterNow: POLLED, targetOnline: false }).status).toBe("waiting-target");
    expect(deriveJobView({ ...failing, nextSync: 0 }, { clusterNow: POLLED, targetOnline: null }).status).toBe("waiting-target");
  });

  it("shows a running sync as syncing however long it runs", () => {
    const job = stored({ pid: 4242, lastTry: POLLED - 30, status: "syncing" });
    expect(deriveJobView(job, { clusterNow: POLLED + 3600, targetOnline: true }).status).toBe("syncing");
  });
});

describe("targetOnlineLookup", () => {
  it("answers per cluster and node, null for a node never seen", () => {
    const online = targetOnlineLookup([
      { clusterId: "a", name: "pve2", online: true },
      { clusterId: "b", name: "pve2", online: false },
    ]);
    expect(online("a", "pve2")).toBe(true);
    expect(online("b", "pve2")).toBe(false);
    expect(online("a", "pve9")).toBeNull();
  });
});
