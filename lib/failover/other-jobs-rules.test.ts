import { describe, expect, it } from "vitest";
import { otherJobsAfterMove, recoveryJobFacts, replicatedDiskBytes } from "./other-jobs";

// The branches of other-jobs.ts that the simulated scenarios (other-jobs.test.ts) do not reach.

const GIB = 1024 ** 3;

describe("what the preflights say about a guest's other jobs", () => {
  it("says nothing for a guest with a single job", () => {
    expect(otherJobsAfterMove({ kind: "migration", target: "pve2", jobs: [{ id: "101-0", target: "pve2", lastSync: 100 }], diskBytes: null })).toEqual([]);
  });

  it("after a recovery, a job that never synced costs a full copy; one whose state is unknown gets no promise of a base", () => {
    const jobs = recoveryJobFacts(
      [{ id: "108-0", target: "pve1" }, { id: "108-1", target: "pve2" }, { id: "108-2", target: "pve4" }],
      [{ jobId: "108-0", target: "pve1", lastSync: 1000 }, { jobId: "108-1", target: "pve2", lastSync: null }],
    );
    expect(jobs.map((j) => j.lastSync)).toEqual([1000, 0, null]);
    const checks = otherJobsAfterMove({ kind: "recovery", target: "pve1", jobs, diskBytes: 4 * GIB });
    expect(checks.map((c) => c.result)).toEqual(["warning", "pass"]);
    expect(checks[0]?.message).toBe("Job 108-1 to pve2 has never completed a sync: its first run, from pve1 after the move, copies the replicated disks in full (4.0 GiB provisioned).");
    expect(checks[1]?.message).toMatch(/^Job 108-2 to pve4 runs from pve1 at once after the move \(no state there yet\)/);
  });

  it("counts only the disks replication copies", () => {
    const disk = { storage: "local-zfs", storageType: "zfspool", shared: false, replicate: true, cdrom: false };
    expect(replicatedDiskBytes([
      { key: "scsi0", volid: "local-zfs:vm-1-disk-0", sizeBytes: 8 * GIB, ...disk },
      { key: "scsi1", volid: "local-zfs:vm-1-disk-1", sizeBytes: 2 * GIB, ...disk, replicate: false },
      { key: "scsi2", volid: "nfs:1/vm-1-disk-2.qcow2", sizeBytes: 5 * GIB, ...disk, storage: "nfs", storageType: "nfs", shared: true },
    ])).toBe(8 * GIB);
    expect(replicatedDiskBytes(null)).toBeNull();
  });
});
