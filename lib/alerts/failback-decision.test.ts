import { describe, expect, it } from "vitest";
import type { FailbackHoldView, PendingFailbackDecision } from "@/lib/failover/failback-queries";
import { holdAwaitsDecision, type FailbackGuestPlan } from "@/lib/failover/failback-types";
import { failbackDecisionCondition, type FailbackDecisionInput } from "./failback-decision";
import { RULE_INFO } from "./rules";

const plan: FailbackGuestPlan = {
  vmid: 100, type: "qemu", name: "db", oldNode: "pve1", newNode: "pve2", jobId: "100-0",
  lastSync: 1_800_000_000, failedAt: 1_800_000_300, volumes: [{ volid: "local-zfs:vm-100-disk-0", storage: "local-zfs", name: "vm-100-disk-0" }], haSid: null,
};

const laneSteps = (states: Partial<Record<string, string>> = {}) =>
  ["failback-hold-job", "failback-decide", "failback-preserve", "failback-release", "failback-sync"].map((kind) => ({ kind, state: states[kind] ?? "pending", message: null }));

function hold(over: Partial<FailbackHoldView> = {}): FailbackHoldView {
  return {
    operationId: "op-1", state: "running", holderLabel: "pve-standby", automatic: true, createdAt: 1_800_000_400, decision: null, asksChoice: true,
    steps: laneSteps({ "failback-hold-job": "done", "failback-decide": "checking" }),
    commands: [], readBack: null, divergenceCommand: null, divergence: null, divergenceError: null, summary: null, ...over,
  };
}

function input(over: Partial<FailbackDecisionInput> = {}, pending: Partial<PendingFailbackDecision> = {}): FailbackDecisionInput {
  return { clusterId: "c1", clusterName: "lab", pending: { plan, hold: hold(), ...pending }, oldNodeOnline: true, job: null, ...over };
}

describe("holdAwaitsDecision (lib/failover's one answer the rule reads)", () => {
  it("waits while the operation is on, nothing is chosen and the lane has not stopped", () => {
    expect(holdAwaitsDecision(hold())).toBe(true);
    // Before the decide step is reached the hold already waits for a person (the route takes the choice once the job is held).
    expect(holdAwaitsDecision(hold({ steps: laneSteps({ "failback-hold-job": "verifying" }) }))).toBe(true);
    // Paused: a choice is accepted and read once it resumes.
    expect(holdAwaitsDecision(hold({ state: "paused" }))).toBe(true);
  });

  it("does not wait once chosen, once the operation ended, or once the lane stopped on a failed step", () => {
    expect(holdAwaitsDecision(hold({ decision: { choice: "keep", by: "sam", byId: "user-2", at: "2027-01-15T08:00:00.000Z" } }))).toBe(false);
    for (const state of ["succeeded", "failed", "abandoned"]) expect(holdAwaitsDecision(hold({ state }))).toBe(false);
    expect(holdAwaitsDecision(hold({ steps: laneSteps({ "failback-hold-job": "failed" }) }))).toBe(false);
    expect(holdAwaitsDecision(hold({ steps: laneSteps({ "failback-hold-job": "done", "failback-decide": "done" }) }))).toBe(false);
  });
});

describe("the failback-decision condition", () => {
  it("names the cluster, guest, job, the returned node and what is at stake, and links to the Failover page", () => {
    const c = failbackDecisionCondition(input())!;
    expect(c).toMatchObject({
      key: "failback-decision:op-1/100", rule: "failback-decision", severity: RULE_INFO["failback-decision"].severity,
      clusterId: "c1", clusterName: "lab", subjectType: "job", subjectId: "c1/100-0", jobRowId: null,
      link: "/failover?cluster=c1&node=pve1",
      facts: expect.objectContaining({ node: "pve1", nodeState: "online", newNode: "pve2", jobId: "100-0", vmid: 100, operationId: "op-1", holdState: "running" }),
    });
    expect(c.title).toBe("Failback of VM 100 (db) on lab waits for a decision: keep or discard pve1's writes (pve1 is back)");
    expect(c.detail).toContain("pve1 is back online");
    expect(c.detail).toContain("Replication pve2 → pve1 (job 100-0) is held: the job is disabled.");
    expect(c.detail).toContain(`back to the last common snapshot (${new Date(plan.lastSync! * 1000).toISOString()})`);
    expect(c.detail).toMatch(/keep pve1's writes .* or discard them/);
  });

  it("says truthfully that the node is still down while a hold placed in advance waits", () => {
    const c = failbackDecisionCondition(input({ oldNodeOnline: false }))!;
    expect(c.title).toMatch(/\(pve1 is still down\)$/);
    expect(c.detail).toContain("pve1 is still offline (as of the last poll): the hold was placed in advance");
    expect(c.detail).not.toContain("back online");
    expect(c.facts.nodeState).toBe("offline");
    // Same alert before and after the return: one notification, its text updated.
    expect(c.key).toBe(failbackDecisionCondition(input())?.key);
  });

  it("waits for the hold to be in place before it fires, says when the operation is paused, and the divergence when it was measured", () => {
    // The decide step not reached yet: the job may still be enabled; the alert comes once it is held.
    expect(failbackDecisionCondition(input({}, { hold: hold({ steps: laneSteps({ "failback-hold-job": "verifying" }) }) }))).toBeNull();
    const paused = failbackDecisionCondition(input({}, { hold: hold({ state: "paused" }) }))!;
    expect(paused.detail).toMatch(/The hold operation is paused: a choice is stored now and carried out once it is resumed\.$/);
    const divergence = { measuredAt: 1_800_001_000, base: "__replicate_100-0_1800000000__", volumes: [{ dataset: "rpool/data/vm-100-disk-0", bytes: 3 * 1024 ** 3, error: null }, { dataset: "rpool/data/vm-100-disk-1", bytes: null, error: "timeout" }] };
    const measured = failbackDecisionCondition(input({}, { hold: hold({ divergence }) }))!;
    expect(measured.detail).toContain("3.0 GiB written after it");
    expect(measured.facts.divergentBytes).toBe(3 * 1024 ** 3);
  });

  it("carries the held job's row and its lag against the RPO, and names HA's held failback", () => {
    const facts = { jobRowId: "row-1", jobId: "100-0", vmid: 100, source: "pve2", target: "pve1", status: "disabled", statusMessage: "", failCount: 0, error: null, lastSync: plan.lastSync, lagSeconds: 7200, rpoSeconds: 1800, overRpo: true, removalScheduled: false };
    const withHa = { ...plan, haSid: "vm:100" };
    const c = failbackDecisionCondition(input({ job: { rowId: "row-1", facts } }, { plan: withHa, hold: hold({ steps: [{ kind: "failback-hold-ha", state: "done", message: null }, ...laneSteps({ "failback-hold-job": "done", "failback-decide": "checking" })] }) }))!;
    expect(c).toMatchObject({ jobRowId: "row-1", subjectId: "row-1", lagSeconds: 7200, rpoSeconds: 1800 });
    expect(c.detail).toContain("the job is disabled, and HA's failback of vm:100 is held too.");
  });
});
