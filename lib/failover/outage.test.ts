import { describe, expect, it } from "vitest";
import { describePresence, guestPresence } from "@/lib/clusters/guest-presence";
import { dataLossWindow, noCopyYetText } from "./outage";

const times = { failedAt: 10_000, failedAtFrom: "lrm", lastSeenUp: 9_990, detectedAt: 10_012 };

describe("dataLossWindow", () => {
  it("runs from the last sync of the replica the guest was recovered to, to the failure", () => {
    const w = dataLossWindow(times, [{ jobId: "100-0", target: "pve2", lastSync: 9_700 }, { jobId: "100-1", target: "pve3", lastSync: 9_900 }], "pve2");
    expect(w).toMatchObject({ kind: "window", target: "pve2", lastSync: 9_700, seconds: 300, exact: true });
    expect(w.text).toBe("5m of writes lost: the copy on pve2 is from 300 s before the failure");
  });

  it("before a recovery, uses the freshest replica; a failure known only from polls is a lower bound", () => {
    const w = dataLossWindow({ ...times, failedAtFrom: "poll", failedAt: 9_990 }, [{ jobId: "100-0", target: "pve2", lastSync: 9_700 }, { jobId: "100-1", target: "pve3", lastSync: 9_900 }], null);
    expect(w).toMatchObject({ kind: "window", target: "pve3", seconds: 90, exact: false });
    expect(w.text).toMatch(/at least/);
  });

  it("says so when there is no replica, or none on the node it was started on", () => {
    expect(dataLossWindow(times, [], null)).toEqual({ kind: "no-replica", text: "No replica anywhere: the guest's data is only on the dead node" });
    expect(dataLossWindow(times, [{ jobId: "100-0", target: "pve2", lastSync: null }], null).kind).toBe("no-replica");
    expect(dataLossWindow(times, [{ jobId: "100-0", target: "pve2", lastSync: 9_700 }], "pve3")).toMatchObject({ kind: "no-replica", text: expect.stringMatching(/No replica on pve3/) });
  });
});

describe("noCopyYetText", () => {
  it("says in words that nothing was copied back yet, instead of Never", () => {
    expect(noCopyYetText("pve1", false)).toBe("no copy back to pve1 yet; pve1 is offline");
    expect(noCopyYetText("pve1", true)).toBe("no copy back to pve1 yet; the first sync from the new source has not completed");
    expect(noCopyYetText("pve3", true, false)).toBe("no copy on pve3 yet; the first sync has not completed");
  });
});

describe("guestPresence", () => {
  const node = (online: boolean) => ({ online, lastSeenAt: new Date(1_800_000_000_000).toISOString() });

  it("never calls a guest of an offline node running", () => {
    const p = guestPresence({ status: "running", node: "pve1" }, node(false));
    expect(p).toEqual({ kind: "node-offline", state: "unknown", label: "Unknown", node: "pve1", lastStatus: "running", lastSeenAt: 1_800_000_000 });
    expect(describePresence(p, (t) => `T${t}`)).toBe("node pve1 offline, last seen running at T1800000000");
  });

  it("keeps the status recorded at the failure once Proxmox's answer turned to unknown", () => {
    expect(guestPresence({ status: "unknown", node: "pve1" }, node(false), "stopped")).toMatchObject({ lastStatus: "stopped" });
    expect(describePresence(guestPresence({ status: "unknown", node: "pve1" }, node(false)), String)).toMatch(/last seen in an unknown state/);
  });

  it("passes the state through when the node is online", () => {
    expect(guestPresence({ status: "running", node: "pve2" }, node(true))).toEqual({ kind: "known", state: "running", label: "running" });
  });
});
