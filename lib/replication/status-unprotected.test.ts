import { describe, expect, it } from "vitest";
import { deriveJobStatus, type JobStatusInput } from "./status";

// After an HA recovery Proxmox turns the job around (pve2 → pve1) and its state on pve2 starts at
// last_sync 0: the guest's writes since it started on pve2 have no copy anywhere.
const NOW = 1_700_000_000;
const STARTED = NOW - 2400;
const turned: JobStatusInput = {
  config: { id: "100-0", guest: 100, jobnum: 0, target: "pve1", source: "pve2", schedule: "*/5" },
  state: { last_sync: 0, last_try: NOW - 60, next_sync: 0, fail_count: 1, error: "ssh: connect to host pve1 port 22: No route to host" },
  ownerReadable: true,
  stateReadAt: NOW,
  targetOnline: false,
  now: NOW,
  rpoSeconds: 1800,
};

describe("deriveJobStatus after a recovery (unprotectedSince)", () => {
  it("counts the lag from the guest's start on the new node, so it breaches its RPO", () => {
    const status = deriveJobStatus({ ...turned, unprotectedSince: STARTED });
    expect(status.lagSeconds).toBe(2400);
    expect(status.overRpo).toBe(true);
    expect(status.status).toBe("waiting-target");
    expect(status.message).toBe("Target pve1 is offline; failed 1× and Proxmox does not retry until it is back; no copy back to pve1 yet, unprotected for 40m");
  });

  it("without it the lag stays unknown, as before", () => {
    const status = deriveJobStatus(turned);
    expect(status.lagSeconds).toBeNull();
    expect(status.overRpo).toBe(false);
  });

  it("a completed sync takes over: the lag counts from last_sync again", () => {
    const status = deriveJobStatus({ ...turned, targetOnline: true, state: { last_sync: NOW - 120, last_try: NOW - 120, next_sync: NOW + 180, fail_count: 0 }, unprotectedSince: STARTED });
    expect(status.lagSeconds).toBe(120);
    expect(status.status).toBe("ok");
  });
});
